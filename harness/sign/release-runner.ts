import { copyFile, mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BuildCommand } from "../buildx/build-command.ts";
import type { Buildx } from "../buildx/buildx.ts";
import { findExecutable } from "../engine/host-tools.ts";
import { EngineUnavailableError, GraderError } from "../errors.ts";
import { fallback, registerDisposer } from "../lifecycle/cleanup-registry.ts";

/** The image a learner's release script runs in: a CI runner's shell with cosign on its PATH. */
export const RELEASE_RUNNER_IMAGE = "bk-grader/release-runner:cosign";

/**
 * Builds the release runner into the run's engine: Debian's slim image (a POSIX shell, as on a
 * CI runner) with the host's cosign, the one provision.sh installs. No network is needed: the
 * binary comes in the build context.
 */
export async function buildReleaseRunner(buildx: Buildx): Promise<string> {
  const cosign = findExecutable("cosign");
  if (!cosign)
    throw new EngineUnavailableError("cosign is not installed, and exercise 06's release script needs it", {
      hint: "Run harness/engine/provision.sh as root (it installs cosign)",
    });
  const context = await mkdtemp(join(tmpdir(), "bkg-runner-"));
  const dispose = registerDisposer(`release runner context ${context}`, () =>
    rm(context, { recursive: true, force: true }),
  );
  fallback(dispose, [{ remove: context }]);
  try {
    await copyFile(await realpath(cosign), join(context, "cosign"));
    await writeFile(
      join(context, "Dockerfile"),
      [
        "FROM debian:bookworm-slim",
        "COPY --chmod=755 cosign /usr/local/bin/cosign",
        "RUN cosign version >/dev/null",
        "",
      ].join("\n"),
    );
    const result = await new BuildCommand(buildx).run({
      label: "release-runner",
      context,
      output: "load",
      tags: [RELEASE_RUNNER_IMAGE],
      network: "none",
      timeoutMs: 300_000,
    });
    if (!result.ok)
      throw new GraderError(
        "BUILDER_FAILED",
        `the release runner image did not build: ${result.failure?.message ?? "?"}`,
      );
    return RELEASE_RUNNER_IMAGE;
  } finally {
    await dispose();
  }
}
