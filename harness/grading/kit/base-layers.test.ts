import { describe, expect, it } from "vitest";
import { refusesWrites } from "./base-layers.ts";

describe("a mirror trusted for base layers", () => {
  it("must refuse uploads; one that accepts them is not trusted, and its upload is given up", async () => {
    const calls: string[] = [];
    const answering =
      (status: number, headers: Record<string, string> = {}): typeof fetch =>
      (input, init) => {
        calls.push(
          `${init?.method ?? "GET"} ${new URL(input instanceof Request ? input.url : String(input)).pathname}`,
        );
        return Promise.resolve(new Response(null, { status, headers }));
      };
    expect(await refusesWrites("http://127.0.0.1:5000", answering(405))).toBe(true);
    // Refused without credentials only, or not a registry as expected: not trusted.
    expect(await refusesWrites("http://127.0.0.1:5000", answering(401))).toBe(false);
    expect(await refusesWrites("http://127.0.0.1:5000", answering(404))).toBe(false);
    expect(await refusesWrites("http://127.0.0.1:5000", answering(500))).toBe(false);
    calls.length = 0;
    expect(
      await refusesWrites(
        "http://127.0.0.1:5000",
        answering(202, { location: "/v2/bkg-write-probe/blobs/uploads/u1" }),
      ),
    ).toBe(false);
    expect(calls).toEqual([
      "POST /v2/bkg-write-probe/blobs/uploads/",
      "DELETE /v2/bkg-write-probe/blobs/uploads/u1",
    ]);
  });
});
