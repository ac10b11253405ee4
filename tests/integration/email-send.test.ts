import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { randomUUID } from "node:crypto";
import * as Config from "../../core/config";
import * as Email from "../../core/email";
import * as Templates from "../../templates";
import { useLocalEnv } from "../helpers/local";
import { mailTo, uniqueEmail, type StoredEmail } from "../helpers/mail";

/** The emulator also keeps Reply-To (but none of a raw message's custom headers, so those are tested in unit/). */
type Stored = StoredEmail & { replyTo: string[] };
const received = async (address: string) => (await mailTo(address)) as Stored[];

beforeAll(() => {
  useLocalEnv();
  // This file's own process (forks pool): settings changed here stay here.
  Object.assign(process.env, {
    MAIL_FROM: "The Harbour Gazette <news@example.org>",
    MAIL_REPLY_TO: "letters@example.org",
    SES_CONFIGURATION_SET: "tidings-events",
  });
  process.env.TABLE_NAME ??= "email-send-uses-no-table";
  Config.reset();
  Email.resetClient();
});

afterAll(() => {
  Email.resetClient();
  Config.reset();
});

describe("send through SES", () => {
  it("delivers a confirmation email to its recipient, with SES's message id", async () => {
    const to = uniqueEmail("email-send");
    const confirmUrl = `http://127.0.0.1:3000/confirm?token=${randomUUID()}`;
    const rendered = Templates.confirmation({
      outletName: "The Harbour Gazette",
      confirmUrl,
      postalAddress: "1 Quay Street, Harbourtown HT1 2AB",
    });

    const { messageId } = await Email.send({ to, ...rendered });

    const [stored, ...more] = await received(to);
    expect(more).toEqual([]);
    expect(stored).toMatchObject({
      messageId,
      subject: "Confirm your subscription to The Harbour Gazette",
      replyTo: ["letters@example.org"],
    });
    expect(stored!.from).toContain("news@example.org");
    expect(stored!.body.html).toContain(`href="${confirmUrl}"`);
    expect(stored!.body.text).toContain(confirmUrl);
  });

  it("delivers marketing mail with a non-ASCII subject and recipient name intact", async () => {
    const to = uniqueEmail("email-send");
    const subject = "Grüße aus dem Hafen — «Wochenrückblick» ✉";

    const { messageId } = await Email.send({
      to: { name: "Zoë Ñandú", address: to },
      subject,
      html: "<p>Diese Woche im Hafen</p>",
      text: "Diese Woche im Hafen",
      marketing: { unsubscribeUrl: `http://127.0.0.1:3000/api/unsubscribe?token=${randomUUID()}` },
      headers: { "X-Tidings-Delivery": "del_integration", "X-Tidings-Digest": "dig_integration" },
    });

    const [stored] = await received(to);
    expect(stored).toMatchObject({ messageId, subject });
    expect(stored!.destination.to[0]).toContain("Zoë Ñandú");
    expect(stored!.body.text?.trim()).toBe("Diese Woche im Hafen");
  });

  it("delivers a Ukrainian email with its subject, recipient name and text intact", async () => {
    const to = uniqueEmail("email-send");
    const subject = "Нічний пором уже скоро, а шторм обійшовся недешево: що ще змінилося цього тижня";

    const { messageId } = await Email.send({
      to: { name: "Оксана Коваленко", address: to },
      subject,
      html: "<p>Вітаємо, Оксано! Ось що сталося в Гавані цього тижня.</p>",
      text: "Вітаємо, Оксано! Ось що сталося в Гавані цього тижня.",
      language: "uk",
    });

    const [stored] = await received(to);
    expect(stored).toMatchObject({ messageId, subject });
    expect(stored!.destination.to[0]).toContain("Оксана Коваленко");
    expect(stored!.body.text?.trim()).toBe("Вітаємо, Оксано! Ось що сталося в Гавані цього тижня.");
  });

  it("sends nothing when a header is unsafe", async () => {
    const to = uniqueEmail("email-send");

    await expect(
      Email.send({ to, subject: "Hello\r\nBcc: victim@example.com", html: "<p>x</p>", text: "x" }),
    ).rejects.toThrow(Email.UnsafeHeaderError);

    expect(await received(to)).toEqual([]);
  });
});
