/**
 * "You funded it, we covered it": when a topic becomes `covered`, each person who contributed towards it hears so
 * once, by one email (subscriber or not; a short transactional email, not a digest block). Contributions erased,
 * without an address, refunded in full or disputed are left out; one person with several contributions gets one
 * email. Each contribution is claimed under a lease (`Events.once`) and kept once sent, as the thank-you is, so
 * running this again (the editor's PUT again, two editors at once) tells nobody twice; a sending that failed gives
 * its claims back, for the next run to send. Runs in the editor's request that marked the topic covered.
 */
import { loadTemplates } from "../../templates/load";
import * as Config from "../config";
import * as Db from "../db";
import { log } from "../log";
import { CLAIM_LEASE_SECONDS } from "../patrons/notify";
import * as Transactional from "../transactional";
import type { Topic } from "../topics/types";
import { statusOf } from "./list";
import type { Contribution } from "./types";

/** Where the claims are kept (`Events.once`'s source); the id is the contribution's (its Checkout session's). */
export const COVERED_CLAIMS = "contribution-covered";
/** Kept for ten years: a topic is covered once, but may be marked covered again after being reopened. */
const SENT_SECONDS = 10 * 365 * 24 * 60 * 60;

/** Tells each contributor towards `topic` (covered) once; answers how many emails were sent by this run. */
export async function tellContributors(topic: Pick<Topic, "id" | "title" | "articleIds">, now = new Date()): Promise<number> {
  const towards = await Db.ContributionLists.allTowards(topic.id);
  const byPerson = new Map<string, Contribution[]>();
  for (const c of towards) {
    if (!c.email || c.anonymous || !["paid", "partially_refunded"].includes(statusOf(c))) continue;
    byPerson.set(c.email, [...(byPerson.get(c.email) ?? []), c]);
  }
  let sent = 0;
  for (const contributions of byPerson.values()) {
    try {
      if (await tellOnce(topic, contributions, now)) sent++;
    } catch (error) {
      // One reader's failure stops nobody else's email; the editor's next PUT of the topic sends it.
      log.error({ err: error, event: "contribution.covered_failed", topicId: topic.id }, "could not tell a contributor their topic is covered");
    }
  }
  if (sent > 0) log.info({ event: "contribution.covered_told", topicId: topic.id, sent }, "contributors told their topic is covered");
  return sent;
}

/** Claims the person's contributions; sends if any was not claimed yet. */
async function tellOnce(topic: Pick<Topic, "id" | "title" | "articleIds">, contributions: Contribution[], now: Date): Promise<boolean> {
  const claimed: string[] = [];
  for (const c of contributions) if (await Db.Events.once(COVERED_CLAIMS, c.id, CLAIM_LEASE_SECONDS, now)) claimed.push(c.id);
  if (claimed.length === 0) return false; // told, or being told
  try {
    await send(topic, contributions[0]!);
  } catch (error) {
    await Promise.all(claimed.map((id) => Db.Events.release(COVERED_CLAIMS, id).catch(() => undefined)));
    throw error;
  }
  for (const id of claimed) {
    await Db.Events.keep(COVERED_CLAIMS, id, SENT_SECONDS, now).catch((error) =>
      log.error({ err: error, event: "contribution.covered_unremembered", sessionId: id }, "covered email sent but not remembered"),
    );
  }
  return true;
}

async function send(topic: Pick<Topic, "id" | "title" | "articleIds">, contribution: Contribution): Promise<void> {
  const subscriber = contribution.subscriberId ? await Db.Subscribers.get(contribution.subscriberId) : undefined;
  // A bounced or complained address gets nothing more from us.
  if (subscriber && (subscriber.status === "bounced" || subscriber.status === "complained")) return;
  const config = Config.get();
  const article = topic.articleIds[0] ? await Db.Articles.get(topic.articleIds[0]) : undefined;
  const Templates = await loadTemplates();
  const rendered = Templates.contributionCovered({
    outletName: config.OUTLET_NAME,
    postalAddress: config.POSTAL_ADDRESS,
    name: subscriber?.name,
    topicTitle: topic.title,
    readUrl: article?.url ?? `${config.PUBLIC_URL}/topics`,
    supportUrl: `${config.PUBLIC_URL}/support`,
  });
  await Transactional.sendNow({ to: contribution.email!, ...rendered });
  log.info({ event: "contribution.covered_sent", sessionId: contribution.id, topicId: topic.id }, "covered email sent");
}
