/** Editor requests in process, with the test editor tokens (tests/helpers/local.ts sets EDITOR_TOKENS). */
import type { EditorScope } from "../../core/config";
import { request } from "./http";
import { TEST_EDITOR_TOKENS } from "./local";

/** The admin token (named `editor`): every editor route takes it. */
export const EDITOR_TOKEN: string = TEST_EDITOR_TOKENS.admin;
/** A token of each scope. */
export const EDITOR_TOKENS_BY_SCOPE: Record<EditorScope, string> = TEST_EDITOR_TOKENS;

export function editor(method: string, path: string, body?: unknown) {
  return editorWith(EDITOR_TOKEN, method, path, body);
}

/** An editor request with the token of `scope`. */
export const editorAs = (scope: EditorScope, method: string, path: string, body?: unknown) =>
  editorWith(EDITOR_TOKENS_BY_SCOPE[scope], method, path, body);

function editorWith(token: string, method: string, path: string, body?: unknown) {
  return request(path, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
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
