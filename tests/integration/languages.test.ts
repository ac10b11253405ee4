/**
 * Which language a page speaks: `?lang=` (remembered in a cookie), then the cookie, then `Accept-Language`, then the
 * first of LANGUAGES; `<html lang>`, `Content-Language` and the switch to every other language agree.
 */
import { describe, expect, it } from "vitest";
import { LANGUAGE_COOKIE } from "../../functions/api/language";
import { request } from "../helpers/http";
import { useLocalStack } from "../helpers/local";

useLocalStack();

const page = (path: string, headers: Record<string, string> = {}) => request(path, { headers: { accept: "text/html", ...headers } });

async function spoken(response: Response) {
  const html = await response.text();
  return {
    htmlLang: html.match(/<html lang="([^"]*)"/)?.[1],
    contentLanguage: response.headers.get("content-language"),
    // The switch names each other language in itself and links to this page in it.
    switchTo: [...html.matchAll(/<a href="([^"]*)" hreflang="([^"]*)" lang="([^"]*)">([^<]*)<\/a>/g)].map((m) => ({ href: m[1]!.replaceAll("&amp;", "&"), code: m[2], name: m[4] })),
    skip: html.match(/<a class="skip" href="#main">([^<]*)</)?.[1],
  };
}

describe("a page's language", () => {
  it("is the default (English) without any hint, with a switch to Ukrainian", async () => {
    const response = await page("/login");
    expect(response.status).toBe(200);
    const result = await spoken(response);
    expect(result).toMatchObject({ htmlLang: "en", contentLanguage: "en", skip: "Skip to the content" });
    expect(result.switchTo).toEqual([{ href: "/login?lang=uk", code: "uk", name: "Українська" }]);
    expect(response.headers.get("vary")).toMatch(/Accept-Language/);
    expect(response.headers.get("set-cookie")).toBeNull();
  });

  it("follows Accept-Language, by quality and by prefix, without setting a cookie", async () => {
    const response = await page("/login", { "accept-language": "de-DE,uk-UA;q=0.9,en;q=0.8" });
    const result = await spoken(response);
    expect(result).toMatchObject({ htmlLang: "uk", contentLanguage: "uk", skip: "Перейти до змісту" });
    expect(result.switchTo).toEqual([{ href: "/login?lang=en", code: "en", name: "English" }]);
    expect(response.headers.get("set-cookie")).toBeNull();
    expect((await spoken(await page("/login", { "accept-language": "de, fr;q=0.5" }))).htmlLang).toBe("en");
  });

  it("follows ?lang= over Accept-Language and remembers it in a cookie, which then outranks Accept-Language", async () => {
    const asked = await page("/login?lang=uk", { "accept-language": "en" });
    expect(await spoken(asked)).toMatchObject({ htmlLang: "uk", contentLanguage: "uk" });
    const cookie = asked.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(new RegExp(`^${LANGUAGE_COOKIE}=uk;`));
    expect(cookie).toMatch(/SameSite=Lax/);

    const later = await page("/login", { "accept-language": "en", cookie: `${LANGUAGE_COOKIE}=uk` });
    expect((await spoken(later)).htmlLang).toBe("uk");
    // …and ?lang= switches back.
    expect((await spoken(await page("/login?lang=en", { cookie: `${LANGUAGE_COOKIE}=uk` }))).htmlLang).toBe("en");
  });

  it("ignores a language it does not speak, from any source", async () => {
    const response = await page("/login?lang=xx", { cookie: `${LANGUAGE_COOKIE}=zz`, "accept-language": "uk" });
    expect((await spoken(response)).htmlLang).toBe("uk");
    expect(response.headers.get("set-cookie")).toBeNull();
  });

  it("keeps the page's other query parameters in the switch's links", async () => {
    const result = await spoken(await page("/login?next=%2Ftopics&lang=en"));
    expect(result.switchTo[0]?.href).toBe("/login?next=%2Ftopics&lang=uk");
  });

  it("is said on error pages too", async () => {
    const response = await page("/no-such-page", { "accept-language": "uk" });
    expect(response.status).toBe(404);
    expect(await spoken(response)).toMatchObject({ htmlLang: "uk", contentLanguage: "uk" });
  });

  it("adds its Vary to the route's own, each name once", async () => {
    const response = await page("/topics");
    const names = (response.headers.get("vary") ?? "").split(",").map((name) => name.trim().toLowerCase());
    expect(names.sort()).toEqual(["accept-language", "cookie"]);
  });

  it("is not claimed for JSON", async () => {
    const response = await request("/api/topics", { headers: { "accept-language": "uk" } });
    expect(response.headers.get("content-type")).toMatch(/json/);
    expect(response.headers.get("content-language")).toBeNull();
  });
});
