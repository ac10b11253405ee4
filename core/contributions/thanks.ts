/**
 * The thank-you for a contribution, sent once: claimed by the contribution's id under a lease (`Events.once`), kept
 * once sent, given back if sending fails (the webhook then fails, and Stripe's redelivery sends it), as patron
 * emails are (core/patrons/notify.ts). A claim held by a delivery still sending is left to it.
 */
import { loadTemplates } from "../../templates/load";
import * as Config from "../config";
import * as Db from "../db";
import { log } from "../log";
import { inLanguage } from "../topics/types";
import * as Money from "../money";
import { CLAIM_LEASE_SECONDS } from "../patrons/notify";
import * as Transactional from "../transactional";
import type { Contribution } from "./types";

/** Where the thank-you claims are kept (`Events.once`'s source); the id is the Checkout session's. */
export const THANKS_CLAIMS = "contribution-thanks";
const SENT_SECONDS = 30 * 24 * 60 * 60;

export async function thankOnce(contribution: Contribution, now = new Date()): Promise<void> {
  if (!contribution.email || contribution.anonymous) return;
  if (!(await Db.Events.once(THANKS_CLAIMS, contribution.id, CLAIM_LEASE_SECONDS, now))) return; // sent, or being sent
  try {
    await send(contribution);
  } catch (error) {
    await Db.Events.release(THANKS_CLAIMS, contribution.id).catch(() => undefined);
    throw error;
  }
  await Db.Events.keep(THANKS_CLAIMS, contribution.id, SENT_SECONDS, now).catch((error) =>
    log.error({ err: error, event: "contribution.thanks_unremembered", sessionId: contribution.id }, "thank-you sent but not remembered"),
  );
}

async function send(contribution: Contribution): Promise<void> {
  const subscriber = contribution.subscriberId ? await Db.Subscribers.get(contribution.subscriberId) : undefined;
  // A bounced or complained address gets nothing more from us.
  if (subscriber && (subscriber.status === "bounced" || subscriber.status === "complained")) return;
  const config = Config.get();
  const topic = contribution.topicId ? await Db.Topics.get(contribution.topicId) : undefined;
  // In the language of the page they gave from: what they were reading us in a moment ago.
  const language = contribution.language ?? subscriber?.language;
  const Templates = await loadTemplates();
  const rendered = Templates.contributionThanks({
    language,
    outletName: config.OUTLET_NAME,
    postalAddress: config.POSTAL_ADDRESS,
    name: subscriber?.name,
    amount: Money.format(contribution.amount, contribution.currency, { language }),
    topicTitle: topic && inLanguage(topic, language).title,
    supportUrl: `${config.PUBLIC_URL}/support`,
  });
  await Transactional.sendNow({ to: contribution.email!, ...rendered });
  log.info({ event: "contribution.thanked", sessionId: contribution.id }, "contribution thank-you sent");
}
