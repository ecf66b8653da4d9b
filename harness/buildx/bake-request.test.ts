import { mkdtemp, mkdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BakeTarget } from "./bake-definition.ts";
import { redactOutside } from "./bake-command.ts";
import { vetBakeTarget } from "./bake-request.ts";
import { bakeTarget } from "./testing/bake-target.ts";

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "bake-request-"));
  await mkdir(join(root, "app"));
  await writeFile(join(root, ".npmrc"), "//r/:_authToken=x\n");
  await writeFile(join(root, "big"), Buffer.alloc(100_000));
  await symlink("/etc/hostname", join(root, "link"));
});
afterAll(() => rm(root, { recursive: true, force: true }));

const target = (over: Partial<BakeTarget> = {}): BakeTarget => bakeTarget(root, over);
const vet = (over: Partial<BakeTarget>) => vetBakeTarget(target(over), { root, secretEnv: ["NPM_TOKEN"] });

describe("a bake target is a request the grader vets", () => {
  it("accepts the context, Dockerfile and secrets of a correct submission", async () => {
    const result = await vet({
      context: join(root, "app"),
      dockerfile: "../Dockerfile",
      secrets: [
        { id: "npmrc", src: join(root, ".npmrc") },
        { id: "tok", env: "NPM_TOKEN" },
      ],
    });
    expect(result).toMatchObject({ ok: true, notes: [] });
  });

  it("refuses a context or Dockerfile outside the submission, without echoing host paths", async () => {
    const result = await vet({ context: "/etc", dockerfile: "../root/Dockerfile" });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.refusals).toEqual([
      "context: a path is outside the submission folder",
      "dockerfile: a path is outside the submission folder",
    ]);
    expect(JSON.stringify(result)).not.toMatch(/\/etc|\/root/);
  });

  it("refuses a remote context", async () => {
    const result = await vet({ remoteContext: "https://example.com/x.git" });
    expect(!result.ok && result.refusals[0]).toMatch(/remote context/);
  });

  it("refuses secrets from host files, links, oversized files and host variables", async () => {
    const result = await vet({
      secrets: [
        { id: "ssh", src: "/root/.ssh/id_rsa" },
        { id: "up", src: join(root, "../x") },
        { id: "link", src: join(root, "link") },
        { id: "big", src: join(root, "big") },
        { id: "gone", src: join(root, "nope") },
        { id: "home", env: "HOME" },
        { id: "", env: "NPM_TOKEN" },
      ],
    });
    expect(!result.ok && result.refusals).toEqual([
      "secret ssh: src a path is outside the submission folder",
      "secret up: src a path is outside the submission folder",
      "secret link: src link is not a regular file",
      "secret big: src big is 100000 bytes; a secret may be 65536 at most",
      "secret gone: src nope does not exist",
      "secret home: env=HOME is not a variable the grader provides (it provides NPM_TOKEN)",
      "secret (no id): an id is required (letters, digits, . _ -)",
    ]);
  });

  it("refuses ssh, named contexts, entitlements, network, the frontend arg and unknown settings", async () => {
    const result = await vet({
      ignored: ["ssh", "contexts", "entitlements", "network", "something-new"],
      args: { BUILDKIT_SYNTAX: "evil/frontend" },
    });
    expect(!result.ok && result.refusals.map((r) => r.split(":")[0])).toEqual([
      "args.BUILDKIT_SYNTAX",
      "ssh",
      "contexts",
      "entitlements",
      "network",
      "something-new",
    ]);
  });

  it("keeps no-cache and no-cache-filter, and refuses a filter that is no stage name", async () => {
    const kept = await vet({ noCache: true, noCacheFilter: ["deps"] });
    expect(kept).toMatchObject({ ok: true, notes: [], target: { noCache: true, noCacheFilter: ["deps"] } });
    const refused = await vet({ noCacheFilter: ["deps", "--push"] });
    expect(!refused.ok && refused.refusals).toEqual(['no-cache-filter: "--push" is not a stage name']);
  });

  it("replaces outputs, tags and caches with the grader's own, and says so", async () => {
    const result = await vet({ ignored: ["output", "tags", "cache-to", "cache-from"] });
    expect(result.ok).toBe(true);
    expect(result.notes).toHaveLength(4);
    expect(result.notes[0]).toMatch(/^output: not applied/);
  });
});

describe("bake's own errors", () => {
  it("do not tell which host files exist", () => {
    expect(
      redactOutside(
        "ERROR: failed to stat /root/.ssh/id_rsa: stat /root/.ssh/id_rsa: no such file",
        "/tmp/s",
      ),
    ).toBe(
      "ERROR: failed to stat <a path outside the submission>: stat <a path outside the submission>: no such file",
    );
    expect(redactOutside("failed to stat /tmp/s/secret.txt", "/tmp/s")).toBe("failed to stat secret.txt");
  });
});
