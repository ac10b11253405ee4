/**
 * A subscriber's language against the real local stack: chosen at sign-up (`language`, else the request's
 * `Accept-Language`), kept with the opt-in and applied by confirming, changed on the preferences page, carried by the
 * editors' CSV export and import; the sign-up emails are written in it (Ukrainian subjects as RFC 2047 encoded
 * words, `Content-Language`), and the pages a subscriber's links open speak it, as do a signed-in reader's
 * privacy pages; their own data export includes it.
 */
import { simpleParser } from "mailparser";
import { beforeAll, describe, expect, it } from "vitest";
import * as Db from "../../core/db";
import * as Email from "../../core/email";
import * as Subscribers from "../../core/subscribers";
import { EDITOR_TOKEN } from "../helpers/editor";
import { csvNow } from "../helpers/exports";
import { saveSubscriber, signedIn, signedLink } from "../helpers/factories";
import { postForm, randomIp, request } from "../helpers/http";
import { useLocalStack } from "../helpers/local";
import { mailTo, tokenFrom, uniqueEmail } from "../helpers/mail";

useLocalStack();

beforeAll(async () => {
  const at = new Date().toISOString();
  await Db.Topics.put({
    id: "lang-climate",
    title: "Climate",
    translations: { uk: { title: "Клімат" } },
    status: "open",
    articleIds: [],
    createdAt: at,
    updatedAt: at,
  });
});

const subscribe = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  request("/api/subscribe", { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) }, randomIp());

/** A page's language as it says it, and its first heading. */
async function spoken(response: Response) {
  const html = await response.text();
  return {
    status: response.status,
    htmlLang: html.match(/<html lang="([^"]*)"/)?.[1],
    contentLanguage: response.headers.get("content-language"),
    heading: html.match(/<h1>([^<]*)<\/h1>/)?.[1],
    html,
  };
}

/** The email as sent: its MIME parsed, and the Subject header as it is on the wire. */
async function sent(message: Email.Message) {
  const raw = await Email.compose(message);
  const parsed = await simpleParser(raw);
  const wireSubject = parsed.headerLines.find((line) => line.key === "subject")?.line.replace(/\r?\n\s+/g, " ");
  return { parsed, wireSubject, contentLanguage: parsed.headers.get("content-language") };
}

describe("the language of a sign-up", () => {
  it("is taken from Accept-Language without a language field: stored, and the confirmation is in Ukrainian", async () => {
    const email = uniqueEmail("uk");
    const response = await subscribe({ email, topics: ["lang-climate"] }, { "accept-language": "uk-UA,uk;q=0.9,en;q=0.5" });
    expect(response.status).toBe(202);

    const stored = (await Db.Subscribers.getByEmail(email))!;
    expect(stored).toMatchObject({ status: "pending", language: "uk", optIn: { language: "uk" } });

    const [confirmation] = await mailTo(email);
    expect(confirmation!.subject).toBe("Підтвердьте підписку на Tidings");
    expect(confirmation!.body.text).toContain("Посилання діє 7 днів.");

    const message = await Subscribers.signupMessage("confirmation", stored);
    const { parsed, wireSubject, contentLanguage } = await sent(message);
    expect(contentLanguage).toBe("uk");
    expect(wireSubject).toMatch(/^Subject: =\?UTF-8\?[BQ]\?/i); // RFC 2047: no raw 8-bit in the header
    expect(parsed.subject).toBe("Підтвердьте підписку на Tidings");
    expect(parsed.html).toMatch(/<html[^>]* lang="uk"/);
    expect(parsed.text).toContain("Будь ласка, підтвердьте");
  });

  it("is the language field when given, over Accept-Language", async () => {
    const email = uniqueEmail("en");
    expect((await subscribe({ email, language: "en" }, { "accept-language": "uk" })).status).toBe(202);
    expect((await Db.Subscribers.getByEmail(email))!.language).toBe("en");
    const [confirmation] = await mailTo(email);
    expect(confirmation!.subject).toBe("Confirm your subscription to Tidings");
  });

  it("refuses a language we do not write in with a 400 naming the field, changing nothing", async () => {
    const email = uniqueEmail("xx");
    const response = await subscribe({ email, language: "xx" }, { "accept-language": "uk" });
    expect(response.status).toBe(400);
    const body = JSON.stringify(await response.json());
    expect(body).toMatch(/language/);
    expect(body).toMatch(/en, uk/);
    expect(await Db.Subscribers.getByEmail(email)).toBeUndefined();
    expect(await mailTo(email)).toHaveLength(0);
  });

  it("comes from the sign-up form, whose page offers each language in itself with the page's preselected", async () => {
    const home = await spoken(await request("/?lang=uk", { headers: { accept: "text/html" } }));
    expect(home).toMatchObject({ status: 200, htmlLang: "uk", contentLanguage: "uk", heading: "Отримуйте наші дайджести поштою" });
    expect(home.html).toContain('<option value="uk" lang="uk" selected="">Українська</option>');
    expect(home.html).toContain('<option value="en" lang="en">English</option>');
    expect(home.html).toContain("Клімат");
    expect(home.html).not.toMatch(/>Subscribe</);

    const english = await spoken(await request("/", { headers: { accept: "text/html" } }));
    expect(english).toMatchObject({ htmlLang: "en", heading: "Get our digests by email" });
    expect(english.html).toContain('<option value="en" lang="en" selected="">English</option>');

    // An English page, Ukrainian chosen on the form: the answer and the emails speak Ukrainian.
    const email = uniqueEmail("form");
    const answer = await spoken(
      await request("/api/subscribe", {
        method: "POST",
        headers: { accept: "text/html", "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ email, frequency: "weekly", language: "uk" }),
      }),
    );
    expect(answer).toMatchObject({ status: 202, htmlLang: "uk", heading: "Перевірте пошту" });
    expect((await Db.Subscribers.getByEmail(email))!.language).toBe("uk");
  });
});

describe("a sign-up of someone who left", () => {
  it("keeps the new language with the opt-in, so only confirming it changes their language", async () => {
    const subscriber = await saveSubscriber({ email: uniqueEmail("back"), status: "unsubscribed", language: "en" });
    expect((await subscribe({ email: subscriber.email, language: "uk" })).status).toBe(202);

    const waiting = (await Db.Subscribers.get(subscriber.id))!;
    expect(waiting).toMatchObject({ status: "unsubscribed", language: "en", optIn: { language: "uk" } });
    const [confirmation] = await mailTo(subscriber.email);
    expect(confirmation!.subject).toBe("Підтвердьте підписку на Tidings");

    const token = tokenFrom(confirmation!, "/confirm");
    expect((await spoken(await request(`/confirm?token=${encodeURIComponent(token)}`))).htmlLang).toBe("uk");
    await postForm("/confirm", { token });
    expect(await Db.Subscribers.get(subscriber.id)).toMatchObject({ status: "active", language: "uk" });
  });
});

describe("a Ukrainian subscriber's links", () => {
  it("open pages in Ukrainian, confirming keeps the language, and the welcome is in Ukrainian with the topic's title in it", async () => {
    const email = uniqueEmail("confirm");
    await subscribe({ email, topics: ["lang-climate"], frequency: "daily", language: "uk" });
    const token = tokenFrom((await mailTo(email))[0]!, "/confirm");

    // No Accept-Language at all: the link's subscriber decides.
    const page = await spoken(await request(`/confirm?token=${encodeURIComponent(token)}`));
    expect(page).toMatchObject({ status: 200, htmlLang: "uk", heading: "Підтвердьте підписку" });
    // ?lang= still wins.
    expect((await spoken(await request(`/confirm?token=${encodeURIComponent(token)}&lang=en`))).heading).toBe("Confirm your subscription");

    const confirmed = await spoken(await postForm("/confirm", { token }));
    expect(confirmed).toMatchObject({ status: 200, htmlLang: "uk", heading: "Ви підписані" });
    const subscriber = (await Db.Subscribers.getByEmail(email))!;
    expect(subscriber).toMatchObject({ status: "active", language: "uk" });

    const welcome = (await mailTo(email))[1]!;
    expect(welcome.subject).toBe("Вітаємо в Tidings");
    expect(welcome.body.text).toContain("Клімат");
    expect(welcome.body.text).toContain("Ви щодня отримуватимете дайджест");
    const { parsed, contentLanguage, wireSubject } = await sent(await Subscribers.welcomeMessage(subscriber));
    expect(contentLanguage).toBe("uk");
    expect(wireSubject).toMatch(/=\?UTF-8\?[BQ]\?/i);
    expect(parsed.subject).toBe("Вітаємо в Tidings");

    const unsubscribe = signedLink("unsubscribe", subscriber.id);
    expect((await spoken(await request(unsubscribe.path))).heading).toBe("Відписатися");
    const unsubscribed = await spoken(await postForm("/unsubscribe", { token: unsubscribe.token }));
    expect(unsubscribed).toMatchObject({ htmlLang: "uk", heading: "Ви відписалися" });
  });

  it("tell an active Ukrainian subscriber they are subscribed already, in Ukrainian, whatever language a stranger asked for", async () => {
    const subscriber = await saveSubscriber({ email: uniqueEmail("already"), status: "active", language: "uk" });
    expect((await subscribe({ email: subscriber.email, language: "en" })).status).toBe(202);
    const [already] = await mailTo(subscriber.email);
    expect(already!.subject).toBe("Ви вже підписані на Tidings");
    expect((await Db.Subscribers.get(subscriber.id))!.language).toBe("uk");
  });
});

describe("the preferences page", () => {
  it("speaks the subscriber's language and changes it", async () => {
    const subscriber = await saveSubscriber({ email: uniqueEmail("prefs"), status: "active", language: "uk", topics: ["lang-climate"] });
    const { token, path } = signedLink("manage", subscriber.id);

    const page = await spoken(await request(path, { headers: { "accept-language": "en" } }));
    expect(page).toMatchObject({ status: 200, htmlLang: "uk", heading: "Ваші налаштування" });
    expect(page.html).toContain('<option value="uk" lang="uk" selected="">Українська</option>');
    expect(page.html).toContain('<option value="weekly" selected="">Щотижня</option>');
    expect(page.html).toMatch(/checked=""\/> <label for="topic-lang-climate">Клімат<\/label>/);

    const saved = await spoken(await postForm("/preferences", { token, topics: ["lang-climate"], frequency: "weekly", language: "en" }));
    expect(saved).toMatchObject({ status: 200, htmlLang: "en", heading: "Your preferences" });
    expect(saved.html).toContain("<strong>Saved.</strong>");
    expect((await Db.Subscribers.get(subscriber.id))!.language).toBe("en");

    const refused = await postForm("/preferences", { token, frequency: "weekly", language: "fr" });
    expect(refused.status).toBe(400);
    expect((await Db.Subscribers.get(subscriber.id))!.language).toBe("en");
  });
});

describe("the editors' CSV", () => {
  const upload = (csv: string) =>
    request("/api/subscribers/import", {
      method: "POST",
      headers: { authorization: `Bearer ${EDITOR_TOKEN}`, "content-type": "text/csv; charset=utf-8" },
      body: csv,
    });

  it("imports a language column (reporting a language we do not write in) and exports it back, unchanged on re-import", async () => {
    const [uk, en, none, bad] = ["csv-uk", "csv-en", "csv-none", "csv-bad"].map((label) => uniqueEmail(label));
    const csv = `email,language,consented_at\n${uk},uk,2025-03-01\n${en},EN,2025-03-01\n${none},,2025-03-01\n${bad},de,2025-03-01\n`;
    const response = await upload(csv);
    expect(response.status).toBe(200);
    const report = (await response.json()) as { created: number; errors: Array<{ line: number; message: string }> };
    expect(report.created).toBe(3);
    expect(report.errors).toEqual([{ line: 5, message: expect.stringMatching(/^language: must be one of .*en, uk/) }]);
    expect((await Db.Subscribers.getByEmail(uk!))!.language).toBe("uk");
    expect((await Db.Subscribers.getByEmail(en!))!.language).toBe("en");
    expect((await Db.Subscribers.getByEmail(none!))!.language).toBeUndefined();
    expect(await Db.Subscribers.getByEmail(bad!)).toBeUndefined();

    const exported = await csvNow("active");
    expect(exported.split("\n")[0]).toBe("email,name,topics,frequency,language,consented_at,status,consent_source,created_at");
    const mine = exported.split("\n").filter((line) => [uk, en, none].some((address) => line.startsWith(`${address},`)));
    expect(mine).toHaveLength(3);
    expect(mine.find((line) => line.startsWith(`${uk},`))).toMatch(/^[^,]+,,,weekly,uk,/);

    const again = (await (await upload(`${exported.split("\n")[0]}\n${mine.join("\n")}\n`)).json()) as { unchanged: number; updated: number };
    expect(again).toMatchObject({ unchanged: 3, updated: 0 });

    // A language column changes a stored subscriber's language; an empty cell keeps it.
    const changed = (await (await upload(`email,language,consented_at\n${uk},en,2025-03-01\n${en},,2025-03-01\n`)).json()) as { updated: number; unchanged: number };
    expect(changed).toMatchObject({ updated: 1, unchanged: 1 });
    expect((await Db.Subscribers.getByEmail(uk!))!.language).toBe("en");
  });
});

describe("a signed-in reader's data", () => {
  it("includes their language in the export, and the erased page speaks it", async () => {
    const reader = await signedIn({ email: uniqueEmail("privacy"), status: "active", language: "uk" });
    const exported = await reader.call("GET", "/api/account/export");
    expect(exported.status).toBe(200);
    expect(((await exported.json()) as { subscriber: { language?: string } }).subscriber.language).toBe("uk");

    const erased = await spoken(
      await request("/account/delete", {
        method: "POST",
        headers: {
          cookie: reader.header,
          origin: new URL(process.env.PUBLIC_URL!).origin,
          accept: "text/html",
          "content-type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams({ confirm: "yes" }),
      }),
    );
    expect(erased).toMatchObject({ status: 200, htmlLang: "uk", heading: "Ваші дані видалено" });
  });
});
