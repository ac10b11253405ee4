/**
 * SpamAssassin's verdict on composed emails, with its local rules only (no DNS blocklists, no network tests), as
 * `spamassassin -L` gives it. Debian's package is installed when missing (CI runs as root on a fresh machine);
 * where it cannot be, the test fails saying why rather than passing unchecked.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface Verdict {
  score: number;
  /** The rules hit, each with its score: `HTML_MESSAGE=0.001`. */
  rules: string[];
}

async function installed(): Promise<boolean> {
  try {
    await run("sh", ["-c", "command -v spamassassin && perl -MMail::SpamAssassin -e 1"]);
    return true;
  } catch {
    return false;
  }
}

/** Installs Debian's spamassassin package unless it is there already (a few seconds when it is). */
export async function ensureSpamAssassin(): Promise<void> {
  if (await installed()) return;
  if (process.getuid?.() !== 0) {
    throw new Error("SpamAssassin is not installed and only root can install it: run `apt-get install -y spamassassin`");
  }
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  try {
    await run("apt-get", ["update"], { env, maxBuffer: 64 * 1024 * 1024 });
    await run("apt-get", ["install", "-y", "--no-install-recommends", "spamassassin"], { env, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const { stderr = "", message } = error as { stderr?: string; message: string };
    throw new Error(`Could not install SpamAssassin from Debian (apt-get): ${stderr.trim().split("\n").slice(-5).join(" | ") || message}`);
  }
  if (!(await installed())) throw new Error("apt-get installed spamassassin, yet `spamassassin` or Mail::SpamAssassin is missing");
}

// One SpamAssassin for every email: its rules are compiled once (about a second), not once per email. User state
// (and the preferences file SpamAssassin would otherwise create in ~/.spamassassin) stays in a temporary folder.
const SCORER = String.raw`
use strict; use warnings;
use Mail::SpamAssassin;
my $dir = shift @ARGV;
my $sa = Mail::SpamAssassin->new({ local_tests_only => 1, dont_copy_prefs => 1,
  userstate_dir => $dir, userprefs_filename => "$dir/user_prefs" });
for my $file (@ARGV) {
  open(my $fh, '<', $file) or die "$file: $!";
  my @lines = <$fh>;
  close $fh;
  my $mail = $sa->parse(\@lines);
  my $status = $sa->check($mail);
  print join("\t", $file, $status->get_score, $status->get_names_of_tests_hit_with_scores), "\n";
  $status->finish;
  $mail->finish;
}
`;

/** Scores raw emails by name, in one SpamAssassin process. */
export async function score(emails: Map<string, Buffer>): Promise<Map<string, Verdict>> {
  const dir = await mkdtemp(join(tmpdir(), "spamassassin-"));
  try {
    const names = [...emails.keys()];
    const files = names.map((_, i) => join(dir, `${i}.eml`));
    await Promise.all(names.map((name, i) => writeFile(files[i]!, emails.get(name)!)));
    await writeFile(join(dir, "score.pl"), SCORER);
    const { stdout } = await run("perl", [join(dir, "score.pl"), dir, ...files], { maxBuffer: 16 * 1024 * 1024 });
    const verdicts = new Map<string, Verdict>();
    for (const line of stdout.trim().split("\n")) {
      const [file = "", points = "", rules = ""] = line.split("\t");
      const name = names[files.indexOf(file)];
      if (name !== undefined) verdicts.set(name, { score: Number(points), rules: rules ? rules.split(",") : [] });
    }
    return verdicts;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
