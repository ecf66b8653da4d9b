import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { fallback, registerDisposer } from "../../harness/lifecycle/cleanup-registry.ts";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { buildNetwork } from "../../harness/grading/exercise.ts";
import type { GradingContext } from "../../harness/grading/grader.ts";
import { describeFailure } from "../../harness/grading/kit/build-outcome.ts";
import { readPushedImage } from "../../harness/grading/kit/pushed-image.ts";
import { requireEngine } from "../../harness/grading/kit/require-engine.ts";
import { buildSubmission } from "../../harness/grading/kit/submission-build.ts";
import type { Scorecard } from "../../harness/grading/scorecard.ts";
import { indexVariant, ManifestWriter } from "../../harness/registry/manifest-writer.ts";
import { formatDuration } from "../../harness/report/format.ts";
import { ContainerScript, type ScriptRun } from "../../harness/run/container-script.ts";
import { Cosign, type CosignKeyPair } from "../../harness/sign/cosign.ts";
import { buildReleaseRunner } from "../../harness/sign/release-runner.ts";
import { BEHAVIOUR_IDS, CHECKS } from "./checks.ts";
import { scriptLine, SCRIPT_FILE } from "./release-script.ts";

/** The tag the build pushes and the grader later moves, as a second push would. */
const TAG = "release";
const SBOM_FILE = "sbom.spdx.json";
const SPDX_PREDICATE = "https://spdx.dev/Document";

/**
 * The behaviour half: the grader builds and pushes the index, moves the tag to a decoy (a script
 * that signs the tag signs the decoy) and runs release.sh in the release runner with the run's
 * key pair. Then it runs the script again, with a pair of its own but another pair's public key
 * (a script that verifies must fail that run), while it checks with its own cosign what the
 * first run signed and attested, and moves the tag again.
 */
export async function gradeBehaviour(ctx: GradingContext, card: Scorecard, script: string): Promise<void> {
  const engine = requireEngine(ctx);
  const repository = `${engine.registry.host}/course/beacon`;
  const work = await mkdtemp(join(tmpdir(), "bkg-sign-"));
  // The run's private keys live here: removed on every way out, a signal included.
  const disposeWork = registerDisposer(`signing keys ${work}`, () =>
    rm(work, { recursive: true, force: true }),
  );
  fallback(disposeWork, [{ remove: work }]);
  const cosign = new Cosign(work);
  // The runner image and the keys are the grader's: made while the submission builds.
  const runner = buildReleaseRunner(engine.buildx);
  const keys = makeKeys(cosign, work);
  let mismatched: Promise<ScriptRun> | undefined;
  // Handled here so a failure while the build runs is not an unhandled rejection; awaiting
  // them below still throws it.
  runner.catch(() => undefined);
  keys.catch(() => undefined);
  try {
    const result = await buildSubmission(
      ctx,
      engine,
      `build and push (${ctx.exercise.platforms.join(", ")})`,
      {
        label: "image",
        context: ctx.submission.dir,
        platforms: ctx.exercise.platforms,
        output: "push",
        tags: [`${repository}:${TAG}`],
        network: buildNetwork(ctx.exercise.network),
        provenance: "mode=min",
      },
    );
    if (!result.ok) {
      card.failRemaining(BEHAVIOUR_IDS, {
        message: `${describeFailure(result, "The image build").message} Nothing was pushed, so there was nothing to sign (the Dockerfile is the handout's: restore it).`,
        location: { file: "Dockerfile", line: 1 },
      });
      return;
    }
    const pushed = await readPushedImage(`${repository}:${TAG}`);
    const index = pushed.read.digest;
    const indexText = (await pushed.source.manifest(index)).text;
    ctx.measurements["index.digest"] = index;
    ctx.measurements["index.mediaType"] = pushed.read.mediaType;
    const writer = new ManifestWriter(pushed.ref);
    const decoyIndex = indexVariant(indexText, `someone else's push ${randomBytes(8).toString("hex")}`);
    const decoy = await writer.put(TAG, decoyIndex.text, decoyIndex.mediaType);

    const sbom = await readFile(join(ctx.exercise.workspace, SBOM_FILE), "utf8");
    const { own, spare, stranger } = await keys;
    const image = await runner;
    const release = async (digest: string, pair: CosignKeyPair, publicKey: string): Promise<ScriptRun> =>
      new ContainerScript(engine.environment.dockerHost).run({
        image,
        files: {
          [SCRIPT_FILE]: { content: script, mode: 0o755 },
          [SBOM_FILE]: { content: sbom, mode: 0o644 },
          "cosign.key": { content: await readFile(pair.privateKey, "utf8"), mode: 0o600 },
          "cosign.pub": { content: await readFile(publicKey, "utf8"), mode: 0o644 },
        },
        command: ["/bin/sh", `./${SCRIPT_FILE}`],
        workdir: "/release",
        env: { IMAGE: repository, TAG, DIGEST: digest, COSIGN_PASSWORD: pair.password, HOME: "/release" },
        network: "host",
        timeoutMs: 120_000 * Math.max(1, ctx.exercise.buildTimeoutSeconds / 300),
      });

    ctx.progress(`running ${SCRIPT_FILE} with the run's key...`);
    const first = await release(index, own, own.publicKey);
    ctx.measurements["release.durationMs"] = Math.round(first.durationMs);
    card.judge(
      CHECKS.runs.id,
      first.exitCode === 0,
      first.exitCode === 0
        ? { message: `${SCRIPT_FILE} finished in ${formatDuration(first.durationMs)}.` }
        : {
            message: `${SCRIPT_FILE} ${scriptEnd(first)}. It runs as /bin/sh ./${SCRIPT_FILE} with IMAGE, TAG, DIGEST and COSIGN_PASSWORD set, next to cosign.key, cosign.pub and ${SBOM_FILE}.`,
            details: tail(first.output),
            location: { file: SCRIPT_FILE, line: 1 },
          },
    );

    if (first.exitCode === 0) {
      // The second run looks like the first to the script in everything but its keys: DIGEST is
      // another build of the same images, and the tag points elsewhere. It signs with the spare
      // pair, so nothing it does verifies with the run's key: it cannot earn the checks below,
      // which run beside it (and only read what the finished first run wrote).
      const laterBuild = indexVariant(indexText, `a later build ${randomBytes(8).toString("hex")}`);
      const laterDigest = await writer.putUntagged(laterBuild.text, laterBuild.mediaType);
      ctx.progress(`running ${SCRIPT_FILE} again with a public key that does not match...`);
      mismatched = release(laterDigest, spare, stranger.publicKey);
      mismatched.catch(() => undefined);
    }

    const reference = `${repository}@${index}`;
    const platformDigests = pushed.read.images.map((i) => ({
      platform: i.platform,
      digest: i.manifestDigest,
    }));
    // What else carries the run's signature, to say what was signed instead of the index.
    const elsewhere = async (what: "signature" | "attestation"): Promise<string> => {
      const check = (ref: string) =>
        what === "signature"
          ? cosign.verify(ref, own.publicKey)
          : cosign.verifyAttestation(ref, own.publicKey, "spdxjson");
      if ((await check(`${repository}@${decoy}`)).ok)
        return ` The ${what} is on ${decoy.slice(0, 19)}..., the index the tag pointed at when the script ran (someone else's push): sign $IMAGE@$DIGEST, never the tag.`;
      for (const p of platformDigests)
        if ((await check(`${repository}@${p.digest}`)).ok)
          return ` The ${what} is on ${p.digest.slice(0, 19)}..., the ${p.platform} image inside the index: a client pulling the tag checks the index's digest, so sign $DIGEST itself.`;
      return "";
    };

    // Independent reads of what the first run wrote: at once.
    const [signed, attested] = await Promise.all([
      cosign.verify(reference, own.publicKey),
      cosign.verifyAttestation(reference, own.publicKey, "spdxjson"),
    ]);
    const names = signed.ok && signed.found.some((f) => f.digest === index);
    if (names) {
      ctx.measurements["signed.digest"] = index;
      ctx.measurements["signed.mediaType"] = pushed.read.mediaType;
    }
    card.judge(
      CHECKS.signIndex.id,
      names,
      names
        ? {
            message: `${index.slice(0, 19)}... (${pushed.read.mediaType}, ${platformDigests.map((p) => p.platform).join(" + ")}) has a signature that verifies with the run's public key, and the signed payload names that digest.`,
          }
        : {
            message: `No signature on the index ${index.slice(0, 19)}... verifies with the run's key${signed.ok ? "" : ` (cosign: ${signed.reason})`}.${await elsewhere("signature")}`,
            location: { file: SCRIPT_FILE, line: scriptLine(script, "sign") },
          },
    );

    const spdx =
      attested.ok &&
      attested.found.some(
        (a) => a.predicateType === SPDX_PREDICATE && a.subjects.some((s) => s.digest === index),
      );
    if (attested.ok)
      ctx.measurements["attested.predicateTypes"] = [
        ...new Set(attested.found.map((a) => a.predicateType)),
      ].join(", ");
    const foundTypes = attested.ok ? "" : (/found: (.+)$/.exec(attested.reason)?.[1] ?? "");
    if (foundTypes) ctx.measurements["attested.predicateTypes"] = foundTypes;
    card.judge(
      CHECKS.attestation.id,
      spdx,
      spdx
        ? {
            message: `An SPDX SBOM attestation (${SPDX_PREDICATE}) about ${index.slice(0, 19)}... verifies with the run's public key.`,
          }
        : {
            message: foundTypes
              ? `The index has attestations, but of predicate type ${foundTypes}, not ${SPDX_PREDICATE}: attest ${SBOM_FILE} with --type spdxjson.`
              : `No SPDX attestation on the index verifies with the run's key${attested.ok ? "" : ` (cosign: ${attested.reason})`}.${await elsewhere("attestation")}`,
            location: { file: SCRIPT_FILE, line: scriptLine(script, "attest") },
          },
    );

    // The tag moves on, as the next release would move it.
    const laterIndex = indexVariant(indexText, `the next release ${randomBytes(8).toString("hex")}`);
    const later = await writer.put(TAG, laterIndex.text, laterIndex.mediaType);
    const [digestStill, tagNow] = await Promise.all([
      cosign.verify(reference, own.publicKey),
      cosign.verify(`${repository}:${TAG}`, own.publicKey),
    ]);
    const moveOk = digestStill.ok && !tagNow.ok;
    card.judge(
      CHECKS.tagMove.id,
      moveOk,
      moveOk
        ? {
            message: `With the tag moved to ${later.slice(0, 19)}..., ${repository.split("/").slice(1).join("/")}@${index.slice(7, 19)} still verifies and :${TAG} no longer does: the signature follows the content, not the name.`,
          }
        : {
            message: digestStill.ok
              ? `With the tag moved to an index nobody signed, :${TAG} still verifies.`
              : `With the tag moved to ${later.slice(0, 19)}..., the released digest does not verify: the signature was never on the index digest (see ${CHECKS.signIndex.id}).`,
            location: { file: SCRIPT_FILE, line: scriptLine(script, "sign") },
          },
    );

    if (!mismatched) {
      card.fail(CHECKS.verifies.id, {
        message: `Not measured: ${SCRIPT_FILE} must first succeed with the right key (see ${CHECKS.runs.id}).`,
        location: { file: SCRIPT_FILE, line: 1 },
      });
      return;
    }
    const second = await mismatched;
    card.judge(
      CHECKS.verifies.id,
      second.exitCode !== 0 && !second.timedOut,
      second.exitCode !== 0 && !second.timedOut
        ? {
            message: `With cosign.pub replaced by a key that did not sign, ${SCRIPT_FILE} ${scriptEnd(second)}: its verification is a real gate.`,
          }
        : {
            message: second.timedOut
              ? `With a public key that did not sign, ${SCRIPT_FILE} ${scriptEnd(second)}.`
              : `With cosign.pub replaced by a key that did not sign, ${SCRIPT_FILE} still exited 0: verify the signature and the attestation with cosign.pub, and let a failed verification stop the script (set -e, or exit 1).`,
            details: tail(second.output),
            location: { file: SCRIPT_FILE, line: scriptLine(script, "verify") },
          },
    );
  } finally {
    // Nothing the grading started outlives it, even when the build failed and they went unused.
    await Promise.allSettled([runner, keys, mismatched]);
    await disposeWork();
  }
}

/**
 * The run's key pair (the first run's), the spare pair the second run signs with, and a stranger
 * pair whose public key the second run is handed: it verifies nothing either run signed.
 */
async function makeKeys(
  cosign: Cosign,
  work: string,
): Promise<{ own: CosignKeyPair; spare: CosignKeyPair; stranger: CosignKeyPair }> {
  const [own, spare, stranger] = await Promise.all(
    ["own", "spare", "stranger"].map(async (name) => {
      await mkdir(join(work, name));
      return cosign.generateKeyPair(join(work, name), randomBytes(12).toString("hex"));
    }),
  );
  if (!own || !spare || !stranger) throw new Error("three key pairs expected");
  return { own, spare, stranger };
}

function scriptEnd(run: ScriptRun): string {
  if (run.timedOut) return `did not finish within ${formatDuration(run.durationMs)} and was stopped`;
  if (run.error) return `could not run: ${run.error}`;
  return `exited with status ${String(run.exitCode)}`;
}

function tail(output: string): string[] {
  return output.trim().split("\n").slice(-15);
}
