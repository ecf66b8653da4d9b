import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync, deflateSync } from "node:zlib";
import { zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { Canary } from "./canary.ts";
import { ContentScanner, ScanLedger, type ContentHit, type ScanBounds } from "./content-scanner.ts";

// testdata/forms holds one .npmrc with this token, written out by the real tools (base64, xxd,
// od, hexdump, gzip, bzip2, xz, zstd, zip, tar) in the forms a person could decode it from.
const canary = new Canary("npm_tok_8d1c2b3a4f5e6d7c8b9a");
const forms = new URL("./testdata/forms/", import.meta.url).pathname;

async function scan(
  bytes: Buffer,
  options: { chunk?: number; bounds?: Partial<ScanBounds>; token?: Canary } = {},
): Promise<{ hits: readonly ContentHit[]; ledger: ScanLedger }> {
  const ledger = new ScanLedger({
    maxDepth: 6,
    maxDecodedBytes: 64 * 1024 ** 2,
    maxEntries: 1000,
    ...options.bounds,
  });
  const scanner = new ContentScanner(options.token ?? canary, ledger);
  const size = options.chunk ?? 65536;
  for (let at = 0; at < bytes.length; at += size) await scanner.write(bytes.subarray(at, at + size));
  await scanner.end();
  return { hits: scanner.found, ledger };
}

const EXPECTED: Record<string, { within: string[]; encoding: RegExp }> = {
  "npmrc.txt": { within: [], encoding: /^plain$/ },
  "base64-76.txt": { within: [], encoding: /^base64\+\d \(wrapped\)$/ },
  "base64-64.txt": { within: [], encoding: /^base64\+\d \(wrapped\)$/ },
  "base64-20-crlf.txt": { within: [], encoding: /^base64\+\d \(wrapped\)$/ },
  // This token has no + or /: its base64url is its base64.
  "base64url-50.txt": { within: [], encoding: /^base64(url)?\+\d \(wrapped\)$/ },
  // 60 columns: the token's hex fits on one line here, so the plain search finds it first.
  "xxd-p.txt": { within: [], encoding: /^hex/ },
  "xxd.txt": { within: [], encoding: /^hex \(spaced/ },
  "xxd-upper-g1.txt": { within: [], encoding: /^hex \(spaced/ },
  "xxd-i.h": { within: [], encoding: /^hex \(spaced/ },
  "od-an-tx1.txt": { within: [], encoding: /^hex \(spaced/ },
  "od-tx1z.txt": { within: [], encoding: /^hex \(spaced/ },
  "od-x.txt": { within: [], encoding: /^hex \(16-bit words/ },
  "hexdump.txt": { within: [], encoding: /^hex \(16-bit words/ },
  "hexdump-C.txt": { within: [], encoding: /^hex \(spaced/ },
  "hex-colon.txt": { within: [], encoding: /^hex \(spaced/ },
  "url-all.txt": { within: [], encoding: /^plain \(escaped\)$/ },
  "json-u.json": { within: [], encoding: /^plain \(escaped\)$/ },
  "printf-x.sh": { within: [], encoding: /^plain \(escaped\)$/ },
  "printf-octal.sh": { within: [], encoding: /^plain \(escaped\)$/ },
  "npmrc.gz": { within: ["gzip"], encoding: /^plain$/ },
  "npmrc.zlib": { within: ["zlib"], encoding: /^plain$/ },
  "npmrc.bz2": { within: ["bzip2"], encoding: /^plain$/ },
  "npmrc.xz": { within: ["xz"], encoding: /^plain$/ },
  "npmrc.zst": { within: ["zstd"], encoding: /^plain$/ },
  "npmrc.tar": { within: ["tar:secrets/.npmrc"], encoding: /^plain$/ },
  "npmrc.tgz": { within: ["gzip", "tar:secrets/.npmrc"], encoding: /^plain$/ },
  "npmrc.zip": { within: ["zip:secrets/.npmrc"], encoding: /^plain$/ },
  "nested.zip": { within: ["zip:inner.tgz", "gzip", "tar:secrets/.npmrc"], encoding: /^plain$/ },
  "nested.zip.xz": {
    within: ["xz", "zip:inner.tgz", "gzip", "tar:secrets/.npmrc"],
    encoding: /^plain$/,
  },
};

describe("content scanner: every form the real tools write", () => {
  it("has a case for each captured file", async () => {
    expect((await readdir(forms)).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [file, expected] of Object.entries(EXPECTED)) {
    for (const chunk of [65536, 7, 1]) {
      it(`${file}, in chunks of ${chunk}`, async () => {
        const { hits, ledger } = await scan(await readFile(join(forms, file)), { chunk });
        const hit = hits.find((h) => h.within.join("|") === expected.within.join("|"));
        expect(hit, JSON.stringify(hits)).toBeDefined();
        expect(
          hit?.encodings.some((e) => expected.encoding.test(e)),
          JSON.stringify(hit),
        ).toBe(true);
        expect(ledger.limits).toEqual([]);
      });
    }
    it(`${file} does not match another token`, async () => {
      const { hits } = await scan(await readFile(join(forms, file)), {
        token: new Canary("npm_tok_0000111122223333aaaa"),
      });
      expect(hits).toEqual([]);
    });
  }
});

describe("content scanner: bounds and broken input", () => {
  it("reports the decoded-size bound, and still finds what came before it", async () => {
    const bomb = gzipSync(
      Buffer.concat([Buffer.from(`token=${canary.value}\n`), Buffer.alloc(8 * 1024 ** 2)]),
    );
    const { hits, ledger } = await scan(bomb, { bounds: { maxDecodedBytes: 1024 ** 2 } });
    expect(hits.map((h) => h.within)).toEqual([["gzip"]]);
    expect(ledger.limits.join("\n")).toMatch(/decoded-size bound \(1 MiB\) at gzip/);
  });

  it("reports the nesting bound", async () => {
    let nested = Buffer.from(`token=${canary.value}`);
    for (let i = 0; i < 4; i++) nested = gzipSync(nested);
    const { hits, ledger } = await scan(nested, { bounds: { maxDepth: 2 } });
    expect(hits).toEqual([]);
    expect(ledger.limits.join("\n")).toMatch(/nesting bound/);
    const deep = await scan(nested, { bounds: { maxDepth: 4 } });
    expect(deep.hits.map((h) => h.within)).toEqual([["gzip", "gzip", "gzip", "gzip"]]);
  });

  it("reports the archive-entry bound", async () => {
    const files: Record<string, Uint8Array> = {};
    for (let i = 0; i < 30; i++) files[`f${i}`] = Buffer.from("x");
    files["z-last"] = Buffer.from(canary.value);
    const { ledger } = await scan(Buffer.from(zipSync(files)), { bounds: { maxEntries: 10 } });
    expect(ledger.limits.join("\n")).toMatch(/archive-entry bound \(10\)/);
  });

  it("searches a corrupt container as it is and goes on", async () => {
    const good = gzipSync(Buffer.alloc(100_000, "a"));
    const corrupt = Buffer.concat([good.subarray(0, 40), Buffer.from(`garbage ${canary.value}`)]);
    const { hits, ledger } = await scan(corrupt);
    expect(hits.map((h) => h.within)).toEqual([[]]);
    expect(ledger.undecodable).toBe(1);
    const zlib = await scan(deflateSync(Buffer.from(`x ${canary.value}`)));
    expect(zlib.hits.map((h) => h.within)).toEqual([["zlib"]]);
  });

  it("finds the token in an entry name", async () => {
    const { hits } = await scan(Buffer.from(zipSync({ [`tokens/${canary.value}`]: Buffer.from("x") })));
    const named = hits.find((h) => h.within.join() === `zip:tokens/${canary.value}`);
    expect(named?.encodings).toContain("plain (entry name)");
  });

  it("finds nothing in harmless compressed files and base64 text", async () => {
    const text = Buffer.from(
      Buffer.alloc(50_000, "lorem ipsum 0123456789abcdef ").toString("base64").replace(/.{76}/g, "$&\n"),
    );
    for (const bytes of [
      text,
      gzipSync(text),
      Buffer.from(zipSync({ "a.txt": text, "b.gz": gzipSync(text) })),
    ]) {
      const { hits, ledger } = await scan(bytes);
      expect(hits).toEqual([]);
      expect(ledger.limits).toEqual([]);
    }
  });
});
