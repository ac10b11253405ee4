/**
 * Deliverability: SpamAssassin (Debian's, its local rules only, as `spamassassin -L`) scores every kind of email
 * we send under 1.0, in English and in Ukrainian: the digest in both variants, rendered through core/digests/render
 * for a reader of each language, and the other emails (transactional, the patrons' lifecycle, the welcome series,
 * win-back) from their templates' previews, each composed as SES would get it. Installs
 * SpamAssassin when it is missing (see helpers/spamassassin.ts); scores every email in one process.
 *
 * The score held to the bar is the one the email would have once delivered: without NO_RECEIVED and NO_RELAYS
 * (-0.001 each), which hit only because it comes straight from the composer. And a Ukrainian email is held to it
 * without MIXED_ES ("too many es are not es", 1.0: Debian's rules give it no score of their own, so it gets the
 * default). It counts Latin "e" against look-alikes, Cyrillic "е" among them, to catch Latin words spelt with
 * Cyrillic letters, and fires whenever there are more than 20 Latin e's and the look-alikes number between 0.4 and
 * 9 times as many: in Ukrainian text, any email whose links or English story give it 21 Latin e's. The links of
 * the text part alone do (a sign-in email's one link does not; a welcome's three do). Nothing short of dropping
 * the URLs from the text part, or spelling Ukrainian in Latin look-alikes, avoids it, so it is excused there and
 * printed; any other rule counts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Config from "../../core/config";
import * as Render from "../../core/digests/render";
import * as Email from "../../core/email";
import * as I18n from "../../core/i18n";
import * as Templates from "../../templates";
import { digestInput, outlets, postalAddress, reader } from "../helpers/deliverability";
import { settings } from "../helpers/digest-render";
import { ensureSpamAssassin, score, type Verdict } from "../helpers/spamassassin";

type Language = keyof typeof outlets;
const languages: Language[] = ["en", "uk"];
const saved = { ...process.env };

function configure(language: Language): void {
  Object.assign(process.env, settings, {
    PUBLIC_URL: "https://harbour-gazette.example",
    OUTLET_NAME: outlets[language].name,
    MAIL_FROM: outlets[language].mailFrom,
    UNSUBSCRIBE_MAILTO: "unsubscribe@harbour-gazette.example",
  });
  Config.reset();
}

function digest(language: Language, variant: "free" | "patron"): Email.Message {
  const message = Render.digestMessage(Render.prepare(digestInput(language, variant)), reader(language));
  if (!message) throw new Error(`the ${language} ${variant} digest has nothing to read`);
  return message;
}

/** A template's preview in `language`, from the outlet, to a reader. */
function transactional(name: keyof typeof Templates.previews, language: Language): Email.Message {
  const render = Templates[name] as (data: unknown) => Templates.Rendered;
  const rendered = render({ ...Templates.previews[name], language, outletName: outlets[language].name, postalAddress });
  return { to: reader(language).email, ...rendered };
}

const emails: Record<string, (language: Language) => Email.Message> = {
  "digest (free)": (language) => digest(language, "free"),
  "digest (patron)": (language) => digest(language, "patron"),
  confirmation: (language) => transactional("confirmation", language),
  welcome: (language) => transactional("welcome", language),
  "sign-in": (language) => transactional("signin", language),
  "patron welcome": (language) => transactional("patronWelcome", language),
  "contribution thanks": (language) => transactional("contributionThanks", language),
  // Keeping patrons and readers (product.md → Keeping patrons).
  "payment failed": (language) => transactional("paymentFailed", language),
  "grace reminder": (language) => transactional("paymentReminder", language),
  "card expiring": (language) => transactional("cardExpiring", language),
  "patron paused": (language) => transactional("patronPaused", language),
  "win-back": (language) => transactional("winBack", language),
  "series: best of": (language) => transactional("seriesBestOf", language),
  "series: patron invitation": (language) => transactional("seriesPatronInvitation", language),
};
const cases = languages.flatMap((language) => Object.keys(emails).map((kind) => `${kind}, ${language}`));

let verdicts: Map<string, Verdict>;
const messages = new Map<string, Email.Message>();

beforeAll(async () => {
  await I18n.load();
  const raw = new Map<string, Buffer>();
  for (const language of languages) {
    configure(language);
    for (const [kind, make] of Object.entries(emails)) {
      const message = make(language);
      messages.set(`${kind}, ${language}`, message);
      raw.set(`${kind}, ${language}`, await Email.compose(message));
    }
  }
  await ensureSpamAssassin();
  verdicts = await score(raw);
  const width = Math.max(...cases.map((name) => name.length));
  console.log(
    ["SpamAssassin, local rules:", ...cases.map((name) => {
      const verdict = verdicts.get(name);
      return `  ${name.padEnd(width)}  ${verdict ? `${verdict.score.toFixed(3).padStart(6)}  ${verdict.rules.join(" ")}` : "not scored"}`;
    })].join("\n"),
  );
}, 600_000);

afterAll(() => {
  process.env = saved;
  Config.reset();
});

/** Rules that hit only because the email is scored as composed, never having passed through a relay. */
const UNRELAYED = ["NO_RECEIVED", "NO_RELAYS"];

/** The score of the rules hit, less those named. */
function scoreWithout(verdict: Verdict, rules: string[]): number {
  const points = (rule: string) => Number(rule.split("=")[1]);
  return verdict.rules.filter((rule) => !rules.includes(rule.split("=")[0]!)).reduce((sum, rule) => sum + points(rule), 0);
}

describe("SpamAssassin scores every email under 1.0 with its local rules", () => {
  it.each(cases)("%s", (name) => {
    const verdict = verdicts.get(name);
    const excused = name.endsWith(", uk") ? [...UNRELAYED, "MIXED_ES"] : UNRELAYED;

    expect(verdict, `${name} was not scored`).toBeDefined();
    expect(scoreWithout(verdict!, excused), `${name}: ${verdict!.rules.join(" ")}`).toBeLessThan(1);
  });

  it.each(cases)("%s is scored in its language", (name) => {
    const message = messages.get(name)!;
    const language = name.slice(-2);

    expect(message.language).toBe(language);
    if (language === "uk") {
      expect(message.subject).toMatch(/[А-Яа-яІіЇїЄєҐґ]{4,}/);
      expect(message.text).toMatch(/[А-Яа-яІіЇїЄєҐґ]{4,}/);
    }
  });
});
