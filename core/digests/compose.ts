/**
 * A digest as its readers get it: the data a digest is rendered from (loaded once per digest and variant) and
 * the reader a copy is for. Shared by editors' previews and test copies and by the sender, so a preview is
 * exactly what that reader receives.
 */
import * as Config from "../config";
import * as Db from "../db";
import type * as Email from "../email";
import { VisibleError } from "../errors";
import { readsAsPatron } from "../patrons/rules";
import type { Patron } from "../patrons/types";
import type { Subscriber } from "../subscribers/types";
import * as Topics from "../topics";
import type * as Render from "./render";
import type { AddressedRecipient, Digest, Variant } from "./types";

/**
 * Renders the digest once for a variant, patron or not, in a language (the template engine runs here, never per
 * reader); the default language when none is given.
 */
export async function prepare(digest: Digest, variant: Variant, language?: string, now = new Date()): Promise<Render.Prepared> {
  const [Render, articles, covered, openTopics] = await Promise.all([
    loadRender(),
    Db.Articles.many(digest.articleIds),
    Db.Topics.byStatus(["covered"]),
    variant === "patron" ? Topics.listPublic() : Promise.resolve(undefined),
  ]);
  // The topics a digest names: its articles' own (section titles) and the covered ones ("You asked, we covered
  // it"), never every topic (patrons' proposals among them).
  const own = await Db.Topics.many(articles.flatMap((article) => article.topics));
  const topics = [...new Map([...own, ...covered].map((topic) => [topic.id, topic])).values()];
  return Render.prepare({
    digest,
    articles,
    topics,
    variant,
    language: Config.readerLanguage(language),
    openTopics: openTopics?.filter((topic) => topic.status === "open"),
    tiers: Config.get().TIERS,
    outlet: Render.outletFromConfig(),
    now,
  });
}

/**
 * The renderer, loaded on first use: it brings the template engine with it, which an API cold start need not
 * parse (previews and test copies are rare; see templates/load.ts).
 */
let rendering: Promise<typeof import("./render")> | undefined;
const loadRender = () => (rendering ??= import("./render"));

/**
 * A subscriber as a digest reader. Their delivery of a digest is known by their id (with the digest's), so a
 * preview carries the same delivery id as the email sent. Patrons (active, comped, in grace: `readsAsPatron`)
 * read the patron variant; everyone else the free one, with its invitation; each in their language (one of
 * `LANGUAGES`, else the default).
 */
export function readerOf(subscriber: Subscriber, patron?: Patron, now = new Date()): AddressedRecipient {
  return {
    subscriberId: subscriber.id,
    email: subscriber.email,
    name: subscriber.name,
    language: Config.readerLanguage(subscriber.language),
    topics: subscriber.topics,
    deliveryId: subscriber.id,
    variant: readsAsPatron(patron, now) ? "patron" : "free",
  };
}

/**
 * `readerOf` with the subscriber's patron record and funded notices loaded (what sending and previews use): a
 * reader carries the "You funded it, we covered it" notices waiting for them (`funded`), and a patron's reader
 * `votedTopicIds`, the topics they voted for that are now `covered`, for "You asked, we covered it".
 */
export async function readerFor(subscriber: Subscriber, now = new Date()): Promise<AddressedRecipient> {
  return (await readersFor([subscriber], now))[0]!;
}

/** `readerFor` for many subscribers at once (sending): patron records and notices in a batch read each, not one each. */
export async function readersFor(subscribers: readonly Subscriber[], now = new Date()): Promise<AddressedRecipient[]> {
  const ids = subscribers.map((subscriber) => subscriber.id);
  const [patrons, funded] = await Promise.all([Db.Patrons.many(ids), Db.FundedNotices.pending(ids)]);
  return Promise.all(
    subscribers.map(async (subscriber) => {
      const reader = await withVotes(readerOf(subscriber, patrons.get(subscriber.id), now));
      const notices = funded.get(subscriber.id);
      return notices ? { ...reader, funded: notices } : reader;
    }),
  );
}

async function withVotes(reader: AddressedRecipient): Promise<AddressedRecipient> {
  if (reader.variant !== "patron") return reader;
  const votedTopicIds = await coveredSinceVoting(reader.subscriberId);
  return votedTopicIds.length > 0 ? { ...reader, votedTopicIds } : reader;
}

/**
 * The topics a patron voted for that are `covered` and that no digest has told them about yet. Once only: after
 * a digest is sent with a "You asked, we covered it" block for a topic, its vote records that digest
 * (`recordShown`) and later digests leave the topic out. A covered topic whose article is in no digest yet
 * stays here until one carries it.
 */
async function coveredSinceVoting(subscriberId: string): Promise<string[]> {
  const { topicIds } = await Db.Votes.ballot(subscriberId);
  const found = await Promise.all(
    topicIds.map(async (topicId) => {
      const [topic, vote] = await Promise.all([Db.Topics.get(topicId), Db.Votes.get(topicId, subscriberId)]);
      return topic?.status === "covered" && vote && !vote.coveredShownIn ? topicId : undefined;
    }),
  );
  return found.filter((id): id is string => id !== undefined);
}

/**
 * After a digest is sent to a reader: the topics it told them "You asked, we covered it" or "You funded it, we
 * covered it" about are not told again.
 */
export async function recordShown(digestId: string, prepared: Render.Prepared, reader: AddressedRecipient): Promise<void> {
  if (reader.funded?.length) await Db.FundedNotices.told(reader.subscriberId, reader.funded.map((notice) => notice.topicId));
  if (!reader.votedTopicIds?.length) return;
  const asked = (await loadRender()).select(prepared.plan, reader)?.asked ?? [];
  await Promise.all(asked.map((group) => Db.Votes.markCoveredShown(group.topicId, reader.subscriberId, digestId)));
}

/**
 * The sample reader of previews and test copies: follows everything, has no name, holds links that act on nobody,
 * reads `language` (the default language when none is given).
 */
export const sampleReader = (variant: Variant, email = "preview@example.com", language?: string): AddressedRecipient => ({
  subscriberId: "sub_preview",
  email,
  language: Config.readerLanguage(language),
  topics: [],
  variant,
  preview: true,
});

/**
 * The reader a preview or test copy is for: a given subscriber (their articles, name, variant and "You asked"
 * blocks, as they would get it), or the sample reader. Either way a preview's: its links carry no token (they
 * would act on that reader wherever the copy went), and it names no delivery (a test copy's bounce or complaint
 * must not be taken for theirs). A subscriber's copy is in their language; `language` chooses the sample reader's.
 */
export async function resolveReader(options: { email?: string; variant?: Variant; language?: string }): Promise<AddressedRecipient> {
  if (!options.email) return sampleReader(options.variant ?? "free", undefined, options.language);
  const subscriber = await Db.Subscribers.getByEmail(options.email);
  if (!subscriber) throw new VisibleError("not_found", "not_found", "No subscriber has this address.");
  const { deliveryId: _, ...reader } = await readerFor(subscriber);
  return { ...reader, preview: true };
}

/** The email `reader` gets of `digest`; a 404 when they would get none (nothing they follow is in it). */
export async function messageFor(digest: Digest, reader: AddressedRecipient): Promise<Email.Message> {
  const Render = await loadRender();
  const message = Render.digestMessage(await prepare(digest, reader.variant, reader.language), reader);
  if (!message) {
    throw new VisibleError("not_found", "nothing_to_read", "This reader would get no email: nothing in this digest is on a topic they follow.");
  }
  return message;
}
