/**
 * `EDITORS`: who may sign in to the dashboard (`/editor`), `email:role,…`, roles `editor` and `admin`. Only admins
 * import, export, erase or grant comps, and read the audit log. Addresses are compared lower-cased; an address
 * listed twice is refused (which role would it have?). A refusal names the entry by its position.
 */
import * as z from "zod";

export const editorRoles = ["editor", "admin"] as const;
export type EditorRole = (typeof editorRoles)[number];

export interface EditorAccount {
  email: string;
  role: EditorRole;
}

const ENTRY = /^([^\s,:@]+@[^\s,:@]+\.[^\s,:@]+):(editor|admin)$/i;

export const editors = z
  .string()
  .default("")
  .transform((value, ctx) => {
    const accounts: EditorAccount[] = [];
    const entries = value
      .split(",")
      .map((part) => part.trim())
      .filter(Boolean);
    for (const [i, entry] of entries.entries()) {
      const match = ENTRY.exec(entry);
      if (!match) {
        ctx.addIssue({ code: "custom", message: `entry ${i + 1} is not email:role (role editor or admin)` });
        continue;
      }
      const email = match[1]!.toLowerCase();
      if (accounts.some((account) => account.email === email)) {
        ctx.addIssue({ code: "custom", message: `entry ${i + 1} repeats the address of an earlier entry` });
        continue;
      }
      accounts.push({ email, role: match[2]!.toLowerCase() as EditorRole });
    }
    return accounts;
  });
