import {
  copySources,
  findStage,
  mountsOf,
  type DockerfileModel,
  type InstructionModel,
  type StageModel,
} from "../../harness/dockerfile/dockerfile-model.ts";
import { judgeDockerfileParses } from "../../harness/grading/common-checks.ts";
import { DOCKERFILE } from "../../harness/grading/kit/dockerfile-or-fail.ts";
import type { CheckLocation } from "../../harness/grading/check.ts";
import type { Scorecard } from "../../harness/grading/scorecard.ts";
import { CHECKS } from "./checks.ts";
import { KEY_FILE, SCRIPT_PATH, SETTINGS_PATH } from "./project.ts";

const GO = String.raw`\bgo\s+(?:-\S+\s+)*`;
/** Steps that may reach the module server: anything that resolves modules, or Git itself. */
const FETCHES = new RegExp(
  String.raw`${GO}(?:mod\s+(?:download|tidy)|get|build|install|test|vet|list|run)\b|\bgit\s+(?:clone|fetch|ls-remote|pull)\b`,
);
/** Steps that compile: they want the build cache as well as the module cache. */
const COMPILES = new RegExp(String.raw`${GO}(?:build|install|test|vet|run)\b`);
const DOWNLOADS = new RegExp(String.raw`${GO}mod\s+download\b`);
const TESTS = new RegExp(String.raw`${GO}test\b`);
const VETS = new RegExp(String.raw`${GO}vet\b`);

/**
 * Ways of trusting a host key nobody pinned, however they are spelled (ssh_config, -o, env).
 * `UserKnownHostsFile=/dev/null` is not one by itself: ssh still reads the global file
 * (/etc/ssh/ssh_known_hosts), where the pinned key may be mounted; whether it is, the build
 * with another key pinned decides (hostKeyEnforced), not this reading.
 */
const UNPINNED: readonly { pattern: RegExp; what: string }[] = [
  {
    pattern: /StrictHostKeyChecking\s*[= ]\s*["']?(?:no|off|accept-new)\b/i,
    what: "turns host-key checking off",
  },
  { pattern: /\bssh-keyscan\b/, what: "trusts whatever key answers at build time (ssh-keyscan)" },
];

interface Step {
  readonly stage: StageModel;
  readonly instruction: InstructionModel;
  readonly position: number;
}

function runSteps(model: DockerfileModel): Step[] {
  return model.stages.flatMap((stage) =>
    stage.instructions.flatMap((instruction, position) =>
      instruction.keyword === "RUN" ? [{ stage, instruction, position }] : [],
    ),
  );
}

const at = (instruction: InstructionModel): CheckLocation => ({
  file: DOCKERFILE,
  line: instruction.line,
  endLine: instruction.endLine,
});

/** The static checks of exercise 05 (pure). */
export function checkDockerfile(model: DockerfileModel, card: Scorecard, testFiles: readonly string[]): void {
  judgeDockerfileParses(card, CHECKS.parses.id, model);
  const runs = runSteps(model);
  checkSshMount(model, runs, card);
  checkHostKey(model, card);
  checkHeredocs(model, card);
  checkBindTests(runs, card, testFiles);
  checkGoCaches(model, runs, card);
}

function checkSshMount(model: DockerfileModel, runs: readonly Step[], card: Scorecard): void {
  const copied = model.stages
    .flatMap((s) => s.instructions)
    .find(
      (i) =>
        (i.keyword === "COPY" || i.keyword === "ADD") &&
        !i.flags.some((f) => f.name === "from") &&
        copySources(i).some((s) => isKeyPath(s)),
    );
  if (copied) {
    card.fail(CHECKS.sshMount.id, {
      message: `Line ${copied.line} copies the deploy key into the build: a copied key stays in that layer (and in the cache) even if a later step deletes it. Forward the SSH agent with RUN --mount=type=ssh instead.`,
      location: at(copied),
    });
    return;
  }
  const fetching = runs.filter((r) => FETCHES.test(r.instruction.command));
  const forwarded = fetching.find((r) => mountsOf(r.instruction, "ssh").length > 0);
  if (forwarded) {
    card.pass(CHECKS.sshMount.id, {
      message: `Line ${forwarded.instruction.line} forwards the SSH agent to the step that fetches modules.`,
    });
    return;
  }
  const first = fetching[0]?.instruction;
  card.fail(CHECKS.sshMount.id, {
    message: first
      ? `No step that runs Go or Git has --mount=type=ssh: add it to the step that downloads the modules (line ${first.line}), so Git logs in with the agent CI forwards.`
      : "No RUN step downloads the Go modules or builds the service: fetch the private module in a RUN with --mount=type=ssh.",
    location: first ? at(first) : { file: DOCKERFILE },
  });
}

/** `deploy_key`, `./deploy_key`, `id_ed25519`, `*.pem`: sources that are private keys. */
function isKeyPath(source: string): boolean {
  const name = source.replace(/^\.\//, "").split("/").at(-1) ?? "";
  return name === KEY_FILE || /^id_(?:rsa|ecdsa|ed25519|dsa)$/.test(name) || /\.pem$/.test(name);
}

function checkHostKey(model: DockerfileModel, card: Scorecard): void {
  for (const instruction of model.stages.flatMap((s) => s.instructions)) {
    // RUN scripts, ENV values (GIT_SSH_COMMAND) and heredoc files (an ssh_config) alike.
    const text = `${instruction.command}\n${instruction.heredocs.map((h) => h.content).join("\n")}`;
    const found = UNPINNED.find((u) => u.pattern.test(text));
    if (found) {
      card.fail(CHECKS.hostKey.id, {
        message: `Line ${instruction.line} ${found.what}: anyone who can answer for the Git server's address then gets the agent's signature. Pin the key from the known_hosts file handed out with the exercise (bind-mount or copy it to /etc/ssh/ssh_known_hosts or ~/.ssh/known_hosts).`,
        location: at(instruction),
      });
      return;
    }
  }
  card.pass(CHECKS.hostKey.id, {
    message: "Nothing turns host-key checking off or trusts a key on first use.",
  });
}

/** Whether an instruction writes `path` from a heredoc: COPY/ADD of a heredoc to it, or a RUN with a heredoc that names it. */
function writesWithHeredoc(instruction: InstructionModel, path: string): boolean {
  if (instruction.heredocs.length === 0) return false;
  if (instruction.keyword === "RUN") return instruction.command.includes(path);
  if (instruction.keyword !== "COPY" && instruction.keyword !== "ADD") return false;
  const destination = instruction.args.at(-1) ?? "";
  if (destination === path) return true;
  return destination.endsWith("/") && instruction.heredocs.some((h) => `${destination}${h.name}` === path);
}

function checkHeredocs(model: DockerfileModel, card: Scorecard): void {
  const final = model.stages.at(-1);
  const instructions = final?.instructions ?? [];
  const missing = [SETTINGS_PATH, SCRIPT_PATH].filter(
    (path) => !instructions.some((i) => writesWithHeredoc(i, path)),
  );
  if (missing.length === 0) {
    card.pass(CHECKS.heredocs.id, {
      message: "Both files are written inline with heredocs in the final stage.",
    });
    return;
  }
  const writer = instructions.find((i) => missing.some((p) => i.command.includes(p) || i.args.includes(p)));
  card.fail(CHECKS.heredocs.id, {
    message: `${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} not written with a heredoc in the final stage: write each with COPY <<'EOF' ${missing[0]} (or a RUN heredoc), its lines as they should appear, instead of a chain of echo commands.`,
    location: writer ? at(writer) : { file: DOCKERFILE, line: final?.line ?? 1 },
  });
}

/** Whether a COPY source brings one of the project's test files (a folder, a wildcard or the file itself). */
function bringsTests(source: string, testFiles: readonly string[]): boolean {
  const clean = source.replace(/^\.\//, "").replace(/\/$/, "");
  if (clean === "" || clean === "." || clean === "*") return true;
  const pattern = new RegExp(
    `^${clean
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, "[^/]*")
      .replace(/\?/g, "[^/]")}$`,
  );
  return testFiles.some((f) => pattern.test(f));
}

function checkBindTests(runs: readonly Step[], card: Scorecard, testFiles: readonly string[]): void {
  const testRuns = runs.filter((r) => TESTS.test(r.instruction.command));
  const vetRuns = runs.filter((r) => VETS.test(r.instruction.command));
  if (testRuns.length === 0 || vetRuns.length === 0) {
    card.fail(CHECKS.bindTests.id, {
      message: `The build never runs ${testRuns.length === 0 ? "go test" : "go vet"}: run go vet ./... and go test ./... in a RUN step with the sources bind-mounted.`,
      location: { file: DOCKERFILE },
    });
    return;
  }
  for (const { stage, instruction, position } of [...vetRuns, ...testRuns]) {
    const copy = stage.instructions
      .slice(0, position)
      .find(
        (i) =>
          (i.keyword === "COPY" || i.keyword === "ADD") &&
          !i.flags.some((f) => f.name === "from") &&
          copySources(i).some((s) => bringsTests(s, testFiles)),
      );
    if (copy) {
      card.fail(CHECKS.bindTests.id, {
        message: `Line ${copy.line} copies the test files into a layer before the tests on line ${instruction.line} run: bind-mount the sources into that step instead (RUN --mount=type=bind,target=...).`,
        location: at(copy),
      });
      return;
    }
    if (mountsOf(instruction, "bind").length === 0) {
      card.fail(CHECKS.bindTests.id, {
        message: `Line ${instruction.line} runs Go's checks without a bind mount: mount the sources with --mount=type=bind so nothing is copied into a layer.`,
        location: at(instruction),
      });
      return;
    }
  }
  card.pass(CHECKS.bindTests.id, { message: "go vet and go test read the sources from a bind mount." });
}

/** The ENV instructions a step sees: those of the stages it builds on (`FROM deps AS test`), then its own before it. */
function envBefore(model: DockerfileModel, step: Step): InstructionModel[] {
  const chain: InstructionModel[][] = [step.stage.instructions.slice(0, step.position)];
  const seen = new Set([step.stage.index]);
  for (let parent = findStage(model, step.stage.baseImage); parent && !seen.has(parent.index);) {
    seen.add(parent.index);
    chain.unshift([...parent.instructions]);
    parent = findStage(model, parent.baseImage);
  }
  return chain.flat().filter((i) => i.keyword === "ENV");
}

/** The value an ENV (in the step's stage chain) or an assignment in the step gives a Go variable. */
function goPath(model: DockerfileModel, step: Step, variable: string, fallback: string): string {
  const inline = new RegExp(String.raw`(?:^|[\s;&|])(?:export\s+)?${variable}=["']?([^\s"';&|]+)`).exec(
    step.instruction.command,
  )?.[1];
  if (inline) return inline;
  let value = fallback;
  for (const i of envBefore(model, step))
    for (const declared of i.variables)
      if (declared.name === variable && declared.value) value = declared.value;
  return value;
}

/** A cache mount at `path` or at a folder above it (not the root). */
function cached(instruction: InstructionModel, path: string): boolean {
  const want = path.replace(/\/+$/, "");
  return mountsOf(instruction, "cache").some((m) => {
    const target = (m.options["target"] ?? m.options["dst"] ?? m.options["destination"] ?? "").replace(
      /\/+$/,
      "",
    );
    return target !== "" && (target === want || want.startsWith(`${target}/`));
  });
}

function checkGoCaches(model: DockerfileModel, runs: readonly Step[], card: Scorecard): void {
  const goRuns = runs.filter(
    (r) => COMPILES.test(r.instruction.command) || DOWNLOADS.test(r.instruction.command),
  );
  if (goRuns.length === 0) {
    card.fail(CHECKS.goCaches.id, {
      message: "No RUN step runs Go: download, test and build the service in the Dockerfile.",
      location: { file: DOCKERFILE },
    });
    return;
  }
  for (const step of goRuns) {
    const gopath = goPath(model, step, "GOPATH", "/go");
    const modules = goPath(model, step, "GOMODCACHE", `${gopath}/pkg/mod`);
    const builds = goPath(model, step, "GOCACHE", "/root/.cache/go-build");
    const missing = [
      ...(cached(step.instruction, modules) ? [] : [`the module cache (${modules})`]),
      ...(COMPILES.test(step.instruction.command) && !cached(step.instruction, builds)
        ? [`the build cache (${builds})`]
        : []),
    ];
    if (missing.length > 0) {
      card.fail(CHECKS.goCaches.id, {
        message: `Line ${step.instruction.line} runs Go without a cache mount for ${missing.join(" and ")}: add --mount=type=cache,target=... so the next build reuses them.`,
        location: at(step.instruction),
      });
      return;
    }
  }
  card.pass(CHECKS.goCaches.id, {
    message: `All ${goRuns.length} Go step(s) keep the module and build caches in cache mounts.`,
  });
}

/** Where behaviour findings point (pure): the step they are about, else the first FROM. */
export interface BehaviourPlaces {
  /** The step that fetches the module: the one with the ssh mount, else the first that may fetch. */
  readonly fetch: CheckLocation;
  /** The step that runs the tests, else the first Go step. */
  readonly tests: CheckLocation;
  /** The instruction that writes a file of the final image, else the final stage's FROM. */
  writer(path: string): CheckLocation;
  /** The final stage's ENTRYPOINT, else its FROM. */
  readonly entrypoint: CheckLocation;
}

export function behaviourPlaces(model: DockerfileModel): BehaviourPlaces {
  const runs = runSteps(model).map((r) => r.instruction);
  const first = { file: DOCKERFILE, line: model.stages[0]?.line ?? 1 };
  const final = model.stages.at(-1);
  const finalLine = { file: DOCKERFILE, line: final?.line ?? 1 };
  const fetching = runs.filter((i) => FETCHES.test(i.command));
  const fetch = fetching.find((i) => mountsOf(i, "ssh").length > 0) ?? fetching[0];
  const tests = runs.find((i) => TESTS.test(i.command)) ?? runs.find((i) => COMPILES.test(i.command));
  const entrypoint = final?.instructions.find((i) => i.keyword === "ENTRYPOINT");
  return {
    fetch: fetch ? at(fetch) : first,
    tests: tests ? at(tests) : first,
    writer(path) {
      const writer = final?.instructions.find(
        (i) => writesWithHeredoc(i, path) || i.command.includes(path) || i.args.at(-1) === path,
      );
      return writer ? at(writer) : finalLine;
    },
    entrypoint: entrypoint ? at(entrypoint) : finalLine,
  };
}
