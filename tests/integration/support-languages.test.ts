/**
 * Giving in the reader's language: the support page, its gift form and the thanks page in Ukrainian; a contribution
 * or a gift keeps the language of the page its checkout started from (Checkout's metadata, then the record), and its
 * emails speak it, said in `Content-Language` (the raw messages, read on their way to the SES stand-in): the
 * thank-you and "You funded it, we covered it" to the giver, the redeem link and the invitation to continue to the
 * gift's recipient, unless that recipient is a subscriber who chose a language of their own.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type Stripe from "stripe";
import * as Db from "../../core/db";
import * as Gifts from "../../core/gifts";
import { editor } from "../helpers/editor";
import { saveSubscriber, uniqueSlug } from "../helpers/factories";
import { randomIp, request } from "../helpers/http";
import { useLocalStack } from "../helpers/local";
import { mailTo, uniqueEmail } from "../helpers/mail";
import { startSesProxy, type SesProxy } from "../helpers/ses-proxy";
import { body, deliver, useFakeStripe } from "../helpers/stripe";
import { charge, checkoutSession, event, paymentIntent } from "../helpers/stripe-objects";

useLocalStack();
const stripe = useFakeStripe();

let proxy: SesProxy;
beforeAll(async () => {
  proxy = await startSesProxy(); // every raw email passes here on its way to the SES stand-in
});
afterAll(async () => {
  await proxy?.stop();
});

/** Intl's no-break spaces as plain ones, to compare with. */
const plain = (text: string | undefined) => (text ?? "").replace(/[\u00a0\u202f]/g, " ");

const page = async (path: string, language = "uk") => {
  const response = await request(path, { headers: { accept: "text/html", "accept-language": language } });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-language")).toBe(language);
  return response.text();
};

/** A form posted from a page in `language` (the page's language reaches the route as the browser's). */
const postFormIn = (language: string, path: string, fields: Record<string, string>) =>
  request(
    path,
    { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", "accept-language": language }, body: new URLSearchParams(fields) },
    randomIp(),
  );

/** The Checkout session the last checkout asked for, completed and paid, with its payment at Stripe. */
function completedLastCheckout(email: string): Stripe.Checkout.Session {
  const { params } = stripe.fake.checkoutSessions.at(-1)!;
  const amount = Object.values(params.line_items as Record<string, any>).reduce((sum, line) => sum + Number(line.price_data.unit_amount), 0);
  const paid = charge({ customer: null, amount, currency: "eur" });
  const pi = paymentIntent({ id: paid.payment_intent as string, customer: null, amount, currency: "eur", latestCharge: paid.id });
  stripe.fake.charges.set(paid.id, paid);
  stripe.fake.paymentIntents.set(pi.id, pi);
  const session = checkoutSession({ customer: null, subscription: null, mode: "payment", email, metadata: params.metadata as Record<string, string> });
  Object.assign(session, { amount_total: amount, amount_subtotal: amount, currency: "eur", payment_intent: pi.id, payment_status: "paid" });
  return session;
}

async function processed(evt: Stripe.Event) {
  const response = await deliver(evt);
  expect(response.status, await response.clone().text()).toBe(200);
  return (await body(response)).outcome as string;
}

/** The `Content-Language` of the raw emails sent to `address`, oldest first. */
const languagesSentTo = (address: string) =>
  proxy.calls
    .filter((call) => call.raw.toString("utf8").toLowerCase().includes(address.toLowerCase()))
    .map((call) => /^Content-Language: (.+)$/m.exec(call.raw.toString("utf8"))?.[1]?.trim());

describe("the support page in Ukrainian", () => {
  it("speaks Ukrainian: amounts, the fee, the funded topics by their Ukrainian titles, the gift form; English as before", async () => {
    const id = uniqueSlug("shelters");
    await editor("PUT", `/api/topics/${id}`, { title: "Shelters in schools", translations: { uk: { title: "Укриття в школах" } }, fundingGoal: 10_000 });
    const html = plain(await page(`/support?topic=${id}`));
    expect(html).toMatch(/<html lang="uk"/);
    expect(html).toContain("<h1>Підтримайте нашу журналістику</h1>");
    expect(html).toContain("Матеріали, на які збирають читачі");
    expect(html).toContain(`<option value="${id}" selected="">Укриття в школах</option>`);
    expect(html).toContain("Зібрано 0 € з 100 €: 0 внесків");
    expect(html).toMatch(/<label for="amount-\d+">\d+ €<\/label>/);
    expect(html).toContain("Додати комісію за картку (");
    expect(html).toContain("Подаруйте членство");
    expect(html).toMatch(/\(\d+ € на місяць\)/);
    expect(html).not.toContain("Shelters in schools");
    expect(html).not.toMatch(/Support our reporting|Continue to payment|Another amount|a month\)/);

    const english = await page(`/support?topic=${id}`, "en");
    expect(english).toContain("<h1>Support our reporting</h1>");
    expect(english).toContain(">Shelters in schools</option>");
    expect(english).toContain("€0 of €100 raised from 0 contributions");

    const thanks = await page("/support/thanks");
    expect(thanks).toContain("<h1>Дякуємо</h1>");
    expect(thanks).toContain("«Подарунки, які ви зробили»");
  });
});

describe("a contribution from a Ukrainian page", () => {
  it("keeps its language and is thanked in Ukrainian (Content-Language: uk), the amount as Ukrainian writes it", async () => {
    const id = uniqueSlug("water");
    await editor("PUT", `/api/topics/${id}`, { title: "Kherson's water", translations: { uk: { title: "Вода Херсона" } } });
    const email = uniqueEmail("uk-giver");
    const form = await postFormIn("uk", "/support", { amount: "custom", custom: "10", topic: id, email });
    expect(form.status).toBe(303);
    const { params } = stripe.fake.checkoutSessions.at(-1)!;
    expect(params.metadata).toMatchObject({ kind: "contribution", topicId: id, language: "uk" });
    expect(Object.values(params.line_items as Record<string, any>)[0].price_data.product_data.name).toBe("Внесок для Tidings: Вода Херсона");

    const session = completedLastCheckout(email);
    await processed(event("checkout.session.completed", session));
    expect(await Db.Contributions.get(session.id)).toMatchObject({ language: "uk", topicId: id });

    const [thanks, ...others] = await mailTo(email);
    expect(others).toHaveLength(0);
    expect(thanks!.subject).toBe("Дякуємо за підтримку Tidings");
    expect(thanks!.body.html).toMatch(/<html[^>]* lang="uk"/);
    expect(plain(thanks!.body.text)).toContain("Дякуємо за ваш внесок 10 € для Tidings на наші матеріали про «Вода Херсона».");
    expect(thanks!.body.text).not.toMatch(/Thank you|Kherson's water/);
    expect(languagesSentTo(email)).toEqual(["uk"]);
  });

  it("an English page's contribution is thanked in English, as before (Content-Language: en)", async () => {
    const email = uniqueEmail("en-giver");
    expect((await postFormIn("en", "/support", { amount: "custom", custom: "12,50", email })).status).toBe(303);
    expect(stripe.fake.checkoutSessions.at(-1)!.params.metadata).toMatchObject({ language: "en" });
    await processed(event("checkout.session.completed", completedLastCheckout(email)));
    const [thanks] = await mailTo(email);
    expect(thanks!.subject).toBe("Thank you for supporting Tidings");
    expect(thanks!.body.text).toContain("Thank you for your contribution of €12.50 to Tidings.");
    expect(languagesSentTo(email)).toEqual(["en"]);
  });

  it("hears that its topic is covered in Ukrainian too", async () => {
    const id = uniqueSlug("dams");
    await editor("PUT", `/api/topics/${id}`, { title: "Dams", translations: { uk: { title: "Дамби" } } });
    const article = uniqueSlug("dams-article");
    expect((await editor("PUT", `/api/articles/${article}`, { title: "The dams", url: `https://news.example.org/${article}`, topics: [id], publishedAt: new Date().toISOString() })).status).toBeLessThan(300);
    const email = uniqueEmail("uk-funder");
    await postFormIn("uk", "/support", { amount: "custom", custom: "5", topic: id, email });
    await processed(event("checkout.session.completed", completedLastCheckout(email)));
    expect((await editor("PUT", `/api/topics/${id}`, { title: "Dams", status: "covered", articleIds: [article] })).status).toBe(200);
    // Reading mail works the transactional queue: the covered message fans out, its email goes.
    const covered = (await mailTo(email)).filter((m) => m.subject === "Ви підтримали — ми написали");
    expect(covered).toHaveLength(1);
    expect(covered[0]!.body.text).toContain("«Дамби»");
    expect(languagesSentTo(email)).toEqual(["uk", "uk"]);
  });
});

describe("a gift bought from a Ukrainian page", () => {
  it("reaches its recipient in Ukrainian (Content-Language: uk); its pages speak Ukrainian; a recipient made by it keeps uk", async () => {
    const recipient = uniqueEmail("uk-recipient");
    const today = new Date().toISOString().slice(0, 10);
    const form = await postFormIn("uk", "/gift/checkout", { tier: "coffee", months: "2", recipientEmail: recipient, recipientName: "Олена", deliverOn: today });
    expect(form.status).toBe(303);
    const { params } = stripe.fake.checkoutSessions.at(-1)!;
    expect(params.metadata).toMatchObject({ kind: "gift", language: "uk" });
    expect(Object.values(params.line_items as Record<string, any>)[0].price_data.product_data.name).toBe("Coffee: 2 місяці членства");

    const session = completedLastCheckout(uniqueEmail("uk-buyer"));
    await processed(event("checkout.session.completed", session));
    expect(await Db.Gifts.get(session.id)).toMatchObject({ language: "uk" });
    await Gifts.runSchedule();
    const [mail] = (await mailTo(recipient)).filter((m) => m.subject === "Подарунок для вас: членство в Tidings");
    expect(mail!.body.text).toContain("Вітаємо, Олена!");
    expect(mail!.body.text).toContain("Хтось подарував вам 2 місяці членства рівня Coffee в Tidings");
    expect(languagesSentTo(recipient)).toEqual(["uk"]);

    // The redeem page speaks the email's language, whatever the browser's; so does the answer to its button.
    const token = decodeURIComponent(/\/gift\?token=([^\s"<>)]+)/.exec(mail!.body.text ?? "")![1]!);
    const opened = await request(`/gift?token=${encodeURIComponent(token)}`, { headers: { accept: "text/html", "accept-language": "en" } });
    expect(opened.headers.get("content-language")).toBe("uk");
    const redeemPage = await opened.text();
    expect(redeemPage).toContain("Подарунок для вас");
    expect(redeemPage).toContain("Вам подарували <strong>2 місяці</strong> членства рівня <strong>Coffee</strong>.");
    const redeemed = await postFormIn("en", "/gift", { token });
    expect(redeemed.status).toBe(200);
    expect(redeemed.headers.get("content-language")).toBe("uk");
    // The date ends in "р.": a sentence that ends with it has no second full stop.
    expect(await redeemed.text()).toMatch(/Ваш подарунок активовано[\s\S]*Вітаємо! До \d+ [а-яіїєґ]+ \d{4} р\. у вас діє членство рівня Coffee\./);
    expect(await Db.Subscribers.getByEmail(recipient)).toMatchObject({ language: "uk" });

    // A week before it ends, the invitation to continue: in Ukrainian, its date as Ukrainian writes it.
    const { endsAt } = (await Db.Gifts.get(session.id))!;
    await Gifts.runSchedule(new Date(Date.parse(endsAt!) - 7 * 86_400_000 + 60_000));
    const ends = new Intl.DateTimeFormat("uk", { dateStyle: "long", timeZone: "UTC" }).format(new Date(endsAt!));
    const invitations = (await mailTo(recipient)).filter((m) => m.subject.startsWith("Ваше подароване членство"));
    expect(invitations.map((m) => plain(m.subject))).toEqual([plain(`Ваше подароване членство в Tidings завершується ${ends}`)]);
    expect(plain(invitations[0]!.body.text)).toContain(plain(`${ends} завершується подароване вам членство рівня Coffee в Tidings. Сподіваємося`));
    expect(invitations[0]!.body.text).not.toContain("..");
    // The redeem link, the patron's welcome its redeeming sent, and this: every one in Ukrainian.
    expect(languagesSentTo(recipient)).toEqual(["uk", "uk", "uk"]);
  });

  it("reaches a recipient who reads us in English in English, though bought from a Ukrainian page", async () => {
    const reader = await saveSubscriber({ email: uniqueEmail("en-recipient"), language: "en" });
    const today = new Date().toISOString().slice(0, 10);
    expect((await postFormIn("uk", "/gift/checkout", { tier: "coffee", months: "1", recipientEmail: reader.email, deliverOn: today })).status).toBe(303);
    await processed(event("checkout.session.completed", completedLastCheckout(uniqueEmail("uk-buyer"))));
    await Gifts.runSchedule();
    const mails = (await mailTo(reader.email)).filter((m) => /gift|подарунок/i.test(m.subject));
    expect(mails.map((m) => m.subject)).toEqual(["A gift for you: a membership of Tidings"]);
    expect(mails[0]!.body.text).toContain("Someone has given you 1 month of the Coffee membership of Tidings");
    expect(languagesSentTo(reader.email)).toEqual(["en"]);
  });
});
