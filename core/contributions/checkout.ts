/**
 * Giving: a Stripe Checkout session in payment mode (`submit_type: donate`) for an amount the contributor chose,
 * one of CONTRIBUTION_AMOUNTS or any within CONTRIBUTION_MIN..CONTRIBUTION_MAX, optionally towards an open topic,
 * optionally with Stripe's fee covered (its own line), optionally signing the contributor up (double opt-in, as
 * any sign-up). Everything is checked before Stripe is called; the per-network checkout limit is membership's.
 */
import * as Config from "../config";
import * as Db from "../db";
import { VisibleError } from "../errors";
import * as I18n from "../i18n";
import { log } from "../log";
import * as Money from "../money";
import { countCheckout } from "../patrons/checkout";
import * as StripeApi from "../stripe";
import type { Stripe } from "../stripe";
import { signup } from "../subscribers/signup";
import type { Subscriber } from "../subscribers/types";
import { inLanguage } from "../topics/types";
import { KIND, KIND_KEY } from "./types";
import { SOURCE_KEY } from "../stats/attribution";

export interface CheckoutInput {
  /** In the currency's minor unit. */
  amount: number;
  /** Only the configured CONTRIBUTION_CURRENCY (any case); default it. */
  currency?: string;
  topicId?: string;
  email?: string;
  coverFee?: boolean;
  /** Sign the contributor up for the newsletter (needs an address): a confirmation email, as any sign-up. */
  subscribe?: boolean;
  /** Signed in: the contribution is theirs, and Checkout is given their address. */
  subscriber?: Subscriber;
  /** The language of the page the contributor gave from: their thank-you (and later news of the topic) speaks it. */
  language?: string;
  /** Where it is given from (attribution, a checked source): the session's metadata, and the sign-up's if any. */
  source?: string;
}

const invalid = (field: string, message: string, detail: string) =>
  new VisibleError("invalid", "invalid_request", message, { fields: { [field]: detail } });

/** The metadata keys carried on the session and its payment intent. */
export const TOPIC_KEY = "topicId";
export const SUBSCRIBER_KEY = "subscriberId";
export const FEE_KEY = "feeCovered";
export const LANGUAGE_KEY = "language";

/**
 * Checks the input (400 naming the field, before anything is written or Stripe is called), then counts the checkout
 * against the visitor's network and answers the Checkout session's URL.
 */
export async function checkout(input: CheckoutInput, context: { ip: string; userAgent?: string }, now = new Date()): Promise<{ url: string }> {
  const config = Config.get();
  const { CONTRIBUTION_MIN: min, CONTRIBUTION_MAX: max, CONTRIBUTION_CURRENCY: currency } = config;
  if (!Number.isSafeInteger(input.amount) || input.amount < min || input.amount > max) {
    throw invalid("amount", `Choose an amount between ${Money.format(min, currency)} and ${Money.format(max, currency)}.`, `between ${min} and ${max} (minor units)`);
  }
  const step = Money.chargeStep(currency); // 1 but in three-decimal currencies and ISK
  if (!Money.isChargeable(input.amount, currency)) {
    throw invalid("amount", `Choose an amount in steps of ${Money.format(step, currency)}.`, `a multiple of ${step} (minor units)`);
  }
  if (input.currency !== undefined && input.currency.toLowerCase() !== currency) {
    throw invalid("currency", `Contributions are in ${currency.toUpperCase()}.`, `must be ${currency}`);
  }
  const topic = input.topicId === undefined ? undefined : await Db.Topics.get(input.topicId);
  if (input.topicId !== undefined && topic?.status !== "open") {
    throw invalid("topic", "That topic is not open for contributions.", "must be an open topic");
  }
  const email = input.subscriber?.email ?? input.email;
  if (input.subscribe && !email) throw invalid("email", "Give your email address to sign up.", "required to sign up");

  const stripe = await StripeApi.stripe(); // 503 without keys
  await countCheckout(context.ip, now);
  if (input.subscribe && email && !input.subscriber) {
    await signup({ email, language: Config.readerLanguage(input.language), ...(input.source && { source: input.source }) }, { ip: context.ip, userAgent: context.userAgent, source: "contribution" }, now);
  }

  const language = Config.readerLanguage(input.language);
  // Rounded up to what Stripe charges in (tens of a three-decimal currency's minor unit), never down.
  const fee = input.coverFee ? Math.ceil(Config.feeToCover(input.amount, config.CONTRIBUTION_FEE) / step) * step : 0;
  const metadata: Record<string, string> = {
    [KIND_KEY]: KIND,
    ...(topic && { [TOPIC_KEY]: topic.id }),
    ...(input.subscriber && { [SUBSCRIBER_KEY]: input.subscriber.id }),
    ...(fee > 0 && { [FEE_KEY]: String(fee) }),
    [LANGUAGE_KEY]: language,
    ...(input.source && { [SOURCE_KEY]: input.source }),
  };
  // What Checkout shows for each line, in the contributor's language too.
  await I18n.load();
  const { t } = I18n.translator(language);
  const line = (name: string, unitAmount: number): Stripe.Checkout.SessionCreateParams.LineItem => ({
    price_data: { currency, unit_amount: unitAmount, product_data: { name } },
    quantity: 1,
  });
  const params: Stripe.Checkout.SessionCreateParams = {
    mode: "payment",
    submit_type: "donate",
    line_items: [
      line(
        topic
          ? t("support.checkout.lineTowards", { outlet: config.OUTLET_NAME, topic: inLanguage(topic, language).title }).slice(0, 250)
          : t("support.checkout.line", { outlet: config.OUTLET_NAME }),
        input.amount,
      ),
      ...(fee > 0 ? [line(t("support.checkout.fee"), fee)] : []),
    ],
    ...(email && { customer_email: email }),
    metadata,
    payment_intent_data: { metadata },
    success_url: `${config.PUBLIC_URL}/support/thanks`,
    cancel_url: `${config.PUBLIC_URL}/support`,
  };
  const session = await stripe.checkout.sessions.create(params);
  log.info({ event: "contribution.checkout", sessionId: session.id, amount: input.amount, fee, topicId: topic?.id ?? null }, "contribution checkout started");
  if (!session.url) throw new Error("Stripe answered a Checkout session without a URL");
  return { url: session.url };
}

/**
 * An amount as a reader types it on the support page, in major units of the configured currency ("12", "12.50",
 * "12,5"; "1250" in yen), in its minor units; a 400 naming `custom` for one it can't be (a yen fraction, a third
 * decimal in euros).
 */
export function typedAmount(text: string): number {
  const currency = Config.get().CONTRIBUTION_CURRENCY;
  const amount = Money.parse(text, currency);
  if (amount === undefined) {
    throw invalid("custom", `Enter an amount such as ${Money.example(currency)}.`, `an amount in ${currency.toUpperCase()}, such as ${Money.example(currency)}`);
  }
  return amount;
}
