import { describe, expect, it } from "vitest";
import { csvFields, formatAttributes, formatCsvRecord, parseAttributes } from "./csv-fields.ts";

describe("option strings as buildx reads and writes them", () => {
  it("reads back exactly the fields written, whatever they hold", () => {
    const hostile = [
      "id=npm",
      'src=secret.txt",src=/etc/shadow',
      "src=a,src=/root/.ssh/id_rsa",
      'ref=r/x:cache"',
      " leading",
      "line\nbreak",
      "",
      "plain=value",
    ];
    expect(csvFields(formatCsvRecord(hostile))).toEqual(hostile);
  });

  it("keeps a key's = when its value is empty, and never lets a key or value add a field", () => {
    const attributes = { type: "registry", ref: "r/x:cache,type=local,dest=/root/x", mode: "max" };
    const text = formatAttributes(attributes) ?? "";
    expect(parseAttributes(text)).toEqual(attributes);
    expect(csvFields(text)).toHaveLength(3);
    expect(formatAttributes({ type: "local", dest: "" })).toBe("type=local,dest=");
    // A key buildx would read otherwise is not written at all.
    expect(formatAttributes({ type: "registry", "ref,type=local,dest": "/root/x" })).toBeUndefined();
    expect(formatAttributes({ type: "registry", " Dest": "/root/x" })).toBeUndefined();
  });

  it("leaves plain fields as they are", () => {
    expect(formatCsvRecord(["type=registry", "ref=host:5000/shop/api:cache", "mode=max"])).toBe(
      "type=registry,ref=host:5000/shop/api:cache,mode=max",
    );
  });
});
