/**
 * Editors' changes to a topic from the dashboard's forms (`/editor/topics`): open, close, approve a proposal, mark
 * covered, set or remove a funding goal, create. Each is one `upsert`, the same call as `PUT /api/topics/{id}`, with
 * the fields a form does not carry taken from the topic as it is, so the dashboard and the API follow one set of
 * rules. A form names one change, so it also gets the checks that the API's whole-topic PUT leaves to its caller: the
 * topic must exist, and a topic is marked covered with the article(s) that cover it, each one published here.
 */
import * as Db from "../db";
import { VisibleError } from "../errors";
import { upsert, type TopicInput } from "./index";

/** One change to an existing topic: any field of `PUT /api/topics/{id}`'s body; left out, a field stays. */
export type TopicChange = Partial<TopicInput>;

/**
 * Applies `change` to topic `id`: 404 `not_found` for a topic never defined; 400 for `covered` without articles, or
 * with an article id nobody published. The same change again leaves the topic as it is (`upsert`'s rule). The title
 * is the one read just before: a rename by another editor in the same instant may be undone (then rename again).
 */
export async function edit(id: string, change: TopicChange, now = new Date()) {
  const topic = await Db.Topics.get(id);
  if (!topic) throw new VisibleError("not_found", "not_found", "No such topic.");
  const status = change.status ?? topic.status;
  if (status === "covered") await assertCoveredBy(change.articleIds ?? topic.articleIds);
  return upsert(id, { title: topic.title, ...change }, now);
}

/**
 * Creates a topic (open for votes) from the dashboard's form, with its translations if the form gave any. The same
 * title and description again for the same id is the same topic (nothing changes but translations given); another
 * topic's id is refused (409 `conflict`), so that creating never renames.
 */
export async function create(id: string, input: Pick<TopicInput, "title" | "description" | "translations">, now = new Date()) {
  const existing = await Db.Topics.get(id);
  if (existing && (existing.title !== input.title || (existing.description ?? "") !== (input.description ?? ""))) {
    throw new VisibleError("conflict", "conflict", `There is already a topic with the id “${id}”: choose another id, or change that topic on its page.`, {
      fields: { id: "already taken" },
    });
  }
  const translations = input.translations && { translations: input.translations };
  return upsert(
    id,
    existing ? { title: input.title, ...(input.description && { description: input.description }), ...translations } : { ...input, status: "open" },
    now,
  );
}

async function assertCoveredBy(articleIds: readonly string[]): Promise<void> {
  if (articleIds.length === 0) {
    throw new VisibleError("invalid", "invalid_request", "A topic is marked covered with the article(s) that cover it: choose at least one.", {
      fields: { articleIds: "choose at least one article" },
    });
  }
  const found = new Set((await Db.Articles.many(articleIds)).map((article) => article.id));
  const unknown = articleIds.filter((id) => !found.has(id));
  if (unknown.length > 0) {
    throw new VisibleError("invalid", "invalid_request", `No article has the id ${unknown.join(", ")}.`, {
      fields: { articleIds: `unknown article ids: ${unknown.join(", ")}` },
    });
  }
}
