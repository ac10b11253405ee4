import { describe, expect, it } from "vitest";
import { editors } from "../../../core/config/editors";

describe("EDITORS", () => {
  it("reads email:role entries, addresses lower-cased, roles editor and admin", () => {
    expect(editors.parse(" Chief@Newsroom.example:admin , writer@newsroom.example:EDITOR ")).toEqual([
      { email: "chief@newsroom.example", role: "admin" },
      { email: "writer@newsroom.example", role: "editor" },
    ]);
    expect(editors.parse(undefined)).toEqual([]);
  });

  it("refuses an entry that is not email:role, or repeats an address, naming it by its position", () => {
    const problems = (value: string) => {
      const result = editors.safeParse(value);
      return result.success ? [] : result.error.issues.map((issue) => issue.message);
    };
    expect(problems("a@b.example:owner")).toEqual(["entry 1 is not email:role (role editor or admin)"]);
    expect(problems("a@b.example:admin,not-an-address:editor")).toEqual(["entry 2 is not email:role (role editor or admin)"]);
    expect(problems("a@b.example:admin,A@B.example:editor")).toEqual(["entry 2 repeats the address of an earlier entry"]);
    expect(problems("a@b.example")).toHaveLength(1);
  });
});
