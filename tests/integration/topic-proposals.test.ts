/**
 * Proposals (`product.md` → Topic votes) are limited per patron: at most MAX_OPEN_PROPOSALS_PER_PATRON wait for the
 * editors at once, exactly under concurrency, and the next is 409 `proposal_limit`, writing nothing. A place frees
 * when an editor opens, closes or covers one. Proposals made before they were counted are marked and counted by the
 * migration.
 */
import { describe, expect, it } from "vitest";
import * as Config from "../../core/config";
import * as Db from "../../core/db";
import { markLegacyProposals } from "../../core/db/proposal-migration";
import * as Topics from "../../core/topics";
import { savePatron, signedIn, uniqueSlug } from "../helpers/factories";
import { useLocalStack } from "../helpers/local";
import { refusal } from "../helpers/votes";

useLocalStack();

const MAX = 3;
const read = (response: Response) => response.json() as Promise<any>;
/** A new active patron, signed in. */
const proposer = async () => signedIn((await savePatron()).subscriberId);
const propose = (who: Awaited<ReturnType<typeof proposer>>, title: string) => who.post("/api/topics/proposals", { title, description: "Please" });
/** Every proposed topic of the table, as an editor's list would find them (tests only: it reads everyone's). */
const waiting = async (subscriberId: string) => (await Db.Topics.byStatus(["proposed"])).filter((topic) => topic.proposedBy === subscriberId);

describe("the limit on a patron's proposals", () => {
  it("is a setting, 3 by default", () => {
    expect(Config.get().MAX_OPEN_PROPOSALS_PER_PATRON).toBe(MAX);
  });

  it(`accepts ${MAX} proposals; the next is 409 proposal_limit and writes nothing`, async () => {
    const patron = await proposer();
    for (let i = 1; i <= MAX; i++) expect((await propose(patron, `Idea ${i}`)).status).toBe(201);
    const partitionBefore = await Db.Erasure.partition(patron.id);

    const over = await propose(patron, "One too many");
    expect(over.status).toBe(409);
    expect((await read(over)).error).toEqual({ code: "proposal_limit", message: expect.stringContaining(`${MAX} proposed topics waiting`) });
    expect(over.headers.get("cache-control")).toBe("no-store");
    expect((await waiting(patron.id)).map((topic) => topic.title).sort()).toEqual(["Idea 1", "Idea 2", "Idea 3"]);
    expect(await Db.Erasure.partition(patron.id)).toEqual(partitionBefore); // count and markers as they were
    expect(await Db.Proposals.openCount(patron.id)).toBe(MAX);
  });

  it(`accepts exactly ${MAX} of 12 proposals one patron sends at once`, async () => {
    const patron = await proposer();
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => propose(patron, `At once ${i}`)));
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(MAX);
    expect(statuses.filter((status) => status === 409)).toHaveLength(12 - MAX);
    for (const answer of answers.filter((a) => a.status === 409)) expect((await read(answer)).error.code).toBe("proposal_limit");
    expect(await waiting(patron.id)).toHaveLength(MAX);
    expect(await Db.Proposals.ofPatron(patron.id)).toHaveLength(MAX);
    expect(await Db.Proposals.openCount(patron.id)).toBe(MAX);
  });

  it("frees a place when an editor opens, closes or covers a proposal, and takes it back when one is sent back", async () => {
    const { subscriberId } = await savePatron();
    const ids = [];
    for (let i = 0; i < MAX; i++) ids.push((await Topics.propose(subscriberId, { title: `Freed ${i}` })).id);
    expect(await refusal(Topics.propose(subscriberId, { title: "Blocked" }))).toEqual({ status: 409, code: "proposal_limit" });

    await Topics.upsert(ids[0]!, { title: "Freed 0", status: "open" });
    expect(await Db.Proposals.openCount(subscriberId)).toBe(MAX - 1);
    await Topics.upsert(ids[0]!, { title: "Freed 0, renamed" }); // still open: nothing moves
    await Topics.upsert(ids[1]!, { title: "Freed 1", status: "closed" });
    await Topics.upsert(ids[2]!, { title: "Freed 2", status: "covered" });
    expect(await Db.Proposals.openCount(subscriberId)).toBe(0);
    for (let i = 0; i < MAX; i++) await Topics.propose(subscriberId, { title: `Again ${i}` });
    expect(await refusal(Topics.propose(subscriberId, { title: "Blocked again" }))).toEqual({ status: 409, code: "proposal_limit" });

    // An editor may send one back (their choice, over the limit): it counts again.
    await Topics.upsert(ids[1]!, { title: "Freed 1", status: "proposed" });
    expect(await Db.Proposals.openCount(subscriberId)).toBe(MAX + 1);
    expect((await Db.Topics.get(ids[1]!))?.proposedBy).toBe(subscriberId);
  });

  it("moves the count once when editors approve the same proposal at the same moment", async () => {
    const { subscriberId } = await savePatron();
    const { id } = await Topics.propose(subscriberId, { title: "Raced" });
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => Topics.upsert(id, { title: "Raced", status: "open" })));
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(["unchanged", "unchanged", "unchanged", "unchanged", "unchanged", "updated"]);
    expect(await Db.Proposals.openCount(subscriberId)).toBe(0);
  });

  it("an unmarked proposal (made before proposals were counted) that an editor takes up moves no count", async () => {
    const { subscriberId } = await savePatron();
    const at = new Date().toISOString();
    const id = uniqueSlug("unmarked");
    await Db.Topics.put({ id, title: id, status: "proposed", articleIds: [], proposedBy: subscriberId, createdAt: at, updatedAt: at });
    await Topics.upsert(id, { title: id, status: "open" });
    expect(await Db.Proposals.openCount(subscriberId)).toBe(0);
    expect((await Db.Topics.get(id))?.status).toBe("open");
  });

  it("counts proposals made before the count was kept, once the migration has run (twice changes nothing)", async () => {
    const { subscriberId } = await savePatron();
    const at = new Date().toISOString();
    const legacy = (id: string, status: Topics.TopicStatus) =>
      Db.Topics.put({ id, title: id, status, articleIds: [], proposedBy: subscriberId, createdAt: at, updatedAt: at });
    await legacy(uniqueSlug("legacy-waiting"), "proposed");
    await legacy(uniqueSlug("legacy-taken"), "open");
    expect(await Db.Proposals.ofPatron(subscriberId)).toEqual([]); // unmarked: export and erasure would miss them

    expect(await markLegacyProposals()).toBeGreaterThanOrEqual(2);
    expect((await Db.Proposals.ofPatron(subscriberId)).map((topic) => topic.status).sort()).toEqual(["open", "proposed"]);
    expect(await Db.Proposals.openCount(subscriberId)).toBe(1);
    expect(await markLegacyProposals()).toBe(0);
    expect(await Db.Proposals.openCount(subscriberId)).toBe(1);
  });
});
