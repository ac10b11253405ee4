/**
 * Closing the loop: when a topic a patron voted for is `covered`, their next digest opens with "You asked, we
 * covered it" and the article — once, for voters only (not other patrons, not free readers).
 */
import { describe, expect, it } from "vitest";
import * as Db from "../../core/db";
import * as Delivery from "../../core/delivery";
import * as Votes from "../../core/votes";
import { drain } from "../../scripts/local-worker";
import { editor, publish } from "../helpers/editor";
import { createArticle, createDigest, savePatronSubscriber, saveSubscriber } from "../helpers/factories";
import { useLocalStack } from "../helpers/local";
import { postForm, request } from "../helpers/http";
import { mailTo, tokenFrom } from "../helpers/mail";

useLocalStack();

const ASKED = "You asked, we covered it";

async function sendDigest(period: string) {
  const digest = await createDigest({ period });
  expect((await editor("POST", `/api/digests/${digest.id}/send`)).status).toBe(202);
  await drain({ workers: 1, bucket: new Delivery.TokenBucket(1000) });
  return digest.id;
}

/** An article published now (after any digest sent so far), so the next digest covers it. */
async function publishNow(id: string, topic: string) {
  await new Promise((resolve) => setTimeout(resolve, 20));
  await createArticle({ id, title: id, topics: [topic] });
}

describe("You asked, we covered it", () => {
  it("opens the voter's next digest with the covering article, once; other patrons and free readers never see it", async () => {
    await publish({ trains: "Night trains", culture: "Culture" }, [{ id: "a-culture-1", title: "Culture one", topics: ["culture"] }]);
    const voter = await savePatronSubscriber({}, { topics: ["culture"] });
    const otherPatron = await savePatronSubscriber({}, { topics: ["culture"] });
    const reader = await saveSubscriber({ topics: ["culture"] });
    await Votes.vote(voter.id, "trains");

    await publish({}, [{ id: "a-trains-1", title: "Where the night trains went", topics: ["trains"] }]);
    const covered = await editor("PUT", "/api/topics/trains", { title: "Night trains", status: "covered", articleIds: ["a-trains-1"] });
    expect(covered.status).toBe(200);
    const first = await sendDigest("2030-W40");

    const [voterMail] = await mailTo(voter.email);
    expect(voterMail!.body.html).toContain(ASKED);
    expect(voterMail!.body.html!.indexOf("a-trains-1")).toBeLessThan(voterMail!.body.html!.indexOf("a-culture-1"));
    expect(voterMail!.body.text).toContain("https://news.example.org/a-trains-1");
    for (const other of [otherPatron, reader]) {
      const mail = await mailTo(other.email);
      expect(mail).toHaveLength(1);
      expect(mail[0]!.body.html).not.toContain(ASKED);
      expect(mail[0]!.body.text).not.toContain("a-trains-1");
    }
    expect(await Db.Votes.get("trains", voter.id)).toMatchObject({ coveredShownIn: first });

    // The next digest, with more on the covered topic: the voter is not told again.
    // Published after the first digest was sent, so the next one covers them.
    await publishNow("a-trains-2", "trains");
    await publishNow("a-culture-2", "culture");
    await sendDigest("2030-W41");
    const voterMails = await mailTo(voter.email);
    expect(voterMails).toHaveLength(2);
    const second = voterMails.find((m) => m !== voterMail && m.body.text!.includes("a-culture-2"))!;
    expect(second.body.html).not.toContain(ASKED);
    expect(second.body.text).not.toContain("a-trains-2");
  }, 60_000);
});

describe("the vote link in a patron's digest", () => {
  it("opens a page that changes nothing; its button's POST counts the vote", async () => {
    await publish({ ferries: "Ferries" }, []);
    await publishNow("a-ferries-1", "ferries"); // after the digests above were sent
    const patron = await savePatronSubscriber({}, { topics: ["ferries"] });
    await sendDigest("2030-W45");
    const [mail] = await mailTo(patron.email);
    const token = tokenFrom(mail!, "/vote");
    const { topicId } = Votes.fromVoteToken(token);
    const before = await Db.Topics.tally(topicId);

    const page = await request(`/vote?token=${encodeURIComponent(token)}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Vote for it");
    expect(await Db.Topics.tally(topicId)).toEqual(before);

    const counted = await postForm("/vote", { token });
    expect(counted.status).toBe(200);
    expect(await Db.Topics.tally(topicId)).toEqual({ score: before.score + 1, voters: before.voters + 1 });
    expect(await Db.Votes.get(topicId, patron.id)).toMatchObject({ counted: true, weight: 1 });
  }, 60_000);
});
