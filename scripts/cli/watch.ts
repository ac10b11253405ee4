/**
 * Following a send: polls `GET /api/digests/{id}` every second until the digest is sent, cancelled or paused.
 * On a terminal a progress bar redraws in place (cli-progress); anywhere else (a pipe, a CI log) one line is
 * printed per change, since a redrawn line would only be noise there.
 */
import { Presets, SingleBar } from "cli-progress";
import { ApiError, digestPath, UnreachableError, type Api, type Digest } from "./api";
import { countsLine, settled } from "./format";

export const POLL_MS = 1000;
/** Exit code of a watch that ended on a paused send (errors are 1, usage mistakes 2). */
export const PAUSED_EXIT = 3;
const RATE_WINDOW_MS = 10_000;
const MAX_MISSED_POLLS = 5;

interface Progress {
  digest: Digest;
  done: number;
  /** Settled deliveries per second over the last few seconds. */
  rate: number;
}

interface Display {
  update(progress: Progress): void;
  stop(): void;
}

/** Watches until the send ends; answers the exit code (0 sent or cancelled, `PAUSED_EXIT` paused, 1 a draft). */
export async function watch(api: Api, id: string, { interval = POLL_MS, tty = Boolean(process.stdout.isTTY) } = {}) {
  const display = tty ? bar() : lines();
  const samples: Array<{ at: number; done: number }> = [];
  let interrupted = false;
  const onInterrupt = () => {
    interrupted = true;
  };
  process.once("SIGINT", onInterrupt);
  try {
    for (let missed = 0; ; ) {
      let digest: Digest;
      try {
        digest = (await api.json<{ digest: Digest }>("GET", digestPath(id))).data.digest;
        missed = 0;
      } catch (error) {
        // A blip in the network or a 5xx should not end a long watch; anything the caller must fix does.
        const transient = error instanceof UnreachableError || (error instanceof ApiError && error.status >= 500);
        if (!transient || ++missed >= MAX_MISSED_POLLS) throw error;
        await sleep(interval);
        continue;
      }
      if (digest.status === "draft") {
        display.stop();
        console.error(`${id} is a draft: nothing is sending. Start it with: tidings digest send ${id}`);
        return 1;
      }
      const done = settled(digest.counts);
      const now = Date.now();
      samples.push({ at: now, done });
      while (samples.length > 2 && now - samples[0]!.at > RATE_WINDOW_MS) samples.shift();
      const first = samples[0]!;
      const rate = now > first.at ? ((done - first.done) * 1000) / (now - first.at) : 0;
      display.update({ digest, done, rate });
      if (digest.status !== "sending") {
        display.stop();
        return finish(digest);
      }
      if (interrupted) {
        display.stop();
        console.log(`Stopped watching; the send goes on. Follow it again with: tidings digest watch ${id}`);
        return 130;
      }
      await sleep(interval, () => interrupted);
    }
  } finally {
    process.removeListener("SIGINT", onInterrupt);
  }
}

function finish(digest: Digest): number {
  if (digest.status === "paused") {
    console.log(`${digest.id} paused: ${digest.pauseReason ?? "no reason given"}`);
    return PAUSED_EXIT;
  }
  console.log(`${digest.id} ${digest.status}${digest.sentAt ? ` at ${digest.sentAt}` : ""}: ${countsLine(digest.counts)}`);
  return 0;
}

const percent = ({ done, digest }: Progress) =>
  digest.counts.recipients > 0 ? `${Math.floor((done * 100) / digest.counts.recipients)}%` : "planning";

const payload = (progress: Progress) => ({
  pct: percent(progress),
  done: progress.done,
  recipients: progress.digest.counts.recipients,
  rate: progress.rate.toFixed(1),
  counts: countsLine(progress.digest.counts),
  status: progress.digest.status,
});

function bar(): Display {
  // Our own tokens, not {percentage}/{total}: while planning there are 0 recipients, which cli-progress shows as 100%.
  const progressBar = new SingleBar(
    {
      format: "{bar} {pct} | {done}/{recipients} | {rate}/s | {status} | {counts}",
      stream: process.stdout,
      hideCursor: true,
      barsize: 30,
    },
    Presets.shades_classic,
  );
  let started = false;
  return {
    update(progress) {
      const total = Math.max(progress.digest.counts.recipients, 1);
      const value = Math.min(progress.done, total);
      if (!started) progressBar.start(total, value, payload(progress));
      else {
        progressBar.setTotal(total);
        progressBar.update(value, payload(progress));
      }
      started = true;
    },
    stop: () => started && progressBar.stop(),
  };
}

function lines(): Display {
  let last = "";
  return {
    update(progress) {
      const { pct, done, recipients, rate, counts, status } = payload(progress);
      const state = `${status} ${done}/${recipients} ${counts}`;
      // One line per change: a log of a long send stays readable.
      if (state !== last) console.log(`${progress.digest.id} ${status} ${done}/${recipients} (${pct}) ${rate}/s ${counts}`);
      last = state;
    },
    stop() {},
  };
}

/** Waits `ms`, or less once `stop()` says so (checked every 100 ms). */
async function sleep(ms: number, stop: () => boolean = () => false): Promise<void> {
  for (const until = Date.now() + ms; Date.now() < until && !stop(); ) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(100, until - Date.now())));
  }
}
