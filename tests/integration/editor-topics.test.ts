/**
 * The dashboard's topics (`product.md` → Editors' dashboard, Topic votes): each form changes what the API then
 * reports, the same form twice gives the same result, bad input is a 4xx page that changes nothing, a POST from
 * another site is refused, and every action is in the audit log. Scores by tier and votes over time come from the
 * topic's own vote records.
 */
import { describe, expect, it } from "vitest";
import * as Db from "../../core/db";
import * as Votes from "../../core/votes";
import { dashboardCookie, dashboardGet, dashboardPost } from "../helpers/dashboard";
import { editor } from "../helpers/editor";
import { createArticle, createTopic, savePatron, uniqueSlug } from "../helpers/factories";
import { request } from "../helpers/http";
import { TEST_EDITORS, useLocalStack } from "../helpers/local";

useLocalStack();

/** The topic as `GET /api/topics/{id}/votes` reports it, and its stored record (status, articles, goal). */
async function reported(id: string) {
  const votes = await editor("GET", `/api/topics/${id}/votes`);
  return { votes: votes.status === 200 ? ((await votes.json()) as any) : undefined, topic: await Db.Topics.get(id) };
}

const auditOf = async (target: string) => {
  const { entries } = await Db.Audit.month(new Date().toISOString().slice(0, 7));
  return entries.filter((entry) => entry.target?.startsWith(target));
};

describe("the topics page", () => {
  it("shows topics by status with score, voters, score by tier and funding; a topic's page has its votes over time", async () => {
    const open = await createTopic({ title: "Night buses", fundingGoal: 50_000 });
    const proposed = await createTopic({ title: "Library hours", status: "proposed" });
    const coffee = await savePatron({ tierId: "coffee" });
    const cocreator = await savePatron({ tierId: "co-creator" });
    await Votes.vote(coffee.subscriberId, open.id);
    await Votes.vote(cocreator.subscriberId, open.id, new Date(Date.now() - 3 * 86_400_000));
    const cookie = await dashboardCookie("editor");

    const page = await dashboardGet(cookie, "/editor/topics");
    expect(page.status).toBe(200);
    expect(page.headers.get("cache-control")).toBe("no-store");
    const html = await page.text();
    expect(html).toContain("Night buses");
    expect(html).toContain("Library hours");
    expect(html).toContain("Score 4 from 2 voters");
    expect(html).toMatch(/Coffee 1 \(1 voter\); Co-creator 3 \(1 voter\)/);
    expect(html).toContain("€0 of €500 raised from 0 contributions");
    expect(html).toContain(`action="/editor/topics/${proposed.id}/status"`);

    const topicPage = await dashboardGet(cookie, `/editor/topics/${open.id}`);
    expect(topicPage.status).toBe(200);
    const one = await topicPage.text();
    expect(one).toContain('id="votes-over-time"');
    expect(one).toContain("<svg");
    // Cumulative by the day each vote was cast: 1 three days ago, 2 today.
    const rows = [...one.matchAll(/<tr><th scope="row">([^<]+)<\/th><td>(\d+)<\/td><td>(\d+)<\/td><\/tr>/g)].map((m) => [m[2], m[3]]);
    expect(rows).toHaveLength(90);
    expect(rows.at(-1)).toEqual(["2", "2"]);
    expect(rows.at(-4)).toEqual(["1", "1"]);
    expect(rows.at(-5)).toEqual(["0", "0"]);

    expect((await dashboardGet(cookie, "/editor/topics/no-such-topic")).status).toBe(404);
    expect((await dashboardGet(cookie, "/editor/topics/Not_A_Topic")).status).toBe(400);
  });
});

describe("the topics' forms", () => {
  it("approves a proposal (opens it), closes and reopens a topic; twice is the same; the audit log has each", async () => {
    const proposal = await createTopic({ title: "Tram line 5", status: "proposed" });
    const cookie = await dashboardCookie("editor");
    for (let i = 0; i < 2; i++) {
      const approved = await dashboardPost(cookie, `/editor/topics/${proposal.id}/status`, { status: "open" });
      expect(approved.status).toBe(303);
      expect(approved.headers.get("location")).toBe(`/editor/topics?done=opened#topic-${proposal.id}`);
      expect((await reported(proposal.id)).topic).toMatchObject({ status: "open" });
    }
    const publicTopics = (await (await request("/api/topics")).json()) as { topics: Array<{ id: string; status: string }> };
    expect(publicTopics.topics.find((topic) => topic.id === proposal.id)).toMatchObject({ status: "open" });

    expect((await dashboardPost(cookie, `/editor/topics/${proposal.id}/status`, { status: "closed" })).status).toBe(303);
    expect((await reported(proposal.id)).topic).toMatchObject({ status: "closed" });
    const shown = await (await dashboardGet(cookie, "/editor/topics?done=closed")).text();
    expect(shown).toContain("Voting on the topic closed.");

    const audit = await auditOf(`id=${proposal.id} status=`);
    expect(audit.map((entry) => entry.target)).toEqual(
      expect.arrayContaining([`id=${proposal.id} status=open`, `id=${proposal.id} status=closed`]),
    );
    expect(audit[0]).toMatchObject({ who: TEST_EDITORS.editor, via: "dashboard", action: "POST /editor/topics/:id/status", status: 303 });
  });

  it("marks a topic covered with chosen and typed articles; twice is the same; without articles or with an unknown one it is 400 and nothing changes", async () => {
    const topic = await createTopic({ title: "Flood defences" });
    const [first, second] = [await createArticle({ topics: [topic.id] }), await createArticle({ topics: [topic.id] })];
    const cookie = await dashboardCookie("editor");

    const picker = await (await dashboardGet(cookie, `/editor/topics/${topic.id}`)).text();
    expect(picker).toContain(`value="${first.id}"`);

    const before = await reported(topic.id);
    const bad: Array<Record<string, string | string[]>> = [{}, { articleIds: [] }, { otherIds: " , " }, { articleIds: [first.id, "never-published"] }];
    for (const fields of bad) {
      const refused = await dashboardPost(cookie, `/editor/topics/${topic.id}/covered`, fields);
      expect(refused.status).toBe(400);
      expect(refused.headers.get("content-type")).toMatch(/text\/html/);
    }
    expect((await reported(topic.id)).topic).toEqual(before.topic);

    for (let i = 0; i < 2; i++) {
      const covered = await dashboardPost(cookie, `/editor/topics/${topic.id}/covered`, { articleIds: [first.id], otherIds: ` ${second.id} ` });
      expect(covered.status).toBe(303);
      expect(covered.headers.get("location")).toBe(`/editor/topics/${topic.id}?done=covered`);
    }
    const after = await reported(topic.id);
    expect(after.topic).toMatchObject({ status: "covered", articleIds: [first.id, second.id] });
    expect(after.votes.topic).toMatchObject({ status: "covered" });
    const page = await (await dashboardGet(cookie, `/editor/topics/${topic.id}?done=covered`)).text();
    expect(page).toContain("Topic marked covered.");
    expect((await auditOf(`id=${topic.id} covered=`)).length).toBe(2);

    expect((await dashboardPost(cookie, "/editor/topics/no-such-topic/covered", { articleIds: [first.id] })).status).toBe(404);
    expect(await Db.Topics.get("no-such-topic")).toBeUndefined();
  });

  it("sets and removes a funding goal as the API's fundingGoal; a bad amount is 400 and changes nothing", async () => {
    const topic = await createTopic({ title: "School meals" });
    const cookie = await dashboardCookie("editor");
    for (let i = 0; i < 2; i++) {
      const set = await dashboardPost(cookie, `/editor/topics/${topic.id}/funding`, { action: "set", goal: "1250.50" });
      expect(set.status).toBe(303);
      expect((await (await request(`/api/topics/${topic.id}/funding`)).json()) as object).toMatchObject({ goal: 125_050, raised: 0 });
    }
    for (const goal of ["", "0", "-5", "12.345", "lots", "99999999999"]) {
      expect((await dashboardPost(cookie, `/editor/topics/${topic.id}/funding`, { action: "set", goal })).status, goal).toBe(400);
    }
    expect((await dashboardPost(cookie, `/editor/topics/${topic.id}/funding`, { action: "raise", goal: "5" })).status).toBe(400);
    expect((await Db.Topics.get(topic.id))?.fundingGoal).toBe(125_050);

    const removed = await dashboardPost(cookie, `/editor/topics/${topic.id}/funding`, { action: "remove", goal: "whatever" });
    expect(removed.status).toBe(303);
    expect(removed.headers.get("location")).toBe(`/editor/topics/${topic.id}?done=goal-removed`);
    expect((await (await request(`/api/topics/${topic.id}/funding`)).json()) as object).toMatchObject({ goal: null });
    expect((await auditOf(`id=${topic.id} fundingGoal=`)).map((entry) => entry.target)).toContain(`id=${topic.id} fundingGoal=none`);
  });

  it("creates a topic, open for votes; the same again changes nothing; another topic's id is 409; a bad id or no title is 400", async () => {
    const id = uniqueSlug("dashboard-topic");
    const cookie = await dashboardCookie("editor");
    for (let i = 0; i < 2; i++) {
      const created = await dashboardPost(cookie, "/editor/topics", { id, title: "Cycle lanes", description: "Where they end" });
      expect(created.status).toBe(303);
      expect(created.headers.get("location")).toBe(`/editor/topics?done=created#topic-${id}`);
    }
    const { topic } = await reported(id);
    expect(topic).toMatchObject({ title: "Cycle lanes", description: "Where they end", status: "open" });

    const taken = await dashboardPost(cookie, "/editor/topics", { id, title: "Something else" });
    expect(taken.status).toBe(409);
    const bad: Array<Record<string, string>> = [{ id: "Bad Id", title: "X" }, { id: uniqueSlug("untitled"), title: "  " }, { title: "No id" }];
    for (const fields of bad) {
      expect((await dashboardPost(cookie, "/editor/topics", fields)).status).toBe(400);
    }
    expect(await Db.Topics.get(id)).toEqual(topic);
    expect((await auditOf(`id=${id}`)).length).toBe(2);
  });

  it("refuses a POST from another site (403) and a POST without a session; changes nothing", async () => {
    const topic = await createTopic({ title: "Harbour", status: "proposed" });
    const cookie = await dashboardCookie("admin");
    for (const origin of ["https://evil.example", "null"]) {
      const refused = await request(`/editor/topics/${topic.id}/status`, {
        method: "POST",
        headers: { cookie: `tidings_editor=${cookie}`, origin, "content-type": "application/x-www-form-urlencoded" },
        body: "status=open",
      });
      expect(refused.status).toBe(403);
    }
    const signedOut = await request(`/editor/topics/${topic.id}/status`, {
      method: "POST",
      headers: { origin: new URL(process.env.PUBLIC_URL!).origin, "content-type": "application/x-www-form-urlencoded" },
      body: "status=open",
    });
    expect(signedOut.status).toBe(303);
    expect(signedOut.headers.get("location")).toBe("/editor/login");
    expect((await Db.Topics.get(topic.id))?.status).toBe("proposed");
    expect(await auditOf(`id=${topic.id}`)).toEqual([]);
  });
});

describe("the topics' pages in Ukrainian", () => {
  const inUkrainian = (cookie: string, path: string) => request(path, { headers: { cookie: `tidings_editor=${cookie}`, "accept-language": "uk" } });

  it("speaks Ukrainian to an editor whose browser asks for it: <html lang>, statuses, scores by plural, the chart's labels", async () => {
    const open = await createTopic({ title: "Night buses", fundingGoal: 50_000 });
    for (let i = 0; i < 2; i++) await Votes.vote((await savePatron({ tierId: "coffee" })).subscriberId, open.id);
    const cookie = await dashboardCookie("editor");

    const board = await inUkrainian(cookie, "/editor/topics");
    expect(board.status).toBe(200);
    expect(board.headers.get("content-language")).toBe("uk");
    const html = await board.text();
    expect(html).toContain('<html lang="uk"');
    expect(html).toContain("<h1>Теми</h1>");
    expect(html).toMatch(/Відкриті для голосування \(\d+\)/);
    expect(html).toContain("Рейтинг 2 від 2 меценатів");
    expect(html).toContain("Назва (англійська мова)");
    expect(html).toContain("Назва (українська мова, необов&#39;язково)");
    expect(html).not.toContain("Create the topic");
    expect(html).toContain("Назви (українська мова) ще немає");

    const one = await (await inUkrainian(cookie, `/editor/topics/${open.id}`)).text();
    expect(one).toContain('<html lang="uk"');
    expect(one).toContain("Чинні голоси за днем, коли їх віддали");
    expect(one).toContain("З них зараховуються зараз");
    expect(one).toContain("Назви іншими мовами");
    expect(one).toMatch(/<th scope="row">\d{1,2} [а-яі]+\.?<\/th>/); // "5 груд.": the day as Ukrainian writes it
    expect(one).not.toContain("Votes held now");
  });

  it("saves a topic's Ukrainian title from the create form and from its page; an empty one removes it", async () => {
    const id = uniqueSlug("dashboard-translated");
    const cookie = await dashboardCookie("editor");
    const created = await dashboardPost(cookie, "/editor/topics", { id, title: "Cycle lanes", "title.uk": "Велосмуги", "description.uk": "Де вони уриваються" });
    expect(created.status).toBe(303);
    expect((await Db.Topics.get(id))?.translations).toEqual({ uk: { title: "Велосмуги", description: "Де вони уриваються" } });

    const renamed = await dashboardPost(cookie, `/editor/topics/${id}/translations`, { "title.uk": "Велодоріжки", "description.uk": "" });
    expect(renamed.status).toBe(303);
    expect(renamed.headers.get("location")).toBe(`/editor/topics/${id}?done=translated#translations`);
    expect((await Db.Topics.get(id))?.translations).toEqual({ uk: { title: "Велодоріжки" } });
    expect(await (await dashboardGet(cookie, `/editor/topics/${id}`)).text()).toContain('value="Велодоріжки"');
    expect(await (await dashboardGet(cookie, "/editor/topics")).text()).toContain('Ukrainian: <span lang="uk">Велодоріжки</span>');

    expect((await dashboardPost(cookie, `/editor/topics/${id}/translations`, { "title.uk": "", "description.uk": "Без назви" })).status).toBe(400);
    expect((await Db.Topics.get(id))?.translations).toEqual({ uk: { title: "Велодоріжки" } });
    expect((await dashboardPost(cookie, `/editor/topics/${id}/translations`, { "title.uk": "" })).status).toBe(303);
    expect((await Db.Topics.get(id))?.translations).toBeUndefined();
    const audited = (await auditOf(`id=${id} translations=`)).map((entry) => entry.target);
    expect(audited.sort()).toEqual([`id=${id} translations=none`, `id=${id} translations=uk`]);
  });
});
