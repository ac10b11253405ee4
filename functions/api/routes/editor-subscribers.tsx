/**
 * The dashboard's subscribers (`product.md` → Editors' dashboard): finding one subscriber by address and reading
 * their record (any editor: support work needs it), and what only admins do: grant a comp, erase at a reader's
 * request (after typing the address again), import a CSV file and export the list. Every POST is a form, checked
 * for our own Origin and written to the audit log by `requireEditor`/`requireAdmin`, naming the subscriber only as
 * `Editors.targetHash`; each answers 303 back to a page, except the import, whose report is its answer. Opening a
 * record is audited too (a read of someone's data), as the API's lookup is.
 */
import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import * as Config from "../../../core/config";
import * as Editors from "../../../core/editors";
import { VisibleError } from "../../../core/errors";
import * as Patrons from "../../../core/patrons";
import * as Privacy from "../../../core/privacy";
import * as Subscribers from "../../../core/subscribers";
import * as Topics from "../../../core/topics";
import { LINK_SECONDS, exportToFile } from "../../../core/subscribers/export-file";
import { EXPORT_NAME, exportLinkFor, exportNameOf } from "../../../core/subscribers/export-link";
import { importSubscribers } from "../../../core/subscribers/import";
import { IMPORT_COLUMNS, MAX_LINES } from "../../../core/subscribers/import-csv";
import { byEmail } from "../../../core/subscribers/list";
import { subscriberRecord } from "../../../core/subscribers/record";
import { EDITOR_IMPORT_PATH } from "../dashboard-paths";
import { requireAdmin, requireEditor, type EditorSignedIn } from "../editor-session";
import { currentLanguage, t } from "../language";
import { form, htmlPage } from "../openapi";
import { RecordPage } from "../views/editor-subscriber-record";
import { PausedPage } from "../views/editor-paused";
import { pausedPatrons } from "../../../core/patrons/paused";
import { ErasePage, ExportPage, ImportPage, SUBSCRIBERS_PAGE, SearchPage, recordPath } from "../views/editor-subscribers";

export const editorSubscriberRoutes = new OpenAPIHono<EditorSignedIn>();

export { EDITOR_IMPORT_PATH };
const EXPORT_PAGE = `${SUBSCRIBERS_PAGE}/export`;

const redirect = (description: string) => ({ description, headers: z.object({ location: z.string() }) });
const pageErrors = {
  303: redirect("Not signed in: to /editor/login"),
  403: htmlPage("Posted from another site, or an editor on an admin's page"),
};
const adminErrors = { ...pageErrors, 400: htmlPage("Invalid input; nothing changed"), 404: htmlPage("No subscriber has this address") };
const addressParam = z.object({ email: z.string().max(1000).openapi({ description: "The subscriber's address, URL-encoded" }) });
/** The address as the path carries it (URL-encoded), checked as every address is (`Subscribers.Input.email`). */
const emailParam = z.object({ email: Subscribers.Input.email });

/** What the dashboard records as the editor who did something (a comp's `compedBy`, an import's consent): never an address. */
const byEditor = (account: Editors.EditorAccount) => `dashboard:${Editors.editorKey(account.email)}`;
const isNotFound = (error: unknown) => error instanceof VisibleError && error.status === 404;

editorSubscriberRoutes.openapi(
  createRoute({
    method: "get",
    path: SUBSCRIBERS_PAGE,
    summary: "Find a subscriber by address (exact, any case): to their record",
    middleware: [requireEditor] as const,
    description: "`patrons=paused`: the paused patrons instead, a page at a time (`cursor` from the previous page).",
    request: {
      query: z.object({
        email: z.string().max(1000).optional(),
        erased: z.literal("1").optional(),
        patrons: z.literal("paused").optional(),
        cursor: z.string().max(2000).optional(),
      }),
    },
    responses: { 200: htmlPage("The search form, or the paused patrons"), 400: htmlPage("Not an address, or a bad cursor"), ...pageErrors },
  }),
  async (c) => {
    const { email, erased, patrons, cursor } = c.req.valid("query");
    const account = c.var.editorAccount;
    if (patrons === "paused") return c.html(<PausedPage account={account} {...await pausedPatrons(cursor)} />, 200);
    if (email === undefined) return c.html(<SearchPage account={account} erased={erased === "1"} />, 200);
    const address = Subscribers.Input.email.safeParse(email);
    if (!address.success) return c.html(<SearchPage account={account} email={email} problem={t("editor-people.search.notAnAddress")} />, 400);
    return c.redirect(recordPath(address.data), 303);
  },
);

editorSubscriberRoutes.openapi(
  createRoute({
    method: "get",
    path: EDITOR_IMPORT_PATH,
    summary: "The import form: a CSV file of subscribers (admins)",
    middleware: [requireAdmin] as const,
    responses: { 200: htmlPage("The upload form"), ...pageErrors },
  }),
  (c) => c.html(<ImportPage account={c.var.editorAccount} columns={IMPORT_COLUMNS} maxLines={MAX_LINES} />, 200),
);

const csvFile = z.instanceof(File).openapi({ type: "string", format: "binary", description: "The CSV file (UTF-8)" });

editorSubscriberRoutes.openapi(
  createRoute({
    method: "post",
    path: EDITOR_IMPORT_PATH,
    summary: "Import subscribers from an uploaded CSV file (admins): the page of what each line did",
    description:
      "The same import as `POST /api/subscribers/import`, from a form (`multipart/form-data`, field `file`, within the " +
      "API import's size limit). Answers its report (200), not a redirect: the report exists only in this answer, and " +
      "sending the same file again changes nothing.",
    middleware: [requireAdmin] as const,
    request: { body: { content: { "multipart/form-data": { schema: z.object({ file: csvFile }) } }, required: true } },
    responses: { 200: htmlPage("What each line did"), ...adminErrors, 413: htmlPage("Larger than the import's limit") },
  }),
  async (c) => {
    const { file } = c.req.valid("form");
    if (file.size === 0) throw new VisibleError("invalid", "invalid_request", "The file is empty: choose a CSV file of subscribers.");
    const report = await importSubscribers(await file.text(), byEditor(c.var.editorAccount));
    return c.html(<ImportPage account={c.var.editorAccount} columns={IMPORT_COLUMNS} maxLines={MAX_LINES} report={report} />, 200);
  },
);

editorSubscriberRoutes.openapi(
  createRoute({
    method: "get",
    path: EXPORT_PAGE,
    summary: "The export (admins): its button, and after it a fresh link to the file",
    middleware: [requireAdmin] as const,
    request: {
      query: z.object({
        file: z.string().regex(EXPORT_NAME, "an export's file name").optional(),
        rows: z.coerce.number().int().min(0).optional(),
      }),
    },
    responses: { 200: htmlPage("The export page"), 400: htmlPage("Not an export's file name"), ...pageErrors, 503: htmlPage("No exports bucket here") },
  }),
  async (c) => {
    const { file, rows } = c.req.valid("query");
    const link = file === undefined ? undefined : { ...(await exportLinkFor(file)), rows };
    return c.html(<ExportPage account={c.var.editorAccount} file={link} minutes={LINK_SECONDS / 60} />, 200);
  },
);

editorSubscriberRoutes.openapi(
  createRoute({
    method: "post",
    path: EXPORT_PAGE,
    summary: "Export every subscriber as CSV (admins): to the export page with the file's link",
    description: "The same file as `GET /api/subscribers/export`; the redirect names the file, and the page signs its link.",
    middleware: [requireAdmin] as const,
    responses: { 303: redirect("The file is written: to the export page, or to /editor/login"), 403: pageErrors[403], 503: htmlPage("No exports bucket here") },
  }),
  async (c) => {
    const file = await exportToFile(undefined, byEditor(c.var.editorAccount));
    const name = exportNameOf(file.url);
    if (!name) throw new Error("an export's link names no export file");
    return c.redirect(`${EXPORT_PAGE}?file=${name}&rows=${file.rows}`, 303);
  },
);

editorSubscriberRoutes.openapi(
  createRoute({
    method: "get",
    path: `${SUBSCRIBERS_PAGE}/{email}`,
    summary: "One subscriber's record: status, consent, topics, membership, deliveries, votes, contributions, gifts",
    middleware: [requireEditor] as const,
    request: { params: addressParam, query: z.object({ done: z.literal("comp").optional() }) },
    responses: { 200: htmlPage("The record"), 400: htmlPage("Not an address"), 404: htmlPage("No subscriber has this address"), ...pageErrors },
  }),
  async (c) => {
    const account = c.var.editorAccount;
    const given = c.req.valid("param").email;
    const address = Subscribers.Input.email.safeParse(given);
    if (!address.success) return c.html(<SearchPage account={account} email={given} problem={t("editor-people.search.notAnAddress")} />, 400);
    try {
      const record = await subscriberRecord(address.data);
      // A read of someone's data: audited (by keyed hash), as the API's lookup is; unaudited, it is not shown.
      const entry = { who: account.email, via: "dashboard" as const, action: "GET /editor/subscribers/:email", target: `person:${Editors.targetHash(address.data)}`, status: 200 };
      const [topicTitles] = await Promise.all([Topics.titlesOf(record.subscriber.topics, currentLanguage()), Editors.Audit.record(entry, { required: true })]);
      return c.html(<RecordPage account={account} record={record} topicTitles={topicTitles} tiers={Config.get().TIERS} done={c.req.valid("query").done} />, 200);
    } catch (error) {
      if (isNotFound(error)) return c.html(<SearchPage account={account} email={address.data} notFound />, 404);
      throw error;
    }
  },
);

editorSubscriberRoutes.openapi(
  createRoute({
    method: "post",
    path: `${SUBSCRIBERS_PAGE}/{email}/comp`,
    summary: "Grant a subscriber a membership of a tier until a day (comped; admins)",
    middleware: [requireAdmin] as const,
    request: {
      params: emailParam,
      body: form(z.object({ tier: z.string().max(64), until: z.iso.date().openapi({ description: "The last day (UTC)" }) })),
    },
    responses: { ...adminErrors, 303: redirect("Granted: back to the record, or to /editor/login") },
  }),
  async (c) => {
    const { email } = c.req.valid("param");
    const { tier, until } = c.req.valid("form");
    c.set("auditTarget", `person:${Editors.targetHash(email)}`);
    await Patrons.comp({ email, tierId: tier, until: `${until}T23:59:59.999Z`, by: byEditor(c.var.editorAccount) });
    return c.redirect(`${recordPath(email)}?done=comp`, 303);
  },
);

editorSubscriberRoutes.openapi(
  createRoute({
    method: "get",
    path: `${SUBSCRIBERS_PAGE}/{email}/erase`,
    summary: "Erasing a subscriber: the confirmation form (admins)",
    middleware: [requireAdmin] as const,
    request: { params: emailParam },
    responses: { 200: htmlPage("Type the address to confirm"), ...adminErrors },
  }),
  async (c) => {
    const { email } = await byEmail(c.req.valid("param").email);
    return c.html(<ErasePage account={c.var.editorAccount} email={email} />, 200);
  },
);

editorSubscriberRoutes.openapi(
  createRoute({
    method: "post",
    path: `${SUBSCRIBERS_PAGE}/{email}/erase`,
    summary: "Erase a subscriber at their request, once the address is typed again (admins)",
    description: "The same erasure as `POST /api/account/delete` (`Privacy.erase`); the audit log names them only as a keyed hash.",
    middleware: [requireAdmin] as const,
    request: { params: emailParam, body: form(z.object({ confirm: z.string().max(1000).openapi({ description: "The address, typed again" }) })) },
    responses: { ...adminErrors, 303: redirect("Erased: to the search page, or to /editor/login"), 503: htmlPage("A live membership, and Stripe is not configured here") },
  }),
  async (c) => {
    const { email } = c.req.valid("param");
    if (c.req.valid("form").confirm.trim().toLowerCase() !== email) {
      const problem = t("editor-people.erase.mismatch");
      return c.html(<ErasePage account={c.var.editorAccount} email={email} problem={problem} />, 400);
    }
    c.set("auditTarget", `person:${Editors.targetHash(email)}`);
    await Privacy.erase((await byEmail(email)).id);
    return c.redirect(`${SUBSCRIBERS_PAGE}?erased=1`, 303);
  },
);
