import { createHash, randomBytes } from "node:crypto";
import { settleAll } from "../../harness/util/settle-all.ts";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import type { BuildRequest, BuildResult } from "../../harness/buildx/build-command.ts";
import { pruneBuildCache } from "../../harness/buildx/cache-prune.ts";
import { DiskUsage } from "../../harness/buildx/disk-usage.ts";
import type { DockerfileModel } from "../../harness/dockerfile/dockerfile-model.ts";
import { writeFileNoFollow } from "../../harness/grading/copy-tree.ts";
import { buildNetwork } from "../../harness/grading/exercise.ts";
import type { GradingContext, GradingEngine } from "../../harness/grading/grader.ts";
import { describeFailure, failBuild } from "../../harness/grading/kit/build-outcome.ts";
import { judgeLeaks, searchForLeaks, type LeakCheck } from "../../harness/grading/kit/leak-search.ts";
import { readPushedImage } from "../../harness/grading/kit/pushed-image.ts";
import { knownBaseLayers } from "../../harness/grading/kit/base-layers.ts";
import { buildSubmission } from "../../harness/grading/kit/submission-build.ts";
import type { Scorecard } from "../../harness/grading/scorecard.ts";
import { scanCacheLayers } from "../../harness/inspect/cache-layers.ts";
import {
  loadFilesystem,
  scanImageLayers,
  searchedElsewhere,
  type PlatformImage,
} from "../../harness/inspect/image-reader.ts";
import type { ImageSource } from "../../harness/inspect/image-source.ts";
import type { EntryVisitor } from "../../harness/inspect/layer-scanner.ts";
import { formatBytes, formatDuration } from "../../harness/report/format.ts";
import type { SshGitServer } from "../../harness/run/ssh-git-server.ts";
import { ServiceProbe } from "../../harness/run/service-probe.ts";
import { Canary } from "../../harness/secrets/canary.ts";
import type { LeakPlace } from "../../harness/secrets/leak-finding.ts";
import { CHECK_LIST, CHECKS } from "./checks.ts";
import { judgeHealthAnswer, judgeScript, judgeSettings } from "./image-checks.ts";
import {
  KNOWN_HOSTS_FILE,
  MODULE_REPOSITORY,
  NAME_VARIABLE,
  SCRIPT_PATH,
  SERVER_ARG,
  SETTINGS_PATH,
} from "./project.ts";
import { keyCanaryValue } from "./key-canary.ts";
import { behaviourPlaces, type BehaviourPlaces } from "./static-checks.ts";

const CLEAN = "No trace of the private key, in any encoding or compressed file the search decodes.";
const LEAK_CHECKS: Record<LeakPlace, LeakCheck> = {
  history: {
    id: CHECKS.history.id,
    fix: "A step's command line is recorded in the history: never pass the key on it.",
    clean: CLEAN,
  },
  config: {
    id: CHECKS.config.id,
    fix: "ENV and LABEL values are in the config anyone can read.",
    clean: CLEAN,
  },
  layer: {
    id: CHECKS.layers.id,
    fix: "A key removed by a later step still ships in the layer that copied it: forward the agent with --mount=type=ssh instead of copying the key, and keep deploy_key out of the context (.dockerignore).",
    clean: CLEAN,
  },
  attestation: { id: CHECKS.attestation.id, fix: "Provenance records every build argument.", clean: CLEAN },
  cache: {
    id: CHECKS.cache.id,
    fix: "Only the exported cache has it: a mode=max cache keeps the build stage's layers, so a key copied there (by COPY . . too) is published with it. Forward the agent instead, and list deploy_key in .dockerignore.",
    clean: "The mode=max registry cache holds no trace of the private key.",
  },
};

export interface SshBuildInputs {
  readonly server: SshGitServer;
  readonly model: DockerfileModel;
  /** The project's test files (name → text), as the submission holds them. */
  readonly testFiles: Readonly<Record<string, string>>;
}

/** The failing test the grader adds to its copy: the build must fail at the test step because of it. */
export function plantedTest(marker: string): string {
  return `package main\n\nimport "testing"\n\nfunc TestPlantedByTheGrader(t *testing.T) {\n\tt.Fatal("${marker}")\n}\n`;
}
export const PLANTED_TEST_FILE = "zz_planted_by_grader_test.go";

export async function gradeBehaviour(
  ctx: GradingContext,
  card: Scorecard,
  engine: GradingEngine,
  inputs: SshBuildInputs,
): Promise<void> {
  const { server, model } = inputs;
  const places = behaviourPlaces(model);
  const dir = ctx.submission.dir;
  const base = server.url(MODULE_REPOSITORY).slice(0, -`${MODULE_REPOSITORY}.git`.length);
  const agent = [{ id: "default", socket: server.agentSocket }];
  const common = {
    context: dir,
    dockerfile: join(dir, "Dockerfile"),
    buildArgs: { [SERVER_ARG]: base },
    platforms: ctx.exercise.platforms,
    network: buildNetwork(ctx.exercise.network),
  } satisfies Partial<BuildRequest>;
  const knownHosts = (line: string) => writeFileNoFollow(join(dir, KNOWN_HOSTS_FILE), `${line}\n`, 0o644);
  const counted = async (run: () => Promise<BuildResult>) => {
    const before = await server.acceptedLogins();
    const result = await run();
    return { result, logins: (await server.acceptedLogins()) - before };
  };

  // 1. The pinned key must be in effect: with another key pinned for the same address, a build
  // that checks host keys cannot fetch. It runs first, on an empty cache, so nothing is reused.
  await knownHosts(server.decoyKnownHostsLine);
  const decoy = await counted(() =>
    buildSubmission(ctx, engine, "build 1/4 (another host key pinned)", {
      ...common,
      label: "decoyHostKey",
      ssh: agent,
      output: "cacheonly",
    }),
  );
  await knownHosts(server.knownHostsLine);
  // A build that should have failed filled the cache (and the module cache mount): empty it, so
  // the next builds owe nothing to it.
  if (decoy.result.ok) await pruneBuildCache(engine.buildx);

  // 2. Without the agent the module cannot come.
  const alone = await counted(() =>
    buildSubmission(ctx, engine, "build 2/4 (no SSH agent)", {
      ...common,
      label: "noAgent",
      output: "cacheonly",
    }),
  );
  if (alone.result.ok) await pruneBuildCache(engine.buildx);

  // 3. The real build: pushed with provenance and a mode=max cache, all searched for the key.
  const tag = `${engine.registry.host}/submission:graded`;
  const main = await counted(() =>
    buildSubmission(ctx, engine, "build 3/4 (with the run's SSH agent)", {
      ...common,
      label: "build",
      ssh: agent,
      output: "push",
      tags: [tag],
      cacheTo: [`type=registry,ref=${engine.registry.host}/submission:cache,mode=max`],
      provenance: "mode=max",
    }),
  );
  ctx.measurements["ssh.logins"] = main.logins;
  if (!main.result.ok) {
    failBuild(card, main.result, {
      check: CHECKS.build,
      checks: CHECK_LIST,
      model,
      verdict: describeFailure(main.result, "The graded build (with the agent)"),
    });
    return;
  }
  card.pass(CHECKS.build.id, {
    message: `Built in ${formatDuration(main.result.durationMs)} with the agent forwarded.`,
  });
  card.judge(
    CHECKS.fetched.id,
    main.logins > 0,
    main.logins > 0
      ? { message: `The Git server accepted the run's key ${main.logins} time(s) during the build.` }
      : {
          message:
            "The Git server never saw the run's key during the build: the module did not come from it over SSH.",
          location: places.fetch,
        },
  );
  card.judge(
    CHECKS.agentRequired.id,
    !alone.result.ok,
    !alone.result.ok
      ? {
          message: `Without the agent the build fails${alone.result.failure?.step ? ` at ${alone.result.failure.step}` : ""}, as it should.`,
        }
      : {
          message:
            alone.logins > 0
              ? "The build succeeded without the SSH agent, and the Git server saw the run's key: a copy of the key is inside the build. Forward the agent with --mount=type=ssh instead."
              : "The build succeeded without the SSH agent: the module does not come over SSH with the forwarded agent.",
          location: places.fetch,
        },
  );
  card.judge(
    CHECKS.hostKeyEnforced.id,
    !decoy.result.ok,
    !decoy.result.ok
      ? { message: "With another key pinned in known_hosts, the build refused the server." }
      : {
          message:
            "The build fetched from a server whose host key is not the one pinned in known_hosts: host keys are not checked, or are taken from somewhere else (ssh-keyscan, a key written at build time). Point SSH at the handed-out known_hosts file.",
          location: places.fetch,
        },
  );

  const { source, read } = await readPushedImage(tag);
  const image = read.images[0];
  if (!image) throw new Error(`the pushed image ${tag} has no platform image`);
  ctx.measurements["image.bytes"] = image.manifest.layers.reduce((sum, l) => sum + l.size, 0);
  ctx.measurements["image.layers"] = image.manifest.layers.length;

  // What the image and its cache hold, the running service and the cache mounts are read side
  // by side: searching is CPU, starting the service is waiting. The cache mounts are listed
  // before build 4, which uses them.
  const disk = await new DiskUsage(engine.buildx).cacheMounts();
  ctx.measurements["cacheMounts.bytes"] = disk.reduce((sum, m) => sum + m.sizeBytes, 0);
  ctx.measurements["cacheMounts.count"] = disk.length;
  if (disk.length > 0)
    ctx.notes.push(
      `Cache mounts after the graded build: ${disk.map((m) => `${m.target ?? m.cacheId ?? m.id} ${formatBytes(m.sizeBytes)}`).join(", ")}.`,
    );
  ctx.progress("searching history, config, layers, attestations and cache for the private key...");
  await settleAll([
    searchForLeaks(source, read, image, new Canary(keyCanaryValue(server.clientPrivateKey)), "cache").then(
      (search) => {
        ctx.measurements["leaks.found"] = search.findings.length;
        ctx.measurements["leaks.decodedBytes"] = search.decodedBytes;
        ctx.measurements["leaks.baseLayersSkipped"] = search.baseLayersSkipped;
        judgeLeaks(card, LEAK_CHECKS, search, {
          model,
          fallback: places.fetch,
          secret: "the private key",
        });
      },
    ),
    judgeFiles(card, source, image, places),
    judgeService(ctx, card, engine, `${engine.registry.host}/submission@${image.manifestDigest}`, places),
    judgeTestsAbsent(ctx, card, source, image, inputs.testFiles, places),
    plantedTestBuild(ctx, card, engine, { ...common, ssh: agent }, places),
  ]);
}

/** Build 4: a failing test added to the grader's copy must fail the build, or the tests do not run. */
async function plantedTestBuild(
  ctx: GradingContext,
  card: Scorecard,
  engine: GradingEngine,
  common: Omit<BuildRequest, "label" | "output" | "onStep" | "timeoutMs">,
  places: BehaviourPlaces,
): Promise<void> {
  const dir = ctx.submission.dir;
  // 4. The tests must really run: a failing test added to the grader's copy must fail the build.
  const marker = `planted-failure-${randomBytes(6).toString("hex")}`;
  await writeFileNoFollow(join(dir, PLANTED_TEST_FILE), plantedTest(marker), 0o644);
  try {
    const planted = await buildSubmission(ctx, engine, "build 4/4 (with a failing test added)", {
      ...common,
      label: "plantedTest",
      output: "cacheonly",
    });
    const seen = `${planted.failure?.logTail ?? ""}\n${planted.failure?.message ?? ""}`.includes(marker);
    card.judge(
      CHECKS.testsRun.id,
      !planted.ok && seen,
      !planted.ok && seen
        ? {
            message: `With a failing test added, the build failed at ${planted.failure?.step ?? "the test step"}.`,
          }
        : {
            message: planted.ok
              ? "With a failing test added, the build still succeeded: the tests do not run in the build (or their failure is ignored)."
              : `With a failing test added, the build failed, but not because of the test: ${planted.failure?.message ?? "unknown error"}.`,
            ...(planted.failure ? { details: planted.failure.logTail.split("\n") } : {}),
            location: places.tests,
          },
    );
  } finally {
    await rm(join(dir, PLANTED_TEST_FILE), { force: true });
  }
}

async function judgeFiles(
  card: Scorecard,
  source: ImageSource,
  image: PlatformImage,
  places: BehaviourPlaces,
): Promise<void> {
  const fs = await loadFilesystem(source, image, 64 * 1024);
  const textOf = (path: string) => {
    const record = fs.resolve(path);
    return record?.head?.toString("utf8");
  };
  for (const [id, path, judgment] of [
    [CHECKS.settings.id, SETTINGS_PATH, judgeSettings(fs.resolve(SETTINGS_PATH), textOf(SETTINGS_PATH))],
    [CHECKS.script.id, SCRIPT_PATH, judgeScript(fs.resolve(SCRIPT_PATH), textOf(SCRIPT_PATH))],
  ] as const) {
    card.judge(id, judgment.ok, {
      message: judgment.message,
      ...(judgment.details ? { details: judgment.details } : {}),
      ...(judgment.ok ? {} : { location: places.writer(path) }),
    });
  }
}

async function judgeService(
  ctx: GradingContext,
  card: Scorecard,
  engine: GradingEngine,
  image: string,
  places: BehaviourPlaces,
): Promise<void> {
  const service = ctx.exercise.service;
  if (!service) throw new Error(`exercise ${ctx.exercise.id} declares no service to start`);
  ctx.progress("starting the image with PORT and SERVICE_NAME set...");
  const name = `status-${randomBytes(4).toString("hex")}`;
  const probe = await new ServiceProbe(engine.environment.dockerHost, engine.environment.probeHost).probe({
    image,
    platform: ctx.exercise.platforms[0] ?? "linux/amd64",
    path: service.healthPath,
    portVariable: service.portVariable,
    env: { [NAME_VARIABLE]: name },
    timeoutMs: 30_000,
  });
  ctx.measurements["service.startMs"] = Math.round(probe.startMs);
  const judgment = judgeHealthAnswer(probe.healthy, probe.body, name, probe.detail);
  card.judge(CHECKS.service.id, judgment.ok, {
    message: judgment.message,
    ...(judgment.ok ? {} : { details: probe.logsTail.split("\n"), location: places.writer(SCRIPT_PATH) }),
  });
}

/** Every file of every layer (image and cache) whose bytes are one of the project's test files. */
async function judgeTestsAbsent(
  ctx: GradingContext,
  card: Scorecard,
  source: ImageSource,
  image: PlatformImage,
  testFiles: Readonly<Record<string, string>>,
  places: BehaviourPlaces,
): Promise<void> {
  ctx.progress("looking for the project's test files in the image's and the cache's layers...");
  const wanted = new Map(
    Object.entries(testFiles).map(([name, text]) => [createHash("sha256").update(text).digest("hex"), name]),
  );
  const sizes = new Set(Object.values(testFiles).map((t) => Buffer.byteLength(t)));
  const found: string[] = [];
  const pending: { where: string; hash: ReturnType<typeof createHash> }[] = [];
  const visitor =
    (where: string): EntryVisitor =>
    (entry) => {
      if (entry.type !== "file" || !sizes.has(entry.size)) return undefined;
      const hash = createHash("sha256");
      pending.push({ where: `${where} /${entry.path}`, hash });
      return (chunk) => hash.update(chunk);
    };
  // The base image's layers are the mirror's, made before the submission: not its copies.
  const known = await knownBaseLayers();
  await scanImageLayers(source, image, (at, entry) => visitor(`image layer ${at.index + 1}`)(entry), known);
  await scanCacheLayers(
    source,
    "cache",
    (blob) => visitor(`cache layer ${blob.digest.slice(7, 19)}`),
    searchedElsewhere(image, known),
  );
  for (const p of pending) {
    const name = wanted.get(p.hash.digest("hex"));
    if (name) found.push(`${p.where} (${name})`);
  }
  card.judge(
    CHECKS.testsAbsent.id,
    found.length === 0,
    found.length === 0
      ? { message: `None of the ${wanted.size} test file(s) is in any layer of the image or of its cache.` }
      : {
          message: `${found.length} copy(ies) of the project's test files are in layers: a COPY of the sources puts them there (in the cache too, for a build stage). Bind-mount the sources into the steps that test and build instead.`,
          details: found,
          location: places.tests,
        },
  );
}
