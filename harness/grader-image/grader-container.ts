import { randomBytes } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { Writable } from "node:stream";
import { GenericContainer, getContainerRuntimeClient } from "testcontainers";
import { EngineUnavailableError, GraderError } from "../errors.ts";
import { exec } from "../exec/exec.ts";
import { fallback, registerDisposer } from "../lifecycle/cleanup-registry.ts";
import type { HostEngine } from "./image-build.ts";
import type { Invocation } from "./invocation.ts";

/** One `grade` command run in the grader image on the host's engine. */
export interface GraderContainerRun {
  readonly image: string;
  readonly invocation: Invocation;
  /** The grader's settings (GRADER_*) as the container sees them; nothing else of the host. */
  readonly env: Readonly<Record<string, string>>;
  /** `host` where the engine has no bridge or the mirror is on the host's loopback. */
  readonly networkMode: string;
  /** Named volumes of the host's engine to mount, as `name:target`. */
  readonly volumes: readonly { readonly name: string; readonly target: string }[];
  readonly engine: HostEngine;
  readonly onStdout: (chunk: string) => void;
  readonly onStderr: (chunk: string) => void;
}

/** How long the container's own cleanup (its runs' engines, mounts, cgroups) may take after SIGTERM. */
const STOP_GRACE_S = 60;

/**
 * Starts the grader container (privileged: it runs engines of its own), streams its stdout and
 * stderr apart, and returns its exit status. It is removed on every way out: after it exits, by
 * this process's signal handlers (SIGTERM first, so the grading inside cleans up), and by the
 * reaper's journal if this process is killed outright. testcontainers' own reaper (Ryuk) is an
 * image from Docker Hub, which offline machines cannot pull: the journal does its work here.
 */
export async function runGraderContainer(run: GraderContainerRun): Promise<number> {
  process.env["TESTCONTAINERS_RYUK_DISABLED"] ??= "true";
  // testcontainers looks for the address of published ports through the bridge network, which
  // an engine may not have (this project's shared engine has none); no port is published here.
  process.env["TESTCONTAINERS_HOST_OVERRIDE"] ??= "localhost";
  await mkdir(run.invocation.out, { recursive: true });
  const name = `bk-grader-${String(process.pid)}-${randomBytes(4).toString("hex")}`;
  // Stopped first, with the same grace: the grading inside removes its runs' links, rules and
  // cgroups, which on a host-network container are the host's.
  const stopByCli = ["docker", "stop", "--time", String(STOP_GRACE_S), name];
  const removeByCli = ["docker", "rm", "--force", "--volumes", name];
  let stop: (() => Promise<void>) | undefined;
  const dispose = registerDisposer(`grader container ${name}`, async () => {
    if (stop) await stop();
    else {
      // Interrupted while it was being created or started: by its name, which it already has.
      await exec(stopByCli[0] ?? "docker", stopByCli.slice(1), {
        env: run.engine.env,
        reject: false,
        timeoutMs: 90_000,
      });
      await exec(removeByCli[0] ?? "docker", removeByCli.slice(1), {
        env: run.engine.env,
        reject: false,
        timeoutMs: 60_000,
      });
    }
  });
  fallback(dispose, [
    { run: stopByCli, env: run.engine.env },
    { run: removeByCli, env: run.engine.env },
  ]);
  try {
    const started = await new GenericContainer(run.image)
      .withName(name)
      .withPrivilegedMode()
      .withNetworkMode(run.networkMode)
      .withBindMounts([
        ...run.invocation.mounts.map((m) => ({ source: m.source, target: m.target, mode: m.mode })),
        ...run.volumes.map((v) => ({ source: v.name, target: v.target, mode: "rw" as const })),
      ])
      .withEnvironment({ ...run.env })
      .withCommand([...run.invocation.args])
      .withLabels({ "org.bk-grader.grading": "1" })
      .withStartupTimeout(120_000)
      .start()
      .catch((error: unknown) => {
        throw startFailure(error);
      });
    stop = async () => {
      await started.stop({ timeout: STOP_GRACE_S * 1000, remove: true, removeVolumes: true });
    };
    const client = await getContainerRuntimeClient();
    const container = client.container.getById(started.getId());
    const logs = await container.logs({ follow: true, stdout: true, stderr: true });
    const ended = new Promise<void>((resolve) => {
      logs.on("end", resolve);
      logs.on("close", resolve);
      logs.on("error", () => {
        resolve();
      });
    });
    client.container.dockerode.modem.demuxStream(logs, sink(run.onStdout), sink(run.onStderr));
    const exit: unknown = await container.wait();
    await ended;
    return exitStatus(exit);
  } finally {
    await dispose();
  }
}

/** The status in the engine's answer to a container wait, or 2 (grading not done) if it has none (pure). */
export function exitStatus(answer: unknown): number {
  if (typeof answer === "object" && answer !== null && "StatusCode" in answer) {
    const code = answer.StatusCode;
    if (typeof code === "number" && Number.isInteger(code)) return code;
  }
  return 2;
}

function sink(write: (chunk: string) => void): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      write(chunk.toString("utf8"));
      done();
    },
  });
}

/** What a refused start means, in the learner's terms. */
function startFailure(error: unknown): GraderError {
  const text = error instanceof Error ? error.message : String(error);
  if (/mounts? denied|not shared from the host|file sharing/i.test(text))
    return new EngineUnavailableError(
      `Docker cannot share a folder the grading needs with its containers (${text})`,
      {
        cause: error,
        hint: "In Docker Desktop's settings, Resources > File sharing, add the folder of this checkout (and of --out, --submission or --batch), or move them under your home folder",
      },
    );
  if (/privileged/i.test(text))
    return new EngineUnavailableError(`this Docker engine refuses privileged containers (${text})`, {
      cause: error,
      hint: privilegedHint,
    });
  return new GraderError("ENGINE_START_FAILED", `the grader container did not start: ${text}`, {
    cause: error,
    hint: "Check that Docker is running (docker info) and try again",
  });
}

export const privilegedHint =
  "The grader runs its own Docker engines inside a privileged container. Use Docker Desktop without Enhanced Container Isolation, a rootful Docker Engine (not rootless, not Podman without root), or grade as root on Linux with harness/engine/provision.sh";
