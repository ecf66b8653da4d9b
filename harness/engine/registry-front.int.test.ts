import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { connect } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { spawnDaemon } from "../exec/daemon.ts";
import { freePort } from "../util/free-port.ts";
import { answers, waitUntil } from "../util/wait-until.ts";
import { findExecutable } from "./host-tools.ts";
import { startRegistryFront } from "./registry-front.ts";

const digest = (body: Buffer): string => `sha256:${createHash("sha256").update(body).digest("hex")}`;
const MANIFEST = "application/vnd.oci.image.manifest.v1+json";

/**
 * What dockerd's push does to a tag, harder: two writers PUT manifests to it while two readers
 * HEAD it. Counts the answers by method and status.
 */
async function hammer(base: string, ms: number): Promise<Record<string, number>> {
  const config = Buffer.from("{}");
  const upload = await fetch(`${base}/blobs/uploads/`, { method: "POST" });
  const location = upload.headers.get("location") ?? "";
  await upload.arrayBuffer();
  const url = new URL(location, base);
  url.searchParams.set("digest", digest(config));
  const put = await fetch(url, { method: "PUT", body: config });
  expect(put.status).toBe(201);
  const manifests = [0, 1, 2, 3, 4, 5].map((n) =>
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MANIFEST,
      config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: digest(config), size: 2 },
      layers: [],
      annotations: { n: String(n) },
    }),
  );
  const counts: Record<string, number> = {};
  const count = (key: string): void => {
    counts[key] = (counts[key] ?? 0) + 1;
  };
  const until = Date.now() + ms;
  const writer = async (): Promise<void> => {
    while (Date.now() < until)
      for (const body of manifests) {
        const r = await fetch(`${base}/manifests/tag`, {
          method: "PUT",
          headers: { "content-type": MANIFEST },
          body,
        });
        await r.arrayBuffer();
        count(`PUT ${r.status}`);
      }
  };
  const reader = async (): Promise<void> => {
    while (Date.now() < until) {
      const r = await fetch(`${base}/manifests/tag`, { method: "HEAD", headers: { accept: MANIFEST } });
      count(`HEAD ${r.status}`);
    }
  };
  await Promise.all([writer(), writer(), reader(), reader()]);
  return counts;
}

/** What the front answers to bytes sent as they are, up to its first reply. */
function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(text));
    socket.once("data", (data) => {
      resolve(data.toString("latin1"));
      socket.destroy();
    });
    socket.once("error", reject);
  });
}

const serverErrors = (counts: Record<string, number>): number =>
  Object.entries(counts)
    .filter(([k]) => /\s5\d\d$/.test(k))
    .reduce((t, [, n]) => t + n, 0);

describe("the run registry's front", () => {
  it("keeps HEADs of a tag from meeting its rewrite, where the bare registry answers 500", async () => {
    const binary = findExecutable("docker-registry") ?? findExecutable("registry");
    if (!binary) throw new Error("docker-registry is not installed (bash harness/engine/provision.sh)");
    const dir = await mkdtemp(join(tmpdir(), "bkg-front-test-"));
    const innerPort = await freePort("127.0.0.1");
    await writeFile(
      join(dir, "config.yml"),
      `version: 0.1\nlog: { level: error }\nstorage: { filesystem: { rootdirectory: ${join(dir, "data")} } }\nhttp: { addr: 127.0.0.1:${String(innerPort)} }\n`,
    );
    const daemon = spawnDaemon(binary, ["serve", join(dir, "config.yml")], {
      env: { PATH: "/usr/bin:/bin" },
      logFile: join(dir, "log"),
    });
    const front = await startRegistryFront("127.0.0.1", await freePort("127.0.0.1"), innerPort);
    try {
      expect(front).toBeDefined();
      expect(
        await waitUntil(() => answers(`http://127.0.0.1:${String(innerPort)}/v2/`), { timeoutMs: 15_000 }),
      ).toBe(true);
      // The race is real: straight to the registry, some HEADs read a half-written link.
      const bare = await hammer(`http://127.0.0.1:${String(innerPort)}/v2/bare`, 1000);
      expect(serverErrors(bare), JSON.stringify(bare)).toBeGreaterThan(0);
      const fronted = await hammer(`http://127.0.0.1:${String(front?.port)}/v2/fronted`, 1000);
      expect(serverErrors(fronted), JSON.stringify(fronted)).toBe(0);
      expect(fronted["HEAD 200"] ?? 0).toBeGreaterThan(0);
      expect(fronted["PUT 201"] ?? 0).toBeGreaterThan(0);
      // A request line no URL parser accepts gets an answer, and the front goes on serving.
      const answer = await rawRequest(
        front?.port ?? 0,
        "GET http://[::1/v2/x/manifests/t HTTP/1.1\r\nHost: x\r\n\r\n",
      );
      expect(answer).toMatch(/^HTTP\/1\.1 \d{3}/);
      expect(await answers(`http://127.0.0.1:${String(front?.port)}/v2/`)).toBe(true);
    } finally {
      await front?.close();
      await daemon.stop(5000);
      await rm(dir, { recursive: true, force: true });
    }
  });
});
