import { buildNetwork } from "../../harness/grading/exercise.ts";
import type { DockerfileModel } from "../../harness/dockerfile/dockerfile-model.ts";
import { instructionOfStep, stepCommand } from "../../harness/dockerfile/step-instruction.ts";
import type { CheckLocation } from "../../harness/grading/check.ts";
import type { BuildResult } from "../../harness/buildx/build-command.ts";
import { describeFailure, failBuild } from "../../harness/grading/kit/build-outcome.ts";
import { readPushedImage } from "../../harness/grading/kit/pushed-image.ts";
import { requireEngine } from "../../harness/grading/kit/require-engine.ts";
import { buildSubmission } from "../../harness/grading/kit/submission-build.ts";
import { workSteps, type BuildStep } from "../../harness/buildx/build-step.ts";
import type { GradingContext } from "../../harness/grading/grader.ts";
import type { Scorecard } from "../../harness/grading/scorecard.ts";
import { isRunnable, readElfHeader } from "../../harness/inspect/elf.ts";
import type { ImageFilesystem, FileRecord } from "../../harness/inspect/image-filesystem.ts";
import { loadFilesystem, type PlatformImage } from "../../harness/inspect/image-reader.ts";
import { formatDuration } from "../../harness/report/format.ts";
import { ServiceProbe } from "../../harness/run/service-probe.ts";
import { CHECK_LIST, CHECKS, EMULATED_POINTS } from "./checks.ts";

const COMPILE = /\bgo\s+(build|install)\b/;
const NODE_ARCH: Record<string, string> = {
  x64: "amd64",
  arm64: "arm64",
  arm: "arm",
  ia32: "386",
  ppc64: "ppc64le",
  s390x: "s390x",
  riscv64: "riscv64",
};
export const HOST_PLATFORM = `linux/${NODE_ARCH[process.arch] ?? process.arch}`;

/** `linux/arm/v7` -> `arm`: what ELF headers and image configs call the architecture. */
function archOf(platform: string): string {
  return platform.split("/")[1] ?? platform;
}

export async function gradeBehaviour(
  ctx: GradingContext,
  card: Scorecard,
  model: DockerfileModel,
): Promise<void> {
  const engine = requireEngine(ctx);
  const required = ctx.exercise.platforms;
  const tag = `${engine.registry.host}/submission:graded`;
  const result = await buildSubmission(ctx, engine, `build 1/1 (${required.join(", ")})`, {
    label: "build",
    context: ctx.submission.dir,
    platforms: required,
    output: "push",
    tags: [tag],
    network: buildNetwork(ctx.exercise.network),
    provenance: "mode=min",
  });
  if (!result.ok) {
    failBuild(card, result, {
      check: CHECKS.build,
      checks: CHECK_LIST,
      model,
      verdict: describeFailure(result, `The build for ${required.join(", ")}`),
    });
    return;
  }
  card.pass(CHECKS.build.id, {
    message: `Built and pushed for ${required.join(", ")} in ${formatDuration(result.durationMs)}.`,
  });
  await card.run(CHECKS.cross.id, () => {
    judgeCrossCompile(ctx, card, result, required, model);
  });

  const { ref, source, read } = await readPushedImage(tag);
  ctx.measurements["index.attestations"] = read.attestations.length;
  const images = new Map<string, PlatformImage>();
  const problems: string[] = [];
  for (const platform of required) {
    const matches = read.images.filter((i) => i.platform === platform);
    const image = matches[0];
    if (!image) {
      problems.push(`${platform} is missing from the index`);
      continue;
    }
    if (matches.length > 1) problems.push(`${platform} appears ${matches.length} times`);
    const configPlatform = `${image.config.os}/${image.config.architecture}${image.config.variant ? `/${image.config.variant}` : ""}`;
    if (configPlatform !== platform)
      problems.push(`the ${platform} entry points at an image whose config says ${configPlatform}`);
    images.set(platform, image);
  }
  const digests = new Set([...images.values()].map((i) => i.manifestDigest));
  if (digests.size < images.size) problems.push("several platforms share one manifest");
  if (read.images.length === 1 && read.images[0]?.entry === undefined)
    problems.push("the tag is a single-platform manifest, not an index");
  card.judge(
    CHECKS.index.id,
    problems.length === 0,
    problems.length === 0
      ? {
          message: `${tag.split("/").pop() ?? tag} is an index (${read.mediaType}) with ${required.map((p) => `${p} → ${images.get(p)?.manifestDigest.slice(7, 19) ?? "?"}`).join(", ")}; ${read.attestations.length} attestation manifest(s) set aside.`,
        }
      : {
          message: `The pushed index is not right: ${problems.join("; ")}. Each platform's image comes from the final stage: do not pin it with FROM --platform.`,
          location: runtimeLocation(model),
        },
  );

  const entrypointProblems: string[] = [];
  const entrypointFacts: string[] = [];
  const foreign: string[] = [];
  for (const [platform, image] of images) {
    ctx.progress(`reading the ${platform} image's layers...`);
    // 4 KiB of each file: enough to read an entrypoint script's commands, not only its #!.
    const fs = await loadFilesystem(source, image, 4096);
    const arch = archOf(platform);
    ctx.measurements[`image.${platform}.bytes`] = image.manifest.layers.reduce((t, l) => t + l.size, 0);
    const entry = entrypointOf(fs, image);
    const served = entry.file ? servedBinaries(fs, entry.file, image.config.config) : [];
    if (!entry.file) entrypointProblems.push(`${platform}: ${entry.why}`);
    else if (served.length === 0)
      entrypointFacts.push(
        `${platform}: /${entry.file.path} is a script that runs no binary of the image the grader could find: ${CHECKS.foreign.id} judges every binary instead`,
      );
    for (const file of served) {
      const elf = readElfHeader(file.head ?? Buffer.alloc(0));
      const what = elf.elf ? `ELF ${elf.header.bits}-bit ${elf.header.machineName}` : elf.reason;
      const via = file === entry.file ? "" : ` (run by the script /${entry.file?.path ?? "?"})`;
      entrypointFacts.push(`${platform}: /${file.path}${via} is ${what}`);
      ctx.measurements[`entrypoint.${platform}.machine`] = elf.elf ? elf.header.machineName : elf.reason;
      if (!elf.elf) entrypointProblems.push(`${platform}: /${file.path} is ${elf.reason}`);
      else if (elf.header.architecture !== arch)
        entrypointProblems.push(`${platform}: /${file.path}${via} is ${what}, not a ${arch} binary`);
    }
    for (const file of fs.all()) {
      // What serves is judged by the entrypoint check alone, as a compiled entrypoint always was.
      if (file.type !== "file" || file === entry.file || served.includes(file) || !file.head) continue;
      const elf = readElfHeader(file.head);
      if (
        elf.elf &&
        elf.header.architecture !== arch &&
        (elf.header.architecture !== undefined || elf.header.machine !== 0) &&
        isRunnable(elf.header, file.path, file.mode)
      )
        foreign.push(`${platform}: /${file.path} is ${elf.header.machineName} (layer ${file.layer + 1})`);
    }
  }
  card.judge(
    CHECKS.entrypoint.id,
    entrypointProblems.length === 0,
    entrypointProblems.length === 0
      ? { message: `Every platform's entrypoint is built for it.`, details: entrypointFacts }
      : {
          message: `${entrypointProblems.join("; ")}. Pass the target to the compiler (GOOS=$TARGETOS GOARCH=$TARGETARCH, from ARG TARGETOS and ARG TARGETARCH).`,
          details: entrypointFacts,
          location: compileLocation(model),
        },
  );
  card.judge(
    CHECKS.foreign.id,
    foreign.length === 0,
    foreign.length === 0
      ? { message: "All other binaries match their platform." }
      : {
          message: `${foreign.length} binaries belong to another architecture: a stage pinned to the build platform (FROM --platform=$BUILDPLATFORM) must not be the runtime base.`,
          details: foreign.slice(0, 10),
          location: runtimeLocation(model),
        },
  );

  await card.run(CHECKS.health.id, async () => {
    const service = ctx.exercise.service;
    if (!service) throw new Error("the exercise declares no service to probe");
    const probe = new ServiceProbe(engine.environment.dockerHost, engine.environment.probeHost);
    // Each platform's image in a container of its own, at once: neither waits for the other.
    const results = await Promise.all(
      required.flatMap((platform) => {
        const image = images.get(platform);
        if (!image) return [];
        ctx.progress(`starting the ${platform} image${platform === HOST_PLATFORM ? "" : " under QEMU"}...`);
        return [
          probe.probe({
            image: `${ref.registry}/${ref.repository}@${image.manifestDigest}`,
            platform,
            path: service.healthPath,
            portVariable: service.portVariable,
            timeoutMs: 30_000,
          }),
        ];
      }),
    );
    for (const r of results) ctx.measurements[`run.${r.platform}.startMs`] = Math.round(r.startMs);
    const sick = results.filter((r) => !r.healthy);
    card.judge(
      CHECKS.health.id,
      sick.length === 0 && results.length === required.length,
      sick.length === 0 && results.length === required.length
        ? { message: `${results.map((r) => `${r.platform}: ${r.detail}`).join("; ")}.` }
        : {
            message: `Not healthy: ${sick.map((r) => `${r.platform}: ${r.detail}`).join("; ") || "no image to start"}.`,
            details: sick.flatMap((r) => r.logsTail.split("\n")).slice(0, 20),
            location: startLocation(model),
          },
    );
  });
}

function judgeCrossCompile(
  ctx: GradingContext,
  card: Scorecard,
  result: BuildResult,
  required: readonly string[],
  model: DockerfileModel,
): void {
  const compiles = workSteps(result.steps).filter(
    (s) => s.instruction === "RUN" && COMPILE.test(stepCommand(model, s)),
  );
  if (compiles.length === 0) {
    card.fail(CHECKS.cross.id, {
      message:
        "No compile step (go build) was seen in the build: compile the program in a RUN step of a build stage.",
      location: runtimeLocation(model),
    });
    return;
  }
  const emulated: BuildStep[] = compiles.filter(
    (s) => s.executionPlatform !== undefined && s.executionPlatform !== HOST_PLATFORM,
  );
  for (const platform of required) {
    const ms = compiles.filter((s) => s.platform === platform).reduce((t, s) => t + (s.durationMs ?? 0), 0);
    ctx.measurements[`compile.${platform}.durationMs`] = Math.round(ms);
    ctx.measurements[`compile.${platform}.mode`] = emulated.some((s) => s.platform === platform)
      ? "emulated (QEMU)"
      : "native";
  }
  ctx.measurements["compile.emulatedMs"] = Math.round(emulated.reduce((t, s) => t + (s.durationMs ?? 0), 0));
  const native = compiles.filter((s) => !emulated.includes(s));
  const nativeMs = Math.max(0, ...native.map((s) => s.durationMs ?? 0));
  if (emulated.length === 0) {
    card.pass(CHECKS.cross.id, {
      message: `Every compile ran on ${HOST_PLATFORM}: ${compiles.map((s) => `${s.platform ?? "?"} in ${formatDuration(s.durationMs ?? 0)}`).join(", ")}.`,
    });
    return;
  }
  card.partial(CHECKS.cross.id, EMULATED_POINTS, {
    message: `The image is correct, but the compile for ${emulated.map((s) => `${s.platform ?? "?"} ran under QEMU emulation for ${formatDuration(s.durationMs ?? 0)}`).join(", ")}${nativeMs ? ` (the native compile took ${formatDuration(nativeMs)})` : ""}. Run the build stage on the build platform (FROM --platform=$BUILDPLATFORM) and let the compiler target $TARGETARCH: Go cross-compiles without emulation.`,
    location: compileLocation(model, emulated),
    details: emulated.map((s) => s.name),
  });
}

function entrypointOf(
  fs: ImageFilesystem,
  image: PlatformImage,
): { file: FileRecord | undefined; why: string } {
  const config = image.config.config;
  const argv = [...(config?.Entrypoint ?? []), ...(config?.Entrypoint?.length ? [] : (config?.Cmd ?? []))];
  let command = argv[0];
  // Shell form: the program is the first word of the script.
  if ((command === "/bin/sh" || command === "sh") && argv[1] === "-c")
    command =
      argv[2]
        ?.trim()
        .split(/\s+/)[0]
        ?.replace(/^exec$/, "") || argv[2]?.trim().split(/\s+/)[1];
  if (!command) return { file: undefined, why: "the image has no ENTRYPOINT or CMD" };
  const file = fs.which(command, imagePath(config), config?.WorkingDir || "/");
  return file ? { file, why: "" } : { file: undefined, why: `the entrypoint ${command} is not in the image` };
}

/** The image's PATH, or the one a container gets when the image sets none. */
function imagePath(config: { readonly Env?: readonly string[] } | undefined): string {
  return (
    (config?.Env ?? []).find((e) => e.startsWith("PATH="))?.slice(5) ??
    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
  );
}

/**
 * The binaries that serve (pure): the entrypoint itself when it is compiled; for a script
 * (`#!`), the image's ELF files it names, by path or as a command found on PATH (`exec
 * /usr/local/bin/app "$@"`, `exec app`), so a script in front of the binary is judged by the
 * binary, never by its `#!` line. Empty when the script names none the grader can find.
 */
export function servedBinaries(
  fs: ImageFilesystem,
  entry: FileRecord,
  config: { readonly Env?: readonly string[]; readonly WorkingDir?: string } | undefined,
): FileRecord[] {
  const head = entry.head ?? Buffer.alloc(0);
  if (readElfHeader(head).elf || !head.subarray(0, 2).equals(Buffer.from("#!"))) return [entry];
  const path = imagePath(config);
  const found = new Set<FileRecord>();
  // The shebang's interpreter is named too: it is the base image's, for the platform, and a
  // wrong one would be as wrong as the program.
  for (const word of head.toString("utf8").split(/[\s;&|()`"'=${}:<>#!]+/)) {
    const token = word.replace(/^-+/, "");
    if (!/^[\w./+-]+$/.test(token) || token === "." || token === "..") continue;
    const file = token.includes("/")
      ? token.startsWith("/")
        ? fs.resolve(token)
        : undefined
      : fs.which(token, path, config?.WorkingDir || "/");
    if (file?.type === "file" && file !== entry && readElfHeader(file.head ?? Buffer.alloc(0)).elf)
      found.add(file);
  }
  return [...found];
}

/** The compile instruction(s) of the Dockerfile: where a wrong target or an emulated compile is fixed. */
function compileLocation(model: DockerfileModel, steps: readonly BuildStep[] = []): CheckLocation {
  const fromSteps = steps.map((s) => instructionOfStep(model, s)).find((i) => i !== undefined);
  const compile =
    fromSteps ??
    model.stages.flatMap((s) => s.instructions).find((i) => i.keyword === "RUN" && COMPILE.test(i.command));
  return compile
    ? { file: "Dockerfile", line: compile.line, endLine: compile.endLine }
    : runtimeLocation(model);
}

/** The final stage's FROM: what a platform's image is based on. */
function runtimeLocation(model: DockerfileModel): CheckLocation {
  const final = model.stages.at(-1);
  return { file: "Dockerfile", line: final?.line ?? 1 };
}

/** The final stage's ENTRYPOINT or CMD, else its FROM: how the image starts. */
function startLocation(model: DockerfileModel): CheckLocation {
  const final = model.stages.at(-1);
  const start = final?.instructions.filter((i) => i.keyword === "ENTRYPOINT" || i.keyword === "CMD").at(-1);
  return start ? { file: "Dockerfile", line: start.line, endLine: start.endLine } : runtimeLocation(model);
}
