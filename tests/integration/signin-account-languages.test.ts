/**
 * A Ukrainian reader signs in, sees their account and hears about their membership in Ukrainian: the sign-in email
 * and the link's page in their language (without any Accept-Language), the account page in it once signed in, the
 * patron and change-of-address emails in it with `Content-Language: uk`; an error page follows the visitor's
 * language. English stays the default.
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as Email from "../../core/email";
import * as I18n from "../../core/i18n";
import * as Patrons from "../../core/patrons";
import * as SignIn from "../../core/signin";
import { loadTemplates } from "../../templates/load";
import { makePatron, savePatronSubscriber, saveSubscriber, signedIn } from "../helpers/factories";
import { postJson, randomIp, request } from "../helpers/http";
import { useLocalStack } from "../helpers/local";
import { mailTo, tokenFrom, uniqueEmail } from "../helpers/mail";
import { useFakeStripe } from "../helpers/stripe";

useLocalStack();
beforeAll(() => I18n.load());

/** Intl's no-break spaces (in "5 €", "1 250") as plain ones. */
const plain = (text: string | undefined) => text?.replace(/\u00a0/g, " ");
const htmlLang = (html: string) => html.match(/<html lang="([^"]*)"/)?.[1];
const title = (html: string) => html.match(/<h1[^>]*>([^<]*)</)?.[1];
/** An email as it goes out: its MIME, headers and all. */
const mime = async (message: Email.Message) => (await Email.compose(message)).toString("utf8");

describe("signing in, in the reader's language", () => {
  it("emails a Ukrainian subscriber a Ukrainian sign-in link, Content-Language uk, whatever the form's language", async () => {
    const email = uniqueEmail("uk-signin");
    await saveSubscriber({ email, language: "uk" });

    expect((await postJson("/api/login", { email }, randomIp())).status).toBe(202);
    const [mail] = await mailTo(email);
    expect(mail?.subject).toMatch(/^Посилання для входу в /);
    expect(mail?.body.text).toContain("Натисніть кнопку, щоб увійти");
    expect(mail?.body.text).not.toMatch(/Press the button|Sign in to/);

    // The same email as the worker hands it to SES.
    const other = uniqueEmail("uk-signin-mime");
    await saveSubscriber({ email: other, language: "uk" });
    let sent: Email.Message | undefined;
    expect(await SignIn.sendLink(other, new Date(), async (message) => (sent = message))).toBe("sent");
    expect(sent?.language).toBe("uk");
    expect(await mime(sent!)).toMatch(/^Content-Language: uk\r?$/m);
  });

  it("keeps an English subscriber's sign-in email English (the default)", async () => {
    const email = uniqueEmail("en-signin");
    await saveSubscriber({ email });
    let sent: Email.Message | undefined;
    await SignIn.sendLink(email, new Date(), async (message) => (sent = message));
    expect(sent?.subject).toMatch(/^Sign in to /);
    expect(await mime(sent!)).toMatch(/^Content-Language: en\r?$/m);
  });

  it("shows the link's page in the language of the subscriber it is for, unless ?lang= asks otherwise", async () => {
    const email = uniqueEmail("uk-link");
    await saveSubscriber({ email, language: "uk" });
    expect((await postJson("/api/login", { email }, randomIp())).status).toBe(202);
    const token = tokenFrom((await mailTo(email))[0]!, "/login");

    const page = await request(`/login?token=${encodeURIComponent(token)}`, { headers: { accept: "text/html", "accept-language": "en" } });
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(page.headers.get("content-language")).toBe("uk");
    expect(htmlLang(html)).toBe("uk");
    expect(html).toContain("Натисніть кнопку, щоб увійти на цьому пристрої.");

    const asked = await request(`/login?token=${encodeURIComponent(token)}&lang=en`, { headers: { accept: "text/html" } });
    expect(await asked.text()).toContain("Press the button to sign in on this device.");
  });

  it("asks for a link in the visitor's language", async () => {
    const html = await (await request("/login", { headers: { accept: "text/html", "accept-language": "uk" } })).text();
    expect(title(html)).toBe("Вхід");
    expect(html).toContain("Надіслати посилання для входу");
  });
});

describe("the account page", () => {
  it("speaks a signed-in Ukrainian reader's language, even to a browser asking for English", async () => {
    const reader = await signedIn({ email: uniqueEmail("uk-account"), language: "uk", name: "Олена" });
    const response = await request("/account", { headers: { cookie: reader.header, accept: "text/html", "accept-language": "en" } });
    const html = await response.text();
    expect(response.status).toBe(200);
    expect(htmlLang(html)).toBe("uk");
    expect(response.headers.get("content-language")).toBe("uk");
    expect(title(html)).toBe("Ваш обліковий запис");
    expect(html).toContain("Ви підписані на наші дайджести.");
    expect(html).toContain("Імʼя в наших листах: Олена");
    expect(html).toContain("Вийти на всіх пристроях");
    expect(html).not.toMatch(/Your account|Sign out/);
  });

  it("stays English for an English reader", async () => {
    const reader = await signedIn({ email: uniqueEmail("en-account") });
    const html = await (await request("/account", { headers: { cookie: reader.header, accept: "text/html" } })).text();
    expect(htmlLang(html)).toBe("en");
    expect(title(html)).toBe("Your account");
  });
});

describe("membership pages", () => {
  useFakeStripe();

  it("offer the tiers in Ukrainian, each price as Ukrainian writes it", async () => {
    const response = await request("/join", { headers: { accept: "text/html", "accept-language": "uk" } });
    const html = plain(await response.text())!;
    expect(response.status).toBe(200);
    expect(title(html)).toBe("Станьте меценатом");
    expect(html).toContain("5 € на місяць");
    expect(html).toContain("50 € на рік"); // its saving, in words, is tested with the prices (tests/unit/patrons)
    expect(html).toContain("Перейти до оплати");
  });

  it("tell a Ukrainian patron in grace, on their account page, until when, in Ukrainian", async () => {
    const patron = await savePatronSubscriber(
      { status: "grace", graceUntil: "2026-12-07T10:00:00.000Z", stripeCustomerId: "cus_uk_grace" },
      { email: uniqueEmail("uk-grace"), language: "uk" },
    );
    const reader = await signedIn(patron.id);
    const html = plain(await (await request("/account", { headers: { cookie: reader.header, accept: "text/html" } })).text())!;
    expect(html).toContain("Членство");
    expect(html).toContain("Ваш останній платіж не пройшов. Членство триває до 7 грудня 2026 р.");
    expect(html).toContain("Керувати оплатою");
    expect(html).not.toContain("р.."); // a date's "р." ends its sentence: no second full stop
  });
});

describe("error pages", () => {
  it("answers a 404 in Ukrainian to Accept-Language: uk, and in English without it", async () => {
    const uk = await request("/no-such-page", { headers: { accept: "text/html", "accept-language": "uk" } });
    const html = await uk.text();
    expect(uk.status).toBe(404);
    expect(htmlLang(html)).toBe("uk");
    expect(title(html)).toBe("Не знайдено");
    expect(html).toContain("За цією адресою нічого немає.");
    expect(html).toContain("На головну");

    const en = await (await request("/no-such-page", { headers: { accept: "text/html" } })).text();
    expect(title(en)).toBe("Not found");
    expect(en).toContain("There is nothing at this address.");
  });

  it("says a broken sign-in link is invalid in Ukrainian, and JSON errors stay English for programs", async () => {
    const page = await request("/login?token=not-a-token", { headers: { accept: "text/html", "accept-language": "uk" } });
    const html = await page.text();
    expect(page.status).toBe(400);
    expect(title(html)).toBe("Не вдалося");
    expect(html).toMatch(/недійсне/);

    const json = await request("/api/no-such-thing", { headers: { "accept-language": "uk" } });
    expect(((await json.json()) as { error: { message: string } }).error.message).toMatch(/^[\x20-\x7e]+$/);
  });
});

describe("patron emails", () => {
  const graceUntil = "2026-12-07T10:00:00.000Z";

  it("are Ukrainian for a Ukrainian patron: welcome, payment failed (with the date in Ukrainian), lapsed", async () => {
    const subscriber = await saveSubscriber({ email: uniqueEmail("uk-patron"), language: "uk", name: "Олена" });
    const message = (fields: Parameters<typeof makePatron>[0]) => Patrons.patronMessage(makePatron(fields), subscriber);

    const welcome = await message({ subscriberId: subscriber.id, currentPeriodEnd: "2026-12-31T00:00:00.000Z", notice: { kind: "welcome", version: 1 } });
    expect(welcome?.subject).toMatch(/^Вітаємо серед меценатів /);
    expect(welcome?.text).toContain("Дякуємо, Олена!");
    expect(welcome?.text).toContain("31 грудня 2026 р.");
    expect(welcome?.text?.replace(/\u00a0/g, " ")).toMatch(/5 € на місяць/);

    const failed = await message({ subscriberId: subscriber.id, status: "grace", graceUntil, notice: { kind: "payment_failed", version: 2 } });
    expect(failed?.subject).toMatch(/не пройшов$/);
    expect(failed?.text).toContain("до 7 грудня 2026 р.");
    expect(failed?.text).not.toMatch(/December|payment/);

    const lapsed = await message({ subscriberId: subscriber.id, status: "lapsed", notice: { kind: "lapsed", version: 3 } });
    expect(lapsed?.subject).toMatch(/закінчилося$/);
    expect(lapsed?.text).toContain("Повернутися");

    for (const email of [welcome, failed, lapsed]) {
      expect(email?.language).toBe("uk");
      expect(email?.text).not.toContain("р.."); // a date's "р." ends its sentence: no second full stop
      expect(await mime(email!)).toMatch(/^Content-Language: uk\r?$/m);
    }
  });

  it("stay English for an English patron, the grace date in English", async () => {
    const subscriber = await saveSubscriber({ email: uniqueEmail("en-patron") });
    const failed = await Patrons.patronMessage(
      makePatron({ subscriberId: subscriber.id, status: "grace", graceUntil, notice: { kind: "payment_failed", version: 1 } }),
      subscriber,
    );
    expect(failed?.subject).toMatch(/payment didn't go through$/);
    expect(failed?.text).toContain("until 7 December 2026");
    expect(failed?.language).toBe("en");
  });
});

describe("change-of-address emails", () => {
  it("speak the subscriber's language", async () => {
    const Templates = await loadTemplates();
    const base = { language: "uk", outletName: "Tidings", postalAddress: "1 Quay Street" };
    const confirm = Templates.emailChangeConfirm({ ...base, confirmUrl: "https://news.example.org/email-change?token=t" });
    expect(confirm.subject).toBe("Підтвердьте нову адресу для Tidings");
    expect(confirm.text).toContain("Посилання діє 7 днів.");
    expect(confirm.language).toBe("uk");

    const notice = Templates.emailChangeNotice({ ...base, newAddress: "r***@example.org", changed: true });
    expect(notice.subject).toBe("Адресу вашого членства в Tidings змінено");
    expect(notice.text).toContain("тепер r***@example.org");
    expect(notice.language).toBe("uk");
  });
});
