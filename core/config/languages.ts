/** `LANGUAGES`: the languages readers may choose, each with a catalogue in core/i18n; the first is the default. */
import * as z from "zod";
import * as I18n from "../i18n";

export const languages = z
  .string()
  .default("en,uk")
  .transform((value) => [...new Set(value.split(",").map((code) => code.trim().toLowerCase()).filter(Boolean))])
  .refine((codes) => codes.length > 0, "at least one language, such as en,uk")
  .refine(
    (codes) => codes.every(I18n.isAvailable),
    `each a language with a catalogue in core/i18n/messages (${I18n.available.join(", ")})`,
  );
