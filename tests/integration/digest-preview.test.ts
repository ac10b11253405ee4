/**
 * Editors' previews and test copies against the real local stack: what a reader gets, and nothing else, but for
 * links that act on nobody (tests/integration/preview-credentials.test.ts).
 */
import { simpleParser } from "mailparser";
import { beforeAll, describe, expect, it } from "vitest";
import * as Digests from "../../core/digests";
import * as Email from "../../core/email";
import * as Subscribers from "../../core/subscribers";
import { editor, publish } from "../helpers/editor";
import { createDigest, saveSubscriber } from "../helpers/factories";
import { request } from "../helpers/http";
import { useLocalStack } from "../helpers/local";
import { mailTo, uniqueEmail } from "../helpers/mail";

useLocalStack();

let digestId: string;
const hostile = `<script>alert("x")</script> "Quotes" & ‘more’ — مرحبا 🌍`;

beforeAll(async () => {
  await publish({ climate: "Climate", housing: "Housing", culture: "Culture" }, [
    { id: "heat", title: "Heat records fall", topics: ["climate"] },
    { id: "rents", title: hostile, topics: ["housing"], summary: hostile, author: hostile },
    { id: "floods", title: "Flood maps redrawn", topics: ["climate", "housing"] },
  ]);
  digestId = (await createDigest({ period: "2030-W10" })).id;
});

describe("digest preview", () => {
  it("shows the sample free reader every article, escaped, with the invitation and the text part's URLs", async () => {
    const html = await (await editor("GET", `/api/digests/${digestId}/preview`)).text();
    expect(html).toContain("Heat records fall");
    expect(html).toContain("Flood maps redrawn");
    expect(html).not.toContain("<script>alert");
    expect(html).toContain("&lt;script&gt;alert(");
    expect(html).toContain("مرحبا 🌍");
    const text = await (await editor("GET", `/api/digests/${digestId}/preview?format=text`)).text();
    for (const id of ["heat", "rents", "floods"]) expect(text).toContain(`https://news.example.org/${id}`);
  });

  it("shows a patron the vote block with vote links, and a free reader none", async () => {
    const patron = await (await editor("GET", `/api/digests/${digestId}/preview?variant=patron`)).text();
    const free = await (await editor("GET", `/api/digests/${digestId}/preview?variant=free`)).text();
    expect(patron).not.toEqual(free);
    expect(free).not.toContain("/preview-link?link=vote");
    // Vote links that act on nobody (issue 17, item 2): tests/integration/preview-credentials.test.ts.
    expect(patron).toContain("/preview-link?link=vote");
    expect(patron).not.toContain("token=");
  });

  it("shows one subscriber only the articles on topics they follow, and 404 when nothing is", async () => {
    const reader = await saveSubscriber({ topics: ["climate"], name: "Ada" });
    const response = await editor("GET", `/api/digests/${digestId}/preview?email=${encodeURIComponent(reader.email)}`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("Heat records fall");
    expect(html).toContain("Flood maps redrawn");
    expect(html).not.toContain("&lt;script&gt;");

    const bored = await saveSubscriber({ topics: ["culture"] });
    const none = await editor("GET", `/api/digests/${digestId}/preview?email=${encodeURIComponent(bored.email)}`);
    expect(none.status).toBe(404);
    expect(((await none.json()) as { error: { code: string } }).error.code).toBe("nothing_to_read");
    expect((await editor("GET", `/api/digests/${digestId}/preview?email=nobody@example.com`)).status).toBe(404);
  });

  it("previews the message that reader is sent, but for their links (a preview's act on nobody) and delivery id", async () => {
    const reader = await saveSubscriber({ topics: [], name: "Bo" });
    const preview = await (await editor("GET", `/api/digests/${digestId}/preview?email=${encodeURIComponent(reader.email)}`)).text();
    const previewText = await (
      await editor("GET", `/api/digests/${digestId}/preview?format=text&email=${encodeURIComponent(reader.email)}`)
    ).text();
    const message = await Digests.messageFor(await Digests.get(digestId), Digests.readerOf(reader));
    const asPreview = (copy: string) =>
      copy
        .replace(Subscribers.manageUrl(reader.id), Digests.previewLinkUrl("manage"))
        .replace(Subscribers.unsubscribeUrl(reader.id), Digests.previewLinkUrl("unsubscribe"))
        .replace(`<!-- tidings-delivery ${reader.id} -->`, "");
    expect(asPreview(message.html)).toBe(preview);
    expect(asPreview(message.text)).toBe(previewText);
    expect(preview).not.toContain(reader.id);

    const parsed = await simpleParser(await Email.compose(message));
    expect(parsed.html).toBe(message.html);
    expect(parsed.text?.trim()).toBe(message.text.trim());
    const listUnsubscribe = parsed.headerLines.find((line) => line.key === "list-unsubscribe")?.line ?? "";
    expect(listUnsubscribe.replace(/\r?\n\s+/g, " ")).toMatch(/<http:\/\/127\.0\.0\.1:3000\/unsubscribe\?token=unsubscribe\.[^>]+>/);
  });
});

describe("test copies", () => {
  it("sends [TEST] copies of a reader's email to each address through SES", async () => {
    const reader = await saveSubscriber({ topics: ["housing"] });
    const to = [uniqueEmail("editor"), uniqueEmail("editor")];
    const response = await editor("POST", `/api/digests/${digestId}/test`, { to, email: reader.email });
    expect(response.status).toBe(202);
    const preview = await (await editor("GET", `/api/digests/${digestId}/preview?email=${encodeURIComponent(reader.email)}`)).text();
    for (const address of to) {
      const [copy] = await mailTo(address);
      expect(copy?.subject).toMatch(/^\[TEST\] /);
      expect(copy?.body.html).toBe(preview);
    }
    expect(await mailTo(reader.email)).toHaveLength(0);
  });

  it("refuses bad addresses and unknown digests, and needs an editor token", async () => {
    expect((await editor("POST", `/api/digests/${digestId}/test`, { to: [] })).status).toBe(400);
    expect((await editor("POST", `/api/digests/${digestId}/test`, { to: ["not-an-address"] })).status).toBe(400);
    expect((await editor("POST", `/api/digests/${digestId}/test`, { to: ["a@example.com\r\nBcc: b@example.com"] })).status).toBe(400);
    expect((await editor("POST", "/api/digests/weekly-2031-W01/test", { to: ["a@example.com"] })).status).toBe(404);
    const anonymous = await request(`/api/digests/${digestId}/test`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ to: [uniqueEmail()] }),
    });
    expect(anonymous.status).toBe(401);
    expect((await request(`/api/digests/${digestId}/preview`)).status).toBe(401);
  });
});
