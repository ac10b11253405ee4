/**
 * "You funded it, we covered it": when a topic becomes `covered`, each person who contributed towards it hears so
 * once. Off the editor's request, on the transactional queue:
 * 1. the editor's change queues one `topic-covered` message (`queueTellContributors`; again on every save of the
 *    covered topic, which finishes what a failure cut short);
 * 2. the worker goes through the topic's contributions by person (`tellContributors`): a person whose subscriber
 *    gets digests (active) finds a notice in their next digest (`Db.FundedNotices`, told once that digest is sent);
 *    anyone else is queued one `funded-covered` email, named by topic and address, so SQS's duplicates send it once;
 * 3. that email goes out (`sendCoveredEmail`) if they are still owed it: not erased, refunded or disputed since.
 * Contributions erased, without an address, refunded in full or disputed are left out; several contributions of one
 * person make one notice. Each contribution is claimed under a lease (`Events.once`) and kept once its notice is
 * written or its email queued, so running this again (a duplicate message, the editor saving twice, two editors at
 * once) tells nobody twice; a run that finds a claim held by another run is retried later.
 */
import { createHash } from "node:crypto";
import { loadTemplates } from "../../templates/load";
import * as Config from "../config";
import * as Db from "../db";
import type * as Email from "../email";
import { log } from "../log";
import { CLAIM_LEASE_SECONDS } from "../patrons/notify";
import { inLanguage, type Topic } from "../topics/types";
import { enqueue } from "../transactional/enqueue";
import type { FundedNotice } from "../db/funded-notices";
import { statusOf } from "./list";
import type { Contribution } from "./types";

/** Where the claims are kept (`Events.once`'s source); the id is the contribution's (its Checkout session's). */
export const COVERED_CLAIMS = "contribution-covered";
/** Kept for ten years: a topic is covered once, but may be marked covered again after being reopened. */
const TOLD_SECONDS = 10 * 365 * 24 * 60 * 60;

/** The editor's change covered `topicId`: its contributors are told, off the request. */
export async function queueTellContributors(topicId: string): Promise<void> {
  await enqueue({ kind: "topic-covered", topicId });
}

/** A contribution that still earns its contributor the news: theirs (not erased), paid and not taken back. */
const owed = (c: Contribution) => !!c.email && !c.anonymous && ["paid", "partially_refunded"].includes(statusOf(c));

/**
 * Tells each contributor towards `topicId` (if covered), each once: a digest notice or a queued email. Answers
 * what it did; throws, after doing the rest, when another run holds some person's claim (so it is tried again).
 */
export async function tellContributors(topicId: string, now = new Date()): Promise<{ notices: number; emails: number }> {
  const done = { notices: 0, emails: 0 };
  const topic = await Db.Topics.get(topicId);
  if (topic?.status !== "covered") return done;
  const byPerson = new Map<string, Contribution[]>();
  for (const c of (await Db.ContributionLists.allTowards(topic.id)).filter(owed)) {
    const person = c.subscriberId ?? c.email!;
    byPerson.set(person, [...(byPerson.get(person) ?? []), c]);
  }
  const url = await readUrlOf(topic);
  let busy = 0;
  for (const contributions of byPerson.values()) {
    const told = await tellOnce(topic, url, contributions, now);
    if (told === "busy") busy++;
    else if (told !== "nothing") done[told]++;
  }
  log.info({ event: "contribution.covered_told", topicId, ...done, busy }, "contributors told their topic is covered");
  if (busy > 0) throw new Error(`${busy} contributors of ${topicId} are being told by another run`);
  return done;
}

/** Where to read what was published: its first article (whose URL was checked when it was saved), or the topics page. */
async function readUrlOf(topic: Topic): Promise<string> {
  const article = topic.articleIds[0] ? await Db.Articles.get(topic.articleIds[0]) : undefined;
  return article?.url ?? `${Config.get().PUBLIC_URL}/topics`;
}

/** What a notice says: the topic, in the reader's language, and where to read about it. */
const noticeOf = (topic: Topic, url: string, language: string | undefined): FundedNotice => ({
  topicId: topic.id,
  title: inLanguage(topic, language).title,
  url,
});

/** Claims the person's contributions; tells them if any was not told yet (a notice in their digest's language). */
async function tellOnce(topic: Topic, url: string, contributions: Contribution[], now: Date) {
  const topicId = topic.id;
  const claimed: string[] = [];
  let held = false;
  for (const c of contributions) {
    if (await Db.Events.once(COVERED_CLAIMS, c.id, CLAIM_LEASE_SECONDS, now)) claimed.push(c.id);
    else if (!(await Db.Events.processed(COVERED_CLAIMS, c.id))) held = true;
  }
  if (claimed.length === 0) return held ? ("busy" as const) : ("nothing" as const);
  let told: "notices" | "emails";
  try {
    const first = contributions[0]!;
    const subscriber = first.subscriberId ? await Db.Subscribers.get(first.subscriberId) : await Db.Subscribers.getByEmail(first.email!);
    if (subscriber?.status === "active") {
      await Db.FundedNotices.add(subscriber.id, noticeOf(topic, url, subscriber.language), now); // false: already waiting, or told
      told = "notices";
    } else {
      await enqueue({ kind: "funded-covered", id: emailId(topicId, first.email!), topicId, email: first.email! });
      told = "emails";
    }
  } catch (error) {
    await Promise.all(claimed.map((id) => Db.Events.release(COVERED_CLAIMS, id).catch(() => undefined)));
    throw error;
  }
  for (const id of claimed) {
    await Db.Events.keep(COVERED_CLAIMS, id, TOLD_SECONDS, now).catch((error) =>
      log.error({ err: error, event: "contribution.covered_unremembered", sessionId: id }, "covered notice given but not remembered"),
    );
  }
  return told;
}

/** One email per topic and address, however often it is queued (the transactional worker sends an id once). */
const emailId = (topicId: string, email: string) =>
  `cov_${createHash("sha256").update(`${topicId}\n${email}`).digest("base64url").slice(0, 40)}`;

/**
 * The `funded-covered` email, if its address is still owed it: the topic still covered, a contribution towards it
 * still paid and still theirs (erasure removes the address), and the address not bounced or complained.
 */
export async function sendCoveredEmail(
  message: { topicId: string; email: string },
  send: (message: Email.Message) => Promise<unknown>,
): Promise<"sent" | "nothing"> {
  const [topic, contributions, subscriber] = await Promise.all([
    Db.Topics.get(message.topicId),
    Db.Contributions.byEmail(message.email),
    Db.Subscribers.getByEmail(message.email),
  ]);
  if (topic?.status !== "covered" || !contributions.some((c) => c.topicId === topic.id && owed(c))) return "nothing";
  if (subscriber && (subscriber.status === "bounced" || subscriber.status === "complained")) return "nothing";
  const config = Config.get();
  // In the language they gave in (their latest contribution towards it), else their own as a subscriber.
  const given = contributions.filter((c) => c.topicId === topic.id && c.language).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const language = given[0]?.language ?? subscriber?.language;
  const notice = noticeOf(topic, await readUrlOf(topic), language);
  const Templates = await loadTemplates();
  const rendered = Templates.contributionCovered({
    language,
    outletName: config.OUTLET_NAME,
    postalAddress: config.POSTAL_ADDRESS,
    name: subscriber?.name,
    topicTitle: notice.title,
    readUrl: notice.url,
    supportUrl: `${config.PUBLIC_URL}/support`,
  });
  await send({ to: message.email, ...rendered });
  log.info({ event: "contribution.covered_sent", topicId: topic.id }, "covered email sent");
  return "sent";
}
