import * as z from "zod"; // a namespace import lets esbuild drop the parts of zod never used
import { TOPIC_ID } from "../topics/types";

/** A published piece of the outlet, known by a stable id and URL. */
export interface Article {
  id: string;
  title: string;
  url: string;
  summary?: string;
  /** Topic ids; at least one. */
  topics: string[];
  author?: string;
  publishedAt: string;
  imageUrl?: string;
  /** The language it is written in (`LANGUAGES`); absent on articles stored before languages: the default. */
  language?: string;
  /** The id of the article this one translates (an original, in another language). */
  translationOf?: string;
  createdAt: string;
  updatedAt: string;
}

export const ARTICLE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

const httpUrl = z
  .url({ protocol: /^https?$/, message: "must be an absolute http(s) URL" })
  .max(2048);
const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((value) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(value), "must not contain control characters");

/** What an editor sends to upsert an article. */
export const articleInput = z.object({
  title: text(300),
  url: httpUrl,
  summary: text(2000).optional(),
  topics: z.array(z.string().regex(TOPIC_ID, "must be a topic id")).min(1).max(20),
  author: text(200).optional(),
  publishedAt: z.iso.datetime({ offset: true }).transform((value) => new Date(value).toISOString()),
  imageUrl: httpUrl.optional(),
  /** One of `LANGUAGES` (checked by `upsert`, which knows them); the default language when absent. */
  language: z.string().regex(/^[a-z]{2,3}$/, "must be a language code (en, uk)").optional(),
  translationOf: z.string().regex(ARTICLE_ID, "an article id").optional(),
});
export type ArticleInput = z.output<typeof articleInput>;
