/**
 * Stories in two languages through the real local stack: the article API's rules for translations (a 400 that
 * changes nothing), and a digest sent through the real send path (the queue, the send worker, the SES emulator)
 * to an English and a Ukrainian reader, each getting their own language, Content-Language and a human subject.
 */
import { simpleParser, type ParsedMail } from "mailparser";
import { beforeAll, describe, expect, it } from "vitest";
import { TokenBucket } from "../../core/delivery";
import { drain } from "../../scripts/local-worker";
import { editor } from "../helpers/editor";
import { createDigest, saveSubscriber, uniquePeriod, uniqueSlug } from "../helpers/factories";
import { useLocalStack } from "../helpers/local";
import { uniqueEmail } from "../helpers/mail";
import { startSesProxy } from "../helpers/ses-proxy";

useLocalStack();

const topic = uniqueSlug("bridges");
const elsewhereTopic = uniqueSlug("ferries");
const ids = { original: uniqueSlug("bridge"), translation: uniqueSlug("mist"), untranslated: uniqueSlug("tide"), ukOriginal: uniqueSlug("yarmarok") };

const put = (id: string, fields: Record<string, unknown>) =>
  editor("PUT", `/api/articles/${id}`, {
    title: `Story ${id}`,
    url: `https://news.example.org/${id}`,
    topics: [topic],
    publishedAt: new Date(Date.now() - 60_000).toISOString(),
    ...fields,
  });

async function expect400(id: string, fields: Record<string, unknown>, field: string) {
  const response = await put(id, fields);
  expect(response.status, JSON.stringify(fields)).toBe(400);
  const body = (await response.json()) as { error: { code: string; fields?: Record<string, string> } };
  expect(body.error.fields?.[field], JSON.stringify(body)).toBeTruthy();
}

beforeAll(async () => {
  const made = await editor("PUT", `/api/topics/${topic}`, { title: "Bridges", translations: { uk: { title: "Мости" } } });
  expect(made.status).toBeLessThan(300);
  expect((await editor("PUT", `/api/topics/${elsewhereTopic}`, { title: "Ferries" })).status).toBeLessThan(300);
  expect((await put(ids.original, { title: "The old bridge reopens", language: "en" })).status).toBe(201);
  expect((await put(ids.translation, { title: "Старий міст знову відкрили", language: "uk", translationOf: ids.original })).status).toBe(201);
  expect((await put(ids.untranslated, { title: "Tide tables for the winter" })).status).toBe(201);
  expect((await put(ids.ukOriginal, { title: "Ярмарок біля мосту", language: "uk" })).status).toBe(201);
});

describe("articles in two languages", () => {
  it("keeps an article's language (the default when not given) and the original it translates", async () => {
    const translation = (await (await editor("GET", `/api/articles/${ids.translation}`)).json()) as { article: Record<string, unknown> };
    expect(translation.article).toMatchObject({ language: "uk", translationOf: ids.original });
    const untranslated = (await (await editor("GET", `/api/articles/${ids.untranslated}`)).json()) as { article: Record<string, unknown> };
    expect(untranslated.article.language).toBe("en");
  });

  it("answers 400 and changes nothing for a translation that cannot be", async () => {
    const fresh = uniqueSlug("refused");
    await expect400(fresh, { language: "fr" }, "language");
    await expect400(fresh, { language: "uk", translationOf: uniqueSlug("nowhere") }, "translationOf");
    await expect400(fresh, { language: "en", translationOf: ids.translation }, "translationOf"); // a translation itself
    await expect400(fresh, { language: "en", translationOf: ids.original }, "language"); // the original's language
    await expect400(fresh, { language: "uk", translationOf: ids.original }, "translationOf"); // it has one in uk
    await expect400(fresh, { language: "uk", translationOf: fresh }, "translationOf");
    expect((await editor("GET", `/api/articles/${fresh}`)).status).toBe(404);

    // An original with a translation cannot become a translation, nor move into its translation's language.
    await expect400(ids.original, { title: "The old bridge reopens", language: "en", translationOf: ids.ukOriginal }, "translationOf");
    await expect400(ids.original, { title: "The old bridge reopens", language: "uk" }, "language");
    const original = (await (await editor("GET", `/api/articles/${ids.original}`)).json()) as { article: Record<string, unknown> };
    expect(original.article).toMatchObject({ language: "en" });
    expect(original.article.translationOf).toBeUndefined();
  });

  it("lets a translation move to another original's claim once it gives up its own", async () => {
    // Filed under another topic, so that the digest below is not about them.
    const original = uniqueSlug("pidhotovka");
    const other = uniqueSlug("moving");
    const again = uniqueSlug("again");
    const fields = (more: Record<string, unknown>) => ({ ...more, topics: [elsewhereTopic] });
    expect((await put(original, fields({ language: "uk" }))).status).toBe(201);
    expect((await put(other, fields({ language: "en", translationOf: original }))).status).toBe(201);
    await expect400(again, fields({ language: "en", translationOf: original }), "translationOf");
    expect((await put(other, fields({ language: "en" }))).status).toBe(200); // no longer a translation: the claim is free
    expect((await put(again, fields({ language: "en", translationOf: original }))).status).toBe(201);
  });
});

describe("a digest to an English and a Ukrainian reader", () => {
  let digest: Awaited<ReturnType<typeof createDigest>>;
  beforeAll(async () => {
    digest = await createDigest();
  });

  it("previews the sample reader in a language (language=uk), saying so in Content-Language", async () => {
    const response = await editor("GET", `/api/digests/${digest.id}/preview?language=uk&format=text`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-language")).toBe("uk");
    const text = await response.text();
    expect(text).toContain("Вітаємо!");
    expect(text).toContain("Старий міст знову відкрили");
  });

  it("gives each their language: the story's version in it, others marked, Content-Language and a human subject", async () => {
    const en = await saveSubscriber({ email: uniqueEmail("en-reader"), name: "Ada", topics: [topic], language: "en" });
    const uk = await saveSubscriber({ email: uniqueEmail("uk-reader"), name: "Оксана", topics: [topic], language: "uk" });
    expect(digest.subject).not.toMatch(/your weekly digest|W\d\d/);

    const proxy = await startSesProxy();
    let mine: Map<string, ParsedMail>;
    try {
      expect((await editor("POST", `/api/digests/${digest.id}/send`)).status).toBe(202);
      await drain({ workers: 1, bucket: new TokenBucket(2000) });
      const parsed = await Promise.all(proxy.forwarded().map((raw) => simpleParser(raw)));
      mine = new Map(parsed.filter((mail) => mail.headers.get("x-tidings-digest") === digest.id).map((mail) => [String(mail.headers.get("x-tidings-delivery")), mail]));
    } finally {
      await proxy.stop();
    }

    const english = mine.get(en.id)!;
    const ukrainian = mine.get(uk.id)!;
    expect(english.headers.get("content-language")).toBe("en");
    expect(ukrainian.headers.get("content-language")).toBe("uk");
    const plain = (text?: string) => text?.replace(/[\u00a0\u2009\u202f]/g, " ");
    expect(plain(english.subject)).toBe(plain(digest.subject));
    expect(english.subject).toMatch(/the week of/);
    expect(ukrainian.subject).toMatch(/головне за тиждень, .*(грудня|січня|листопада|\d{4})/);

    expect(english.text).toContain("Hello Ada,");
    expect(english.text).toContain("The old bridge reopens");
    expect(english.text).not.toContain("Старий міст знову відкрили");
    expect(english.text).toMatch(/Ярмарок біля мосту[^\n]*\n+[^\n]*In Ukrainian/);

    expect(ukrainian.text).toContain("Вітаємо, Оксана!");
    expect(ukrainian.text).toContain("Мости");
    expect(ukrainian.text).toContain("Старий міст знову відкрили");
    expect(ukrainian.text).not.toContain("The old bridge reopens");
    expect(ukrainian.text).toMatch(/Tide tables for the winter[^\n]*\n+[^\n]*Мова: англійська/);
    expect(ukrainian.text).toContain("Відписатися");
    expect(ukrainian.html).toContain('lang="uk"');
  });
});

describe("an editor's subjects per language", () => {
  it("keeps a Ukrainian subject and intro beside the default language's, and refuses a language that is not one", async () => {
    for (const translations of [{ fr: { subject: "Semaine" } }, { en: { subject: "Week" } }]) {
      const refused = await editor("POST", "/api/digests", { frequency: "daily", period: uniquePeriod("daily"), translations });
      expect(refused.status, JSON.stringify(translations)).toBe(400);
    }

    // Daily: it covers the stories published above (a minute ago), whatever the weekly digest above sent.
    const translations = { uk: { subject: "Мости й припливи", intro: "Від редакції." } };
    const digest = await createDigest({ frequency: "daily", subject: "Bridges and tides", intro: "From the newsroom.", translations });
    expect(digest).toMatchObject({ subject: "Bridges and tides", translations });
    const uk = await (await editor("GET", `/api/digests/${digest.id}/preview?language=uk`)).text();
    const en = await (await editor("GET", `/api/digests/${digest.id}/preview`)).text();
    expect(uk).toContain("<title>Мости й припливи</title>");
    expect(uk).toContain("Від редакції.");
    expect(uk).not.toContain("From the newsroom.");
    expect(en).toContain("<title>Bridges and tides</title>");
    expect(en).not.toContain("Від редакції.");
  });
});
