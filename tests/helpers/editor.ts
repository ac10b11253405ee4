/** Editor requests in process, with the test editor token (tests/helpers/local.ts sets EDITOR_TOKENS). */
import { request } from "./http";

export const EDITOR_TOKEN = "test-editor-token";

export function editor(method: string, path: string, body?: unknown) {
  return request(path, {
    method,
    headers: {
      authorization: `Bearer ${EDITOR_TOKEN}`,
      ...(body !== undefined && { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** Creates topics and articles (published within the last day) through the API, failing loudly if any is refused. */
export async function publish(
  topics: Record<string, string>,
  articles: Array<{ id: string; title: string; topics: string[]; summary?: string; author?: string }>,
) {
  for (const [id, title] of Object.entries(topics)) {
    const response = await editor("PUT", `/api/topics/${id}`, { title });
    if (response.status >= 300) throw new Error(`topic ${id}: ${response.status} ${await response.text()}`);
  }
  for (const [i, article] of articles.entries()) {
    const response = await editor("PUT", `/api/articles/${article.id}`, {
      url: `https://news.example.org/${article.id}`,
      publishedAt: new Date(Date.now() - (i + 1) * 60_000).toISOString(),
      ...article,
    });
    if (response.status >= 300) throw new Error(`article ${article.id}: ${response.status} ${await response.text()}`);
  }
}
