/** Settings and the input of the digest rendering tests (no network); their articles and topics come from the factories. */
import { afterAll, beforeEach } from "vitest";
import * as Config from "../../core/config";
import type { PrepareInput } from "../../core/digests/render";
import { makeArticle } from "./factories/articles";
import { makeTopic } from "./factories/topics";

export const tiers = [
  { id: "coffee", name: "Coffee", priceId: "price_c", amount: 500, currency: "eur", interval: "month", voteWeight: 1 },
  { id: "co-creator", name: "Co-creator", priceId: "price_cc", amount: 1500, currency: "eur", interval: "month", voteWeight: 3 },
  { id: "yearly", name: "Yearly", priceId: "price_y", amount: 5000, currency: "eur", interval: "year", voteWeight: 3 },
];

export const settings = {
  PUBLIC_URL: "https://news.example.org",
  SIGNING_SECRET: "digest-render-test-secret-0123456789abcdef",
  MAIL_FROM: "The Harbour Gazette <news@example.org>",
  POSTAL_ADDRESS: "1 Quay Street, Harbourtown HT1 2AB",
  OUTLET_NAME: "The Harbour Gazette",
  TABLE_NAME: "unit-digest-render",
  TIERS: JSON.stringify(tiers),
};

export function configure(): void {
  Object.assign(process.env, settings);
  delete process.env.SIGNING_SECRET_PREVIOUS;
  Config.reset();
}

/** Call at the top of a rendering test file: `configure()` before each test; the environment put back after the file. */
export function useRenderSettings(): void {
  const saved = { ...process.env };
  beforeEach(() => configure());
  afterAll(() => {
    process.env = saved;
    Config.reset();
  });
}

/** A digest of a few articles on harbour, council and transport, one of them on two topics. */
export function makeInput(overrides: Partial<PrepareInput> = {}): PrepareInput {
  return {
    digest: { id: "weekly-2026-W48", frequency: "weekly", period: "2026-W48", subject: "This week in the harbour", intro: "Hello from the newsroom.\n\nA second paragraph." },
    articles: [
      makeArticle({ id: "ferry", topics: ["harbour", "transport"], publishedAt: "2026-11-29T10:00:00.000Z" }),
      makeArticle({ id: "storm", topics: ["harbour"], publishedAt: "2026-11-28T10:00:00.000Z" }),
      makeArticle({ id: "budget", topics: ["council"], publishedAt: "2026-11-27T10:00:00.000Z", author: undefined }),
      makeArticle({ id: "bus", topics: ["transport"], publishedAt: "2026-11-26T10:00:00.000Z", summary: undefined }),
    ],
    topics: [makeTopic({ id: "harbour" }), makeTopic({ id: "council" }), makeTopic({ id: "transport" }), makeTopic({ id: "schools" })],
    variant: "free",
    openTopics: [
      { id: "housing", title: "Housing", status: "open", score: 12, voters: 5 },
      { id: "night-buses", title: "Night buses", status: "open", score: 4, voters: 2 },
      { id: "closed-one", title: "Closed", status: "closed", score: 99, voters: 40 },
    ],
    tiers: Config.get().TIERS,
    outlet: { name: "The Harbour Gazette", postalAddress: "1 Quay Street, Harbourtown HT1 2AB" },
    now: new Date("2026-11-30T09:00:00.000Z"),
    ...overrides,
  };
}

/** Every href in the HTML, unescaped. */
export function hrefs(html: string): string[] {
  return [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!.replace(/&amp;/g, "&"));
}

/** The token of the link to `path` (`/unsubscribe`, `/vote`, …), from every such link in the HTML. */
export function tokensOf(html: string, path: string): string[] {
  return hrefs(html)
    .filter((href) => new URL(href).pathname === path)
    .map((href) => new URL(href).searchParams.get("token")!);
}
