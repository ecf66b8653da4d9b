import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { EngineUnavailableError } from "../errors.ts";
import { exec, baseEnv } from "../exec/exec.ts";
import { ENGINE_PREFIX } from "./host-tools.ts";
import { detectMirror } from "./base-image-mirror.ts";
import { lineSplitter } from "../util/line-splitter.ts";

/** What decides whether grading can build, and how to get there. */
export interface EngineFacts {
  readonly platform: NodeJS.Platform;
  readonly root: boolean;
  /** apt-get and an os-release that says Debian or Ubuntu (or like them). */
  readonly debianLike: boolean;
  /** provision.sh's engine is installed. */
  readonly provisioned: boolean;
  /** Its base-image registry answers. */
  readonly mirrorAnswers: boolean;
  /** A Docker engine (Desktop, Engine) answers `docker version`. */
  readonly dockerAnswers: boolean;
  /** GRADER_AUTO_PROVISION=0. */
  readonly optOut: boolean;
}

export type EnginePlan =
  | { readonly kind: "ready" }
  | { readonly kind: "provision"; readonly why: string }
  | { readonly kind: "advise"; readonly message: string; readonly hint: string };

const PROVISION = "harness/engine/provision.sh";

/**
 * What to do before grading (pure): nothing when an engine is there; set one up where this
 * project can (root on Debian or Ubuntu); else the exact next step for this machine.
 */
export function planEngine(f: EngineFacts): EnginePlan {
  if (f.provisioned && f.mirrorAnswers) return { kind: "ready" };
  if (f.provisioned && f.root && !f.optOut)
    return { kind: "provision", why: "the engine is installed but its base-image registry is not running" };
  if (f.dockerAnswers) return { kind: "ready" };
  if (f.root && f.debianLike && !f.optOut)
    return { kind: "provision", why: "no Docker engine answers on this machine" };
  const message = "no Docker engine with buildx answers on this machine";
  if (f.platform === "darwin" || f.platform === "win32")
    return {
      kind: "advise",
      message,
      hint: "Install Docker Desktop (it includes buildx), start it, and run the command again",
    };
  if (f.debianLike && f.root)
    return {
      kind: "advise",
      message: `${message} (GRADER_AUTO_PROVISION=0 keeps the grader from setting one up)`,
      hint: `Run bash ${PROVISION} once, or start your own Docker engine with buildx`,
    };
  if (f.debianLike)
    return {
      kind: "advise",
      message,
      hint: `Run sudo bash ${PROVISION} once (a private engine from Debian's packages, about 5 minutes), or start Docker Engine with the buildx plugin`,
    };
  return {
    kind: "advise",
    message,
    hint: "Install Docker Engine with the buildx plugin (docs.docker.com/engine/install), start it, and run the command again",
  };
}

export async function engineFacts(): Promise<EngineFacts> {
  const osRelease = existsSync("/etc/os-release") ? readFileSync("/etc/os-release", "utf8") : "";
  const docker = await exec("docker", ["version", "--format", "{{.Server.Version}}"], {
    env: baseEnv(process.env["DOCKER_HOST"] ? { DOCKER_HOST: process.env["DOCKER_HOST"] } : {}),
    reject: false,
    timeoutMs: 10_000,
  }).catch(() => undefined);
  return {
    platform: process.platform,
    root: process.getuid?.() === 0,
    debianLike: existsSync("/usr/bin/apt-get") && /^(ID|ID_LIKE)=.*\b(debian|ubuntu)\b/m.test(osRelease),
    provisioned: existsSync(join(ENGINE_PREFIX, "usr/sbin/dockerd")),
    // A mirror the user chose (GRADER_MIRROR, or "none" for Docker Hub) is theirs to run.
    mirrorAnswers: process.env["GRADER_MIRROR"] !== undefined || (await detectMirror()) !== undefined,
    dockerAnswers: docker?.exitCode === 0,
    optOut: process.env["GRADER_AUTO_PROVISION"] === "0",
  };
}

let ensured: Promise<void> | undefined;

/**
 * Makes sure grading can build, once per process: sets up the engine with provision.sh where
 * planEngine says so (showing its progress), or throws EngineUnavailableError with the next step.
 */
export function ensureEngine(progress: (message: string) => void): Promise<void> {
  ensured ??= (async () => {
    const plan = planEngine(await engineFacts());
    if (plan.kind === "ready") return;
    if (plan.kind === "advise") throw new EngineUnavailableError(plan.message, { hint: plan.hint });
    progress(`${plan.why}: setting one up with ${PROVISION} (the first time takes about 5 minutes)...`);
    const lines = lineSplitter((line) => {
      if (line.trim() !== "") progress(line.trim());
    });
    const run = await exec("bash", [fileURLToPath(new URL("./provision.sh", import.meta.url))], {
      env: baseEnv(),
      reject: false,
      timeoutMs: 30 * 60_000,
      onStderr: (chunk) => {
        lines.push(chunk);
      },
    });
    if (run.exitCode !== 0 || run.timedOut)
      throw new EngineUnavailableError(
        `setting up the engine failed (${PROVISION} exited ${String(run.exitCode)})`,
        {
          hint: `Run sudo bash ${PROVISION} yourself to see the whole output`,
        },
      );
  })();
  // A failed attempt may be retried by a later call (after the learner fixed something).
  ensured.catch(() => (ensured = undefined));
  return ensured;
}
