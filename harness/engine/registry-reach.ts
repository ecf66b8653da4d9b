import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { exec } from "../exec/exec.ts";
import { GraderError } from "../errors.ts";

export interface ReachProbe {
  /** The builder on the endpoint, and the environment the docker CLI reaches it with. */
  readonly builder: string;
  readonly env: Readonly<Record<string, string>>;
  readonly endpoint: string;
  /** The run's registry, host:port. */
  readonly registry: string;
  readonly scratchDir: string;
}

/**
 * Proves that a BuildKit endpoint elsewhere can push to the run's registry before any learner's
 * build does: an image of no layers (FROM scratch and a label) pushed there, in a fraction of a
 * second. Without it, a daemon that cannot reach the registry would fail the learner's push and
 * the report would blame the learner; with it, the endpoint fails (a farm grades elsewhere).
 */
export async function proveRegistryReach(probe: ReachProbe): Promise<void> {
  const dir = join(probe.scratchDir, "reach");
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "Dockerfile"), "FROM scratch\nLABEL course.grader.reach=probe\n");
  const pushed = await exec(
    "docker",
    [
      "buildx",
      "build",
      "--builder",
      probe.builder,
      "--provenance=false",
      "--output",
      `type=image,name=${probe.registry}/grader-reach:probe,push=true`,
      dir,
    ],
    { env: probe.env, reject: false, timeoutMs: 120_000 },
  );
  if (pushed.exitCode === 0) return;
  const why = pushed.stderr.trim().split("\n").at(-1) ?? "";
  const loopback = probe.registry.startsWith("127.");
  throw new GraderError(
    "BUILDER_FAILED",
    `the BuildKit endpoint ${probe.endpoint} cannot push to the run's registry at ${probe.registry}: ${why}`,
    {
      hint: loopback
        ? "A daemon on another machine does not reach this one's loopback: set GRADER_SERVICE_HOST to an address of this machine the endpoint reaches, and have its daemon treat that address as a plain-HTTP registry (dockerd: insecure-registries; buildkitd: http = true)"
        : `Check that the endpoint reaches ${probe.registry}, and that its daemon treats that address as a plain-HTTP registry (dockerd: insecure-registries; buildkitd: http = true)`,
    },
  );
}
