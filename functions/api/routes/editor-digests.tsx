/**
 * The dashboard's digests: create, preview, test, send, follow, cancel, and the deliveries by status. The same core
 * calls as the API's digest routes (`digests.ts`, `sending.ts`), behind an editor's session (`requireEditor`: an
 * editor may do all of this, as an API token of scope `send` may). Every action is a form that answers 303 back to
 * the digest's page (Post/Redirect/Get); bad input is a 4xx page and changes nothing.
 *
 * Previews are frames of `/editor/digests/{id}/preview`, the one answer framable at all, by our own pages only
 * (`frame-ancestors 'self'`), and each frame is sandboxed with no exceptions: the email's markup runs no script and
 * gets an opaque origin, so it can neither read the dashboard nor post with the editor's cookie. (A `srcdoc` frame
 * would put every copy inside the page, under the page's policy, which would then have to allow inline styles.)
 * Their links act on nobody: a preview's links lead to a page saying so (`Digests.previewLinkUrl`).
 *
 * Progress while sending: the page refreshes itself by `<meta http-equiv="refresh">` (no long-lived response: API
 * Gateway buffers them), or, where scripts run, one script from our origin polls `/progress` (JSON) instead.
 */
import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import * as Articles from "../../../core/articles";
import * as Delivery from "../../../core/delivery";
import * as Digests from "../../../core/digests";
import * as Editors from "../../../core/editors";
import { VisibleError } from "../../../core/errors";
import * as Subscribers from "../../../core/subscribers";
import { frequencies } from "../../../core/subscribers/types";
import { requireEditor, type EditorSignedIn } from "../editor-session";
import { currentLanguage, t, tr } from "../language";
import { form, htmlPage, json } from "../openapi";
import { CSP, framedBySelfPolicy, policy } from "../security-headers";
import { styleSource } from "../views/layout";
import * as Config from "../../../core/config";
import type { MessageKey } from "../../../core/i18n";
// The pages load on demand (as the charts and the other dashboard pages do): a cold start serving none pays nothing.
import { notices, paceText, PROGRESS_JS, PROGRESS_SCRIPT } from "../views/editor-digests-script";
import { digestId, noControl } from "./digests";

export const editorDigestRoutes = new OpenAPIHono<EditorSignedIn>();

const redirect = (description: string) => ({ description, headers: z.object({ location: z.string() }) });
const pageErrors = {
  303: redirect("Not signed in: to /editor/login"),
  400: htmlPage("Invalid input, saying which"),
  403: htmlPage("Posted from another site"),
  404: htmlPage("No such digest (or subscriber)"),
};
const actionErrors = { ...pageErrors, 303: redirect("Done: back to the digest's page (or, not signed in, to /editor/login)"), 409: htmlPage("Not possible in the digest's state") };
const guarded = { middleware: [requireEditor] };
const page = (id: string, query: Record<string, string> = {}) => `/editor/digests/${id}${Object.keys(query).length ? `?${new URLSearchParams(query)}` : ""}`;
const readerEmail = Subscribers.Input.email;
const person = (email: string) => `person:${Editors.targetHash(email)}`;
/**
 * Why a frame has no copy to show (core's codes), in the page's language: said inside the frame, where the error
 * page (which says core's English messages in the reader's language) cannot be.
 */
const NO_COPY: Record<string, MessageKey> = {
  nothing_to_read: "editor-digests.previewMissing.nothingToRead",
  not_found: "editor-digests.previewMissing.noSubscriber",
};
const noCopy = (error: VisibleError) => (NO_COPY[error.code] ? t(NO_COPY[error.code]!) : error.message);

/** A previous reading of a send's progress, to measure its pace against (`Delivery.paceOf`). */
const paceQuery = { at: z.coerce.number().int().positive().optional(), done: z.coerce.number().int().min(0).optional() };
const sampleOf = (query: { at?: number; done?: number }) => (query.at !== undefined && query.done !== undefined ? { at: query.at, done: query.done } : undefined);

editorDigestRoutes.openapi(
  createRoute({
    method: "get",
    path: PROGRESS_SCRIPT,
    summary: "The digest page's script: polls a sending digest's progress",
    ...guarded,
    responses: { 200: { description: "JavaScript", content: { "text/javascript": { schema: z.string() } } }, 303: pageErrors[303] },
  }),
  (c) => c.body(PROGRESS_JS, 200, { "content-type": "text/javascript; charset=utf-8" }),
);

editorDigestRoutes.openapi(
  createRoute({
    method: "get",
    path: "/editor/digests",
    summary: "Dashboard: the digests, newest first, and a form to create one",
    ...guarded,
    request: { query: z.object({ status: z.enum(Digests.digestStatuses).optional().or(z.literal("")), cursor: z.string().max(2000).optional() }) },
    responses: { 200: htmlPage("The digests"), ...pageErrors },
  }),
  async (c) => {
    const { status, cursor } = c.req.valid("query");
    const [{ DigestsPage }, found] = await Promise.all([import("../views/editor-digests"), Digests.list({ status: status || undefined, cursor })]);
    const digests = await Promise.all(found.digests.map((digest) => Delivery.withCounts(digest)));
    const periods = { daily: Digests.currentPeriod("daily"), weekly: Digests.currentPeriod("weekly") };
    const otherLanguages = Config.get().LANGUAGES.slice(1);
    return c.html(
      <DigestsPage account={c.var.editorAccount} digests={digests} status={status || undefined} next={found.cursor} periods={periods} otherLanguages={otherLanguages} />,
      200,
    );
  },
);

const optional = (schema: z.ZodType<string>) => z.union([z.literal(""), schema]).optional();
/** A subject and intro in another language, from the form's `subject-<code>` and `intro-<code>` (empty: none). */
const translationFields = z.object({ subject: optional(noControl(200)), intro: optional(z.string().trim().max(5000)) });

/** The form's subjects and intros in the languages other than the default, keyed by language; the empty left out. */
function translationsOf(fields: Record<string, unknown>): Digests.CreateInput["translations"] {
  const given = Config.get()
    .LANGUAGES.slice(1)
    .map((code) => {
      const parsed = translationFields.safeParse({ subject: fields[`subject-${code}`], intro: fields[`intro-${code}`] });
      if (!parsed.success) throw new VisibleError("invalid", "invalid_request", `The subject or intro in ${code} is not valid.`, { fields: { [`subject-${code}`]: parsed.error.issues[0]!.message } });
      return [code, { subject: parsed.data.subject || undefined, intro: parsed.data.intro || undefined }] as const;
    })
    .filter(([, words]) => words.subject || words.intro);
  return given.length ? Object.fromEntries(given) : undefined;
}

editorDigestRoutes.openapi(
  createRoute({
    method: "post",
    path: "/editor/digests",
    summary: "Dashboard: create the digest of a frequency and period (creating it again opens the same one)",
    ...guarded,
    request: {
      body: form(
        z.object({
          frequency: z.enum(frequencies),
          period: optional(z.string().trim().max(10)),
          subject: optional(noControl(200)),
          intro: optional(z.string().trim().max(5000)),
        })
          // `subject-<code>` and `intro-<code>`: the subject and intro in each other language of LANGUAGES.
          .catchall(z.string().max(5000)),
      ),
    },
    responses: actionErrors,
  }),
  async (c) => {
    const fields = c.req.valid("form");
    const { frequency, period, subject, intro } = fields;
    const translations = translationsOf(fields);
    const { digest, created } = await Digests.create({
      frequency,
      period: period || undefined,
      subject: subject || undefined,
      intro: intro || undefined,
      ...(translations && { translations }),
    });
    return c.redirect(page(digest.id, { notice: created ? "created" : "existed" }), 303);
  },
);

editorDigestRoutes.openapi(
  createRoute({
    method: "get",
    path: "/editor/digests/{id}",
    summary: "Dashboard: one digest: articles, previews, test, send, progress, cancel, deliveries",
    description:
      "While the digest sends, the page refreshes itself every few seconds (or its script polls `/progress`); `at` " +
      "and `done` are the previous reading, to measure the pace against. `email` previews that subscriber's copy " +
      "(an audited read); `language` the language the free and patron copies are previewed in (one of `LANGUAGES`; " +
      "by default the page's).",
    ...guarded,
    request: {
      params: digestId,
      query: z.object({
        email: optional(readerEmail),
        status: z.enum(Digests.deliveryStatuses).optional(),
        cursor: z.string().max(2000).optional(),
        notice: z.enum(notices).optional(),
        count: z.coerce.number().int().min(0).max(10).optional(),
        language: z.string().max(16).optional(),
        ...paceQuery,
      }),
    },
    responses: { 200: htmlPage("The digest"), ...pageErrors },
  }),
  async (c) => {
    const query = c.req.valid("query");
    const digest = await Delivery.withCounts(await Digests.get(c.req.valid("param").id));
    const previewEmail = query.email || undefined;
    if (previewEmail) {
      await Digests.resolveReader({ email: previewEmail }); // an unknown address is a 404 page, not empty frames
      await Editors.Audit.record({ who: c.var.editorAccount.email, via: "dashboard", action: "GET /editor/digests/:id (a subscriber's copy)", target: `id=${digest.id} ${person(previewEmail)}`, status: 200 }, { required: true });
    }
    const [{ DigestPage }, articles, deliveries] = await Promise.all([
      import("../views/editor-digest"),
      Articles.many(digest.articleIds),
      digest.status === "draft" ? { deliveries: [], cursor: null } : Delivery.deliveries(digest.id, { status: query.status, cursor: query.cursor, limit: 50 }),
    ]);
    const pace = digest.status === "sending" ? Delivery.paceOf(digest, new Date(), sampleOf(query)) : undefined;
    const headers = pace ? { [CSP]: policy({ "style-src": [styleSource(Config.get().BRAND_COLOR)], "script-src": ["'self'"], "connect-src": ["'self'"] }) } : undefined;
    return c.html(
      <DigestPage
        account={c.var.editorAccount}
        digest={digest}
        articles={articles}
        pace={pace}
        deliveries={{ status: query.status, deliveries: deliveries.deliveries, next: deliveries.cursor }}
        previewEmail={previewEmail}
        previewLanguage={Config.readerLanguage(query.language ?? currentLanguage())}
        languages={Config.get().LANGUAGES}
        notice={query.notice && { kind: query.notice, count: query.count }}
      />,
      200,
      headers,
    );
  },
);

editorDigestRoutes.openapi(
  createRoute({
    method: "get",
    path: "/editor/digests/{id}/progress",
    summary: "Dashboard: a digest's progress (JSON, for the page's script)",
    ...guarded,
    request: { params: digestId, query: z.object(paceQuery) },
    responses: {
      200: json(
        "Counts by status, pace and time left, and each figure as the page writes it",
        z.object({
          status: z.enum(Digests.digestStatuses),
          pauseReason: z.string().optional(),
          counts: z.record(z.string(), z.number()),
          perSecond: z.number().optional(),
          secondsLeft: z.number().optional(),
          sample: z.object({ at: z.number(), done: z.number() }),
          text: z.record(z.string(), z.string()),
        }),
      ),
      ...pageErrors,
    },
  }),
  async (c) => {
    const digest = await Delivery.withCounts(await Digests.get(c.req.valid("param").id));
    const pace = Delivery.paceOf(digest, new Date(), sampleOf(c.req.valid("query")));
    // In the language of the page that asks (its cookie or Accept-Language), as the page itself was written.
    const text: Record<string, string> = {
      ...Object.fromEntries(Object.entries(digest.counts).map(([status, count]) => [status, tr().number(count)])),
      ...paceText(pace, tr()),
    };
    const { perSecond, secondsLeft, sample } = pace;
    return c.json({ status: digest.status, pauseReason: digest.pauseReason, counts: digest.counts, perSecond, secondsLeft, sample, text }, 200);
  },
);

editorDigestRoutes.openapi(
  createRoute({
    method: "get",
    path: "/editor/digests/{id}/preview",
    summary: "Dashboard: a copy of the digest, for a sandboxed frame of the digest's page",
    description:
      "As the free or patron sample reader, or as one subscriber (`email`), with links that act on nobody. The only " +
      "answer that may be framed, and by our own pages only (`frame-ancestors 'self'`).",
    ...guarded,
    request: {
      params: digestId,
      query: z.object({
        variant: z.enum(["free", "patron"]).optional(),
        email: readerEmail.optional(),
        language: z.string().max(16).optional().openapi({ description: "The sample reader's language (one of `LANGUAGES`); a subscriber's copy is in theirs" }),
      }),
    },
    responses: { 200: htmlPage("The copy"), ...pageErrors },
  }),
  async (c) => {
    const { variant, email, language } = c.req.valid("query");
    const digest = await Digests.get(c.req.valid("param").id);
    // An email is styled inline (for mail clients) and shows the articles' images; no script runs in it.
    const framed = { [CSP]: framedBySelfPolicy({ "style-src": ["'unsafe-inline'"], "img-src": ["'self'", "https:"] }) };
    try {
      const reader = { email, variant, language: language && Config.readerLanguage(language) };
      const message = await Digests.messageFor(digest, await Digests.resolveReader(reader));
      // A subscriber's copy is a read of their data: audited, as the API's preview of one is (GETs are not otherwise).
      if (email) {
        await Editors.Audit.record({ who: c.var.editorAccount.email, via: "dashboard", action: "GET /editor/digests/:id/preview", target: `id=${digest.id} ${person(email)}`, status: 200 }, { required: true });
      }
      return c.html(message.html, 200, framed);
    } catch (error) {
      // Said inside the frame, which an error page (framable by nobody) could not be.
      if (!(error instanceof VisibleError && error.status === 404)) throw error;
      const { PreviewMissing } = await import("../views/editor-digests");
      return c.html(<PreviewMissing message={noCopy(error)} />, 404, framed);
    }
  },
);

/** Addresses as an editor types them: separated by commas, semicolons, spaces or new lines. */
const addresses = (text: string) => text.split(/[\s,;]+/).filter(Boolean);
const testRecipients = z.array(readerEmail).min(1, "give at least one address").max(10, "at most 10 addresses");

editorDigestRoutes.openapi(
  createRoute({
    method: "post",
    path: "/editor/digests/{id}/test",
    summary: "Dashboard: send [TEST] copies to given addresses",
    description: `The free, patron or one subscriber's copy, to up to 10 addresses; at most ${Digests.TEST_SENDS.perEditor} test sends an hour per editor.`,
    ...guarded,
    request: {
      params: digestId,
      body: form(
        z.object({
          to: z.string().max(3000),
          copy: z.enum(["free", "patron", "subscriber"]).optional(),
          email: optional(readerEmail),
          language: z.string().max(16).optional(),
        }),
      ),
    },
    responses: { ...actionErrors, 429: htmlPage(`More than ${Digests.TEST_SENDS.perEditor} test sends in an hour`) },
  }),
  async (c) => {
    const { to, copy = "free", email, language } = c.req.valid("form");
    const recipients = testRecipients.parse(addresses(to));
    if (copy === "subscriber" && !email) throw new VisibleError("invalid", "invalid_request", "Say whose copy to send: a subscriber's address.");
    const digest = await Digests.get(c.req.valid("param").id);
    const sample = { variant: copy === "subscriber" ? undefined : copy, language: language && Config.readerLanguage(language) };
    const reader = await Digests.resolveReader(copy === "subscriber" ? { email } : sample);
    c.set("auditTarget", [`id=${digest.id}`, ...(copy === "subscriber" ? [`copy-of:${person(email!)}`] : []), ...recipients.map(person)].join(" "));
    const sent = await Digests.sendTestCopies(digest, reader, recipients, Editors.editorKey(c.var.editorAccount.email));
    return c.redirect(page(digest.id, { notice: "tested", count: String(sent) }), 303);
  },
);

editorDigestRoutes.openapi(
  createRoute({
    method: "get",
    path: "/editor/digests/{id}/send",
    summary: "Dashboard: the confirm step before sending a digest",
    ...guarded,
    request: { params: digestId },
    responses: { 200: htmlPage("Send it?"), ...pageErrors, 409: htmlPage("Sent or cancelled already") },
  }),
  async (c) => {
    const digest = await Digests.get(c.req.valid("param").id);
    if (digest.status === "sent" || digest.status === "cancelled") {
      throw new VisibleError("conflict", "conflict", `This digest is ${digest.status}: it cannot be sent again.`);
    }
    const { ConfirmSendPage } = await import("../views/editor-digests");
    return c.html(<ConfirmSendPage account={c.var.editorAccount} digest={digest} articles={digest.articleIds.length} />, 200);
  },
);

editorDigestRoutes.openapi(
  createRoute({
    method: "post",
    path: "/editor/digests/{id}/send",
    summary: "Dashboard: send the digest (or resume a paused send); nothing is sent twice",
    ...guarded,
    request: { params: digestId, body: form(z.object({ confirm: z.literal("send").openapi({ description: "From the confirm step" }) })) },
    responses: actionErrors,
  }),
  async (c) => {
    const digest = await Delivery.start(c.req.valid("param").id);
    return c.redirect(page(digest.id, { notice: "sending" }), 303);
  },
);

editorDigestRoutes.openapi(
  createRoute({
    method: "post",
    path: "/editor/digests/{id}/cancel",
    summary: "Dashboard: cancel the digest: nothing more is sent",
    ...guarded,
    request: { params: digestId },
    responses: actionErrors,
  }),
  async (c) => {
    const digest = await Delivery.cancel(c.req.valid("param").id);
    return c.redirect(page(digest.id, { notice: "cancelled" }), 303);
  },
);
