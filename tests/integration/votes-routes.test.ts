/**
 * Topic votes over HTTP: voting and unvoting signed in (401, 403 not_eligible, 403 from another origin, 409
 * vote_limit), the signed vote link (the page changes nothing, its POST counts), proposals and their approval,
 * the editors' view of a topic's votes, and the OpenAPI description of all of them.
 */
import { describe, expect, it } from "vitest";
import * as Db from "../../core/db";
import type { Patron } from "../../core/patrons";
import * as Tokens from "../../core/tokens";
import * as Topics from "../../core/topics";
import * as Votes from "../../core/votes";
import { editor } from "../helpers/editor";
import { createTopic, savePatron, saveSubscriber, signedIn } from "../helpers/factories";
import { postForm, request } from "../helpers/http";
import { useLocalStack } from "../helpers/local";

useLocalStack();

const openTopic = async (status?: Topics.TopicStatus) => (await createTopic({ status })).id;
/** A new patron's subscriber id. */
const patron = async (fields: Partial<Patron> = {}) => (await savePatron(fields)).subscriberId;
/** Requests carrying a patron's session cookie (and our own Origin unless told otherwise). */
const as = async (subscriberId: string) => (await signedIn(subscriberId)).call;

const read = (response: Response) => response.json() as Promise<any>;
const code = async (response: Response) => ((await response.json()) as { error: { code: string } }).error.code;

describe("POST/DELETE /api/topics/{id}/vote", () => {
  it("counts a signed-in patron's vote with their tier's weight and withdraws it", async () => {
    const topic = await openTopic();
    const call = await as(await patron({ tierId: "co-creator" }));
    const voted = await call("POST", `/api/topics/${topic}/vote`);
    expect(voted.status).toBe(200);
    expect((await read(voted)).topic).toMatchObject({ id: topic, score: 3, voters: 1, status: "open" });
    expect((await read(await call("POST", `/api/topics/${topic}/vote`))).topic).toMatchObject({ score: 3, voters: 1 });
    const withdrawn = await call("DELETE", `/api/topics/${topic}/vote`);
    expect(withdrawn.status).toBe(200);
    expect((await read(withdrawn)).topic).toMatchObject({ score: 0, voters: 0 });
  });

  it("refuses without a session (401), from another origin (403), readers and patrons in grace (403 not_eligible), past the limit (409)", async () => {
    const topic = await openTopic();
    expect((await request(`/api/topics/${topic}/vote`, { method: "POST" })).status).toBe(401);
    const active = await as(await patron());
    expect((await active("POST", `/api/topics/${topic}/vote`, undefined, "https://evil.example")).status).toBe(403);
    const reader = await as((await saveSubscriber()).id);
    const refused = await reader("POST", `/api/topics/${topic}/vote`);
    expect([refused.status, await code(refused)]).toEqual([403, "not_eligible"]);
    const grace = await as(await patron({ status: "grace" }));
    const inGrace = await grace("POST", `/api/topics/${topic}/vote`);
    expect([inGrace.status, await code(inGrace)]).toEqual([403, "not_eligible"]);
    for (let i = 0; i < 3; i++) expect((await active("POST", `/api/topics/${await openTopic()}/vote`)).status).toBe(200);
    const over = await active("POST", `/api/topics/${topic}/vote`);
    expect([over.status, await code(over)]).toEqual([409, "vote_limit"]);
    expect(await Db.Topics.tally(topic)).toEqual({ score: 0, voters: 0 });
  });
});

describe("the signed vote link", () => {
  it("shows the topic and a button that POSTs, changing nothing; the POST counts the vote", async () => {
    const topic = await openTopic();
    const subscriberId = await patron({ tierId: "yearly" });
    const token = Votes.voteToken(subscriberId, topic);
    const page = await request(`/vote?token=${encodeURIComponent(token)}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`Topic ${topic}`);
    expect(html).toMatch(/<form method="post" action="\/vote">/);
    expect(html).toContain(`value="${token}"`);
    expect(await Db.Topics.tally(topic)).toEqual({ score: 0, voters: 0 });
    expect(await Db.Votes.get(topic, subscriberId)).toBeUndefined();

    const counted = await postForm("/vote", { token });
    expect(counted.status).toBe(200);
    expect(await counted.text()).toContain("Your vote is counted");
    expect(await Db.Topics.tally(topic)).toEqual({ score: 3, voters: 1 });
    expect((await postForm("/vote", { token })).status).toBe(200); // the link again: still one vote
    expect(await Db.Topics.tally(topic)).toEqual({ score: 3, voters: 1 });
  });

  it("says why a vote was not counted, and refuses forged links and other purposes' tokens", async () => {
    const topic = await openTopic();
    const lapsed = await patron({ status: "lapsed" });
    const refused = await postForm("/vote", { token: Votes.voteToken(lapsed, topic) });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("Your vote was not counted");
    const token = Votes.voteToken(await patron(), topic);
    expect((await postForm("/vote", { token: token.slice(0, -2) + "xx" })).status).toBe(400);
    expect((await request(`/vote?token=${Tokens.sign("unsubscribe", lapsed)}`)).status).toBe(400);
    expect(await Db.Topics.tally(topic)).toEqual({ score: 0, voters: 0 });
  });
});

describe("proposals and results", () => {
  it("lets eligible patrons propose topics that editors open; readers can't; proposed topics take no votes", async () => {
    const proposer = await as(await patron());
    const proposed = await proposer("POST", "/api/topics/proposals", { title: "Night trains", description: "Where did they go?" });
    expect(proposed.status).toBe(201);
    const { topic } = await read(proposed);
    expect(topic).toMatchObject({ status: "proposed", title: "Night trains" });
    expect(topic.id).toMatch(/^night-trains-[0-9a-f]{6}$/);
    expect((await proposer("POST", `/api/topics/${topic.id}/vote`)).status).toBe(404);
    const listed = async () => ((await read(await request("/api/topics"))).topics as Array<{ id: string }>).map((t) => t.id);
    expect(await listed()).not.toContain(topic.id);

    const approved = await editor("PUT", `/api/topics/${topic.id}`, { title: "Night trains", status: "open" });
    expect(approved.status).toBe(200);
    expect((await read(approved)).topic).toMatchObject({ status: "open", proposedBy: topic.proposedBy });
    expect(await listed()).toContain(topic.id);
    expect((await proposer("POST", `/api/topics/${topic.id}/vote`)).status).toBe(200);

    const reader = await as((await saveSubscriber()).id);
    const refused = await reader("POST", "/api/topics/proposals", { title: "Anything" });
    expect([refused.status, await code(refused)]).toEqual([403, "not_eligible"]);
  });

  it("shows editors a topic's votes by tier, with votes that no longer count kept as history", async () => {
    const topic = await openTopic();
    const voters = await Promise.all([patron({ tierId: "coffee" }), patron({ tierId: "co-creator" }), patron({ tierId: "co-creator" })]);
    for (const id of voters) await Votes.vote(id, topic);
    const lapsed = (await Db.Patrons.get(voters[2]!))!;
    await Db.Patrons.save({ ...lapsed, status: "lapsed", version: lapsed.version + 1 }, lapsed);
    await Votes.recount(voters[2]!);

    expect((await request(`/api/topics/${topic}/votes`)).status).toBe(401);
    const response = await editor("GET", `/api/topics/${topic}/votes`);
    expect(response.status).toBe(200);
    const body = await read(response);
    expect(body.topic).toMatchObject({ id: topic, score: 4, voters: 2 });
    expect(body.byTier.sort((a: { tierId: string }, b: { tierId: string }) => a.tierId.localeCompare(b.tierId))).toEqual([
      { tierId: "co-creator", score: 3, voters: 1 },
      { tierId: "coffee", score: 1, voters: 1 },
    ]);
    expect(body.voters).toHaveLength(3);
    expect(body.voters.filter((v: { counted: boolean }) => !v.counted)).toHaveLength(1);
  });

  it("describes the vote routes in the OpenAPI document", async () => {
    const { paths } = await read(await request("/openapi.json"));
    expect(Object.keys(paths["/api/topics/{id}/vote"]).sort()).toEqual(["delete", "post"]);
    expect(paths["/api/topics/{id}/votes"].get).toBeDefined();
    expect(paths["/api/topics/proposals"].post).toBeDefined();
    expect(Object.keys(paths["/vote"]).sort()).toEqual(["get", "post"]);
  });
});
