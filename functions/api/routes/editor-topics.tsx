/**
 * The dashboard's topics (`/editor/topics`): every topic by status with its score, score by tier and funding; one
 * topic's page with its votes over time. Each action is a form that POSTs (Origin-checked, written to the audit log
 * by `requireEditor`), makes one core call, the same `Topics.upsert` that `PUT /api/topics/{id}` makes, and answers
 * 303 back to the page (Post/Redirect/Get). Bad input is a 4xx page and changes nothing.
 */
import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import * as Config from "../../../core/config";
import { VisibleError } from "../../../core/errors";
import * as Money from "../../../core/money";
import * as Topics from "../../../core/topics";
import { requireEditor, type EditorSignedIn } from "../editor-session";
import { form, htmlPage } from "../openapi";
// The pages load on demand (as the charts do): a cold start that serves no dashboard page does not pay for them.
import type { Done } from "../views/editor-topics";

export const editorTopicRoutes = new OpenAPIHono<EditorSignedIn>();

const topicId = z.string().regex(Topics.TOPIC_ID, "lower-case letters, digits and -");
const topicParam = z.object({ id: topicId });
const doneQuery = z.object({ done: z.enum(["created", "opened", "closed", "covered", "goal", "goal-removed", "translated"] satisfies Done[]).optional() });
const back = { description: "Done: back to the page (Post/Redirect/Get)", headers: z.object({ location: z.string() }) };
const pageErrors = {
  303: { description: "Not signed in: to /editor/login", headers: z.object({ location: z.string() }) },
  403: htmlPage("Posted from another site"),
};
const formErrors = { ...pageErrors, 303: back, 400: htmlPage("Invalid input; the page says which field"), 404: htmlPage("No such topic") };
/** A form's optional text: empty is none. */
const optionalText = (max: number) => z.string().trim().max(max).optional().transform((value) => value || undefined);
/**
 * A topic's title and description in each language but the default, as the forms name them: `title.<code>`,
 * `description.<code>` (for each of LANGUAGES after the first; read in `translationsOf`).
 */
const translationFields = z.string().trim().max(1000).openapi({ description: "`title.<language>` and `description.<language>`: the topic in that language" });
/** A field a form may send once or several times (checkboxes). */
const many = (item: z.ZodString) => z.union([item, z.array(item).max(100)]).optional().transform((value) => (value === undefined ? [] : [value].flat()));

editorTopicRoutes.openapi(
  createRoute({
    method: "get",
    path: "/editor/topics",
    summary: "Dashboard: topics by status, with scores by tier and funding",
    middleware: [requireEditor] as const,
    request: { query: doneQuery },
    responses: { 200: htmlPage("The topics"), ...pageErrors },
  }),
  async (c) => {
    const [{ TopicsBoardPage }, board] = await Promise.all([import("../views/editor-topics"), Topics.board()]);
    return c.html(<TopicsBoardPage account={c.var.editorAccount} board={board} done={c.req.valid("query").done} />, 200);
  },
);

editorTopicRoutes.openapi(
  createRoute({
    method: "post",
    path: "/editor/topics",
    summary: "Dashboard: create a topic (open for votes); the same again changes nothing, another topic's id is 409",
    middleware: [requireEditor] as const,
    request: {
      body: form(z.object({ id: topicId, title: z.string().trim().min(1).max(120), description: optionalText(1000) }).catchall(translationFields)),
    },
    responses: { ...formErrors, 409: htmlPage("The id is another topic's") },
  }),
  async (c) => {
    const fields = c.req.valid("form");
    const { id, title, description } = fields;
    const translations = translationsOf(fields);
    c.set("auditTarget", `id=${id}`);
    await Topics.create(id, { title, description, ...(Object.keys(translations).length > 0 && { translations }) });
    return c.redirect(`/editor/topics?done=created#topic-${id}`, 303);
  },
);

editorTopicRoutes.openapi(
  createRoute({
    method: "get",
    path: "/editor/topics/{id}",
    summary: "Dashboard: one topic, its votes by tier and over time, its articles and funding goal",
    middleware: [requireEditor] as const,
    request: { params: topicParam, query: doneQuery },
    responses: { 200: htmlPage("The topic"), 404: htmlPage("No such topic"), ...pageErrors },
  }),
  async (c) => {
    const [{ TopicPage }, page] = await Promise.all([import("../views/editor-topic"), Topics.topicPage(c.req.valid("param").id)]);
    return c.html(<TopicPage account={c.var.editorAccount} page={page} done={c.req.valid("query").done} />, 200);
  },
);

editorTopicRoutes.openapi(
  createRoute({
    method: "post",
    path: "/editor/topics/{id}/status",
    summary: "Dashboard: open a topic (approve a proposal, reopen) or close its voting",
    middleware: [requireEditor] as const,
    request: { params: topicParam, body: form(z.object({ status: z.enum(["open", "closed"]) })) },
    responses: formErrors,
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const { status } = c.req.valid("form");
    c.set("auditTarget", `id=${id} status=${status}`);
    await Topics.edit(id, { status });
    return c.redirect(`/editor/topics?done=${status === "open" ? "opened" : "closed"}#topic-${id}`, 303);
  },
);

const articleId = z.string().trim().max(128);

editorTopicRoutes.openapi(
  createRoute({
    method: "post",
    path: "/editor/topics/{id}/covered",
    summary: "Dashboard: mark a topic covered with the article(s) that cover it (chosen, or typed as ids)",
    middleware: [requireEditor] as const,
    request: { params: topicParam, body: form(z.object({ articleIds: many(articleId), otherIds: z.string().max(2000).optional() })) },
    responses: formErrors,
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const { articleIds, otherIds = "" } = c.req.valid("form");
    const typed = otherIds.split(",").map((value) => value.trim());
    const chosen = [...new Set([...articleIds, ...typed].filter(Boolean))];
    c.set("auditTarget", `id=${id} covered=${chosen.join(",")}`);
    await Topics.edit(id, { status: "covered", articleIds: chosen });
    return c.redirect(`/editor/topics/${id}?done=covered`, 303);
  },
);

editorTopicRoutes.openapi(
  createRoute({
    method: "post",
    path: "/editor/topics/{id}/funding",
    summary: "Dashboard: set a topic's funding goal (in CONTRIBUTION_CURRENCY's major unit) or remove it",
    middleware: [requireEditor] as const,
    request: { params: topicParam, body: form(z.object({ action: z.enum(["set", "remove"]), goal: z.string().max(40).optional() })) },
    responses: formErrors,
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const { action, goal = "" } = c.req.valid("form");
    const fundingGoal = action === "remove" ? null : goalOf(goal);
    c.set("auditTarget", `id=${id} fundingGoal=${fundingGoal ?? "none"}`);
    await Topics.edit(id, { fundingGoal });
    return c.redirect(`/editor/topics/${id}?done=${action === "remove" ? "goal-removed" : "goal"}`, 303);
  },
);

editorTopicRoutes.openapi(
  createRoute({
    method: "post",
    path: "/editor/topics/{id}/translations",
    summary: "Dashboard: a topic's title (and description) in each language but the default; a language left empty has none",
    middleware: [requireEditor] as const,
    request: { params: topicParam, body: form(z.object({}).catchall(translationFields)) },
    responses: formErrors,
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const translations = translationsOf(c.req.valid("form"));
    c.set("auditTarget", `id=${id} translations=${Object.keys(translations).join(",") || "none"}`);
    await Topics.edit(id, { translations });
    return c.redirect(`/editor/topics/${id}?done=translated#translations`, 303);
  },
);

/**
 * The topic's translations as a form gave them (`title.uk`, `description.uk`): a language whose title is left empty
 * has none; a description there without a title is refused (400), as is a title longer than the topic's own may be.
 * The error is English, as the API's are: the error page says what happened in the editor's language.
 */
function translationsOf(fields: Record<string, string | undefined>): Record<string, Topics.TopicTranslation> {
  const translations: Record<string, Topics.TopicTranslation> = {};
  for (const code of Config.get().LANGUAGES.slice(1)) {
    const title = fields[`title.${code}`]?.trim();
    const description = fields[`description.${code}`]?.trim();
    if (!title && !description) continue;
    if (!title || title.length > 120) {
      throw new VisibleError("invalid", "invalid_request", `A topic's title in ${code} is 1 to 120 characters, and its description there needs one.`, {
        fields: { [`title.${code}`]: "a title of 1 to 120 characters" },
      });
    }
    translations[code] = { title, ...(description && { description }) };
  }
  return translations;
}

/** A typed goal ("500", "1250.50") in the contributions' currency → minor units, within the bounds the API has. */
function goalOf(typed: string): number {
  const currency = Config.get().CONTRIBUTION_CURRENCY;
  const amount = Money.parse(typed, currency);
  if (amount === undefined || amount < 1 || amount > Topics.FUNDING_GOAL_MAX) {
    const most = Money.format(Topics.FUNDING_GOAL_MAX, currency);
    throw new VisibleError("invalid", "invalid_request", `Type the goal as an amount in ${currency.toUpperCase()}, for example ${Money.example(currency)}, up to ${most}.`, {
      fields: { goal: "an amount above zero" },
    });
  }
  return amount;
}
