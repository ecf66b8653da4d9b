import { findExecutable } from "../engine/host-tools.ts";
import { detectCgroupLayout } from "../sandbox/cgroup-layout.ts";
import { GraderError } from "../errors.ts";
import { exec } from "../exec/exec.ts";
import { hostEngine } from "./image-build.ts";

/** Where a grading runs: in this process on the host, or in the grader image on the host's engine. */
export type GradingHome = "host" | "image";

export interface HomeFacts {
  /** This process already runs in the grader image. */
  readonly inImage: boolean;
  /** GRADER_HOME: `auto` (default), `host` or `image`. */
  readonly setting: "auto" | "host" | "image";
  /** A farm or a remote BuildKit endpoint is configured: the host drives it. */
  readonly remote: boolean;
  /** Root, every tool a run needs (HOST_TOOLS) and cgroups for its limits: private engines run here. */
  readonly hostEngines: boolean;
  /** A Docker engine answers on the host. */
  readonly dockerAnswers: boolean;
}

/**
 * Where to grade (pure). The host, where it can start the run's engines itself (a provisioned
 * Linux root, and inside the image); else the grader image wherever a Docker engine answers
 * (Docker Desktop, Docker Engine as a user, GitHub's runners); else the host, whose engine set-up
 * (engine-setup.ts) provisions one or says what to install.
 */
export function chooseHome(f: HomeFacts): GradingHome {
  if (f.inImage) return "host";
  if (f.setting !== "auto") return f.setting;
  if (f.remote || f.hostEngines) return "host";
  return f.dockerAnswers ? "image" : "host";
}

export function homeSetting(value: string | undefined): HomeFacts["setting"] {
  if (value === undefined || value === "" || value === "auto") return "auto";
  if (value === "host" || value === "image") return value;
  throw new GraderError("INVALID_SUBMISSION", `GRADER_HOME=${value} is not one of auto, host, image`, {
    hint: "Unset GRADER_HOME to let the grader choose, or set host or image",
  });
}

export async function homeFacts(env: NodeJS.ProcessEnv = process.env): Promise<HomeFacts> {
  const docker = await exec("docker", ["version", "--format", "{{.Server.Version}}"], {
    env: hostEngine(env).env,
    reject: false,
    timeoutMs: 10_000,
  }).catch(() => undefined);
  return {
    inImage: env["GRADER_IN_IMAGE"] === "1",
    setting: homeSetting(env["GRADER_HOME"]),
    remote: Boolean(env["GRADER_BUILDKIT_ENDPOINT"] || env["GRADER_BUILDKIT_ENDPOINTS"]),
    hostEngines:
      process.getuid?.() === 0 &&
      HOST_TOOLS.every((tool) => findExecutable(tool) !== undefined) &&
      detectCgroupLayout().kind !== "none",
    dockerAnswers: docker?.exitCode === 0,
  };
}

/**
 * What a run on the host starts: its engine, registry, sandbox and the exercises' services. A
 * machine with Docker Engine installed has dockerd and containerd but not the rest: it grades in
 * the image rather than fail half-way through a run.
 */
export const HOST_TOOLS = [
  "dockerd",
  "containerd",
  "runc",
  "docker-registry",
  "nsenter",
  "ip",
  "iptables",
  "mkfs.ext4",
  "sshd",
  "cosign",
];

let chosen: Promise<GradingHome> | undefined;

/** Where this process grades, decided once. */
export function gradingHome(): Promise<GradingHome> {
  chosen ??= homeFacts().then(chooseHome);
  return chosen;
}
