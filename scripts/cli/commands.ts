/** The editor CLI's commands: each is one or two API requests and what they answered, printed plainly. */
import { createWriteStream } from "node:fs";
import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream } from "node:stream/web";
import { deliveryStatuses, digestPath, download, type Api, type Delivery, type Digest } from "./api";
import { oneOf, type Command } from "./args";
import { articles, countsTable, table } from "./format";
import { watch } from "./watch";

const digestStatuses = ["draft", "sending", "paused", "sent", "cancelled"] as const;
const subscriberStatuses = ["pending", "active", "unsubscribed", "bounced", "complained"] as const;

const arg = (args: string[], i: number) => args[i] as string; // `check()` has counted them.

const summary = (digest: Digest) => `${digest.id}  ${digest.status}  ${articles(digest)}`;

/** Pages of `path` from `cursor`: one, or every one with `all`; prints a hint when more remain. */
async function pages<T>(api: Api, path: string, key: string, query: Record<string, string | undefined>, all?: boolean) {
  const items: T[] = [];
  let cursor = query.cursor;
  do {
    const { data } = await api.json<{ cursor: string | null } & Record<string, unknown>>("GET", path, { query: { ...query, cursor } });
    items.push(...((data[key] as T[] | undefined) ?? []));
    cursor = data.cursor ?? undefined;
  } while (all && cursor);
  return { items, more: cursor };
}

const moreHint = (more: string | undefined) => more && console.error(`more: add --all, or --cursor ${more}`);

export const commands: Command[] = [
  {
    name: "digest create",
    usage: "<daily|weekly>",
    summary: "create the digest of a period (or find the one that exists)",
    options: ["period", "subject", "intro"],
    async run({ api, args, options }) {
      const frequency = oneOf("frequency", arg(args, 0), ["daily", "weekly"]);
      const { status, data } = await api.json<{ digest: Digest }>("POST", "/api/digests", {
        body: { frequency, period: options.period, subject: options.subject, intro: options.intro },
      });
      console.log(`${status === 201 ? "Created" : "Already existed:"} ${summary(data.digest)}`);
    },
  },
  {
    name: "digest list",
    usage: "",
    summary: "digests, newest first",
    options: ["status", "cursor", "all"],
    async run({ api, options }) {
      const status = oneOf("--status", options.status, digestStatuses);
      const { items, more } = await pages<Digest>(api, "/api/digests", "digests", { status, cursor: options.cursor }, options.all);
      if (!items.length) console.log("No digests.");
      else {
        const rows = items.map((d) => [d.id, d.status, d.articleIds.length, d.counts.recipients, d.counts.sent ?? 0, d.subject]);
        console.log(table(rows, ["id", "status", "articles", "recipients", "sent", "subject"]));
      }
      moreHint(more);
    },
  },
  {
    name: "digest show",
    usage: "<id>",
    summary: "one digest and its delivery counts",
    options: [],
    async run({ api, args }) {
      const { digest } = (await api.json<{ digest: Digest }>("GET", digestPath(arg(args, 0)))).data;
      const fields: Array<[string, string | undefined]> = [
        ["id", digest.id],
        ["status", digest.status],
        ["paused", digest.pauseReason],
        ["subject", digest.subject],
        ["period", `${digest.frequency} ${digest.period}`],
        ["articles", digest.articleIds.join(", ") || "none"],
        ["created", digest.createdAt],
        ["sent", digest.sentAt],
      ];
      console.log(table(fields.filter(([, value]) => value !== undefined)));
      console.log(`\n${countsTable(digest.counts)}`);
    },
  },
  {
    name: "digest preview",
    usage: "<id>",
    summary: "write what a reader would get to a file, and print its path",
    options: ["variant", "format", "email", "out"],
    async run({ api, args, options }) {
      const id = arg(args, 0);
      const variant = oneOf("--variant", options.variant, ["free", "patron"]) ?? "free";
      const format = oneOf("--format", options.format, ["html", "text"]) ?? "html";
      const response = await api.request("GET", digestPath(id, "/preview"), { query: { variant, format, email: options.email } });
      const path = resolve(options.out ?? `${id}-${variant}.${format === "html" ? "html" : "txt"}`);
      await writeFile(path, Buffer.from(await response.arrayBuffer()));
      console.log(path);
    },
  },
  {
    name: "digest test",
    usage: "<id>",
    summary: "send [TEST] copies to the --to addresses (repeat --to for more)",
    options: ["to", "variant", "email"],
    required: ["to"],
    async run({ api, args, options }) {
      const to = options.to ?? [];
      const variant = oneOf("--variant", options.variant, ["free", "patron"]);
      await api.json("POST", digestPath(arg(args, 0), "/test"), { body: { to, variant, email: options.email } });
      console.log(`Sent test copies of ${arg(args, 0)} to ${to.join(", ")}`);
    },
  },
  {
    name: "digest send",
    usage: "<id>",
    summary: "send the digest to its subscribers (again: nothing is sent twice)",
    options: ["watch"],
    async run({ api, args, options }) {
      const { digest } = (await api.json<{ digest: Digest }>("POST", digestPath(arg(args, 0), "/send"))).data;
      console.log(`${digest.id} ${digest.status}`);
      return options.watch ? watch(api, digest.id) : undefined;
    },
  },
  {
    name: "digest watch",
    usage: "<id>",
    summary: "follow a send with a progress bar until it is sent, cancelled or paused",
    options: [],
    run: ({ api, args }) => watch(api, arg(args, 0)),
  },
  {
    name: "digest cancel",
    usage: "<id>",
    summary: "stop what has not been sent yet",
    options: [],
    async run({ api, args }) {
      const { digest } = (await api.json<{ digest: Digest }>("POST", digestPath(arg(args, 0), "/cancel"))).data;
      console.log(`${digest.id} ${digest.status}\n\n${countsTable(digest.counts)}`);
      const queued = digest.counts.queued ?? 0;
      if (digest.control?.action === "cancel" && !digest.control.done && queued > 0) {
        console.log(`\n${queued} still queued: being settled as skipped (cancelled), a page at a time.`);
      }
    },
  },
  {
    name: "subscribers export",
    usage: "",
    summary: "the list as CSV, downloaded from the link the API answers, to a file (--out - prints it)",
    options: ["status", "out"],
    async run({ api, options }) {
      const status = oneOf("--status", options.status, subscriberStatuses);
      const { data } = await api.json<{ url: string; rows: number }>("GET", "/api/subscribers/export", {
        query: { status },
        redirect: "manual",
      });
      const file = await download(data.url);
      const named = file.headers.get("content-disposition")?.match(/filename="([^"/\\]+)"/)?.[1];
      const path = options.out === "-" ? undefined : resolve(options.out ?? named ?? "subscribers.csv");
      // Streamed to the file: a list of any length passes through in small pieces.
      const csv = Readable.fromWeb(file.body as ReadableStream);
      await (path ? pipeline(csv, createWriteStream(path)) : pipeline(csv, process.stdout, { end: false }));
      if (path) console.log(`${data.rows} subscribers: ${path}`);
    },
  },
  {
    name: "deliveries",
    usage: "<id>",
    summary: "a digest's deliveries: email, status, SES message id, error (or why skipped)",
    options: ["status", "cursor", "all"],
    async run({ api, args, options }) {
      const status = oneOf("--status", options.status, deliveryStatuses);
      const path = digestPath(arg(args, 0), "/deliveries");
      const { items, more } = await pages<Delivery>(api, path, "deliveries", { status, cursor: options.cursor }, options.all);
      if (!items.length) console.log("No deliveries.");
      else {
        const rows = items.map((d) => [d.email, d.status, d.messageId, d.error ?? d.reason]);
        console.log(table(rows, ["email", "status", "messageId", "error or reason"]));
      }
      moreHint(more);
    },
  },
];
