import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRunRegistry, type RunRegistry } from "../engine/run-registry.ts";
import { Cosign, type CosignKeyPair } from "./cosign.ts";
import { pushTinyIndex } from "./testing/push-index.ts";

// The grader's own checks for exercise 06, offline with a run's key pair on a run's registry:
// a signature by digest survives the tag moving; a verification by the moved tag does not
// find it; an attestation verifies only as its own predicate type.
describe("cosign on the run's registry", () => {
  let registry: RunRegistry;
  let dir: string;
  let cosign: Cosign;
  let keys: CosignKeyPair;
  let first: string;
  beforeAll(async () => {
    registry = await startRunRegistry();
    dir = await mkdtemp(join(tmpdir(), "cosign-test-"));
    cosign = new Cosign(dir);
    keys = await cosign.generateKeyPair(dir, "run-password");
    first = await pushTinyIndex(registry.host, "shop/status", "release", "first");
  });
  afterAll(async () => {
    await registry.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it("signs an index by digest, and the signature names that digest", async () => {
    const byDigest = `${registry.host}/shop/status@${first}`;
    expect((await cosign.verify(byDigest, keys.publicKey)).ok).toBe(false);
    await cosign.sign(byDigest, keys);
    const verified = await cosign.verify(byDigest, keys.publicKey);
    expect(verified).toMatchObject({ ok: true, found: [{ digest: first }] });
  });

  it("keeps the digest's signature when the tag moves, and the moved tag has none", async () => {
    const second = await pushTinyIndex(registry.host, "shop/status", "release", "second");
    expect(second).not.toBe(first);
    expect((await cosign.verify(`${registry.host}/shop/status@${first}`, keys.publicKey)).ok).toBe(true);
    const moved = await cosign.verify(`${registry.host}/shop/status:release`, keys.publicKey);
    expect(moved.ok).toBe(false);
    if (!moved.ok) expect(moved.reason).toMatch(/no signatures found|no matching signatures/i);
  });

  it("refuses another key", async () => {
    const other = await mkdtemp(join(dir, "other-"));
    const otherKeys = await cosign.generateKeyPair(other, "other");
    expect((await cosign.verify(`${registry.host}/shop/status@${first}`, otherKeys.publicKey)).ok).toBe(
      false,
    );
  });

  it("verifies an attestation as its own predicate type only", async () => {
    const byDigest = `${registry.host}/shop/status@${first}`;
    const predicate = join(dir, "sbom.json");
    await writeFile(
      predicate,
      JSON.stringify({ spdxVersion: "SPDX-2.3", SPDXID: "SPDXRef-DOCUMENT", name: "status", packages: [] }),
    );
    await cosign.attest(byDigest, keys, predicate, "spdxjson");
    const found = await cosign.verifyAttestation(byDigest, keys.publicKey, "spdxjson");
    expect(found).toMatchObject({
      ok: true,
      found: [{ predicateType: "https://spdx.dev/Document", subjects: [{ digest: first }] }],
    });
    const wrong = await cosign.verifyAttestation(byDigest, keys.publicKey, "slsaprovenance");
    expect(wrong).toMatchObject({ ok: false });
    if (!wrong.ok) expect(wrong.reason).toMatch(/predicate type/);
  });
});
