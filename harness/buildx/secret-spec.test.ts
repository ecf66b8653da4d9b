import { describe, expect, it } from "vitest";
import { parseAttributes } from "../util/csv-fields.ts";
import { secretSpec } from "./build-command.ts";

describe("a --secret as buildx reads it", () => {
  it("names the vetted file only, though its name holds commas, quotes and src= of its own", () => {
    for (const src of ["/sub/a,src=/etc/shadow", '/sub/a",src=/etc/shadow', '/sub/"a"', "/sub/plain.txt"]) {
      const spec = secretSpec({ id: "npm", src });
      expect(parseAttributes(spec)).toEqual({ id: "npm", src });
    }
    expect(secretSpec({ id: "npm", src: "/sub/plain.txt" })).toBe("id=npm,src=/sub/plain.txt");
    expect(parseAttributes(secretSpec({ id: "tok", env: "NPM_TOKEN" }))).toEqual({
      id: "tok",
      env: "NPM_TOKEN",
    });
  });
});
