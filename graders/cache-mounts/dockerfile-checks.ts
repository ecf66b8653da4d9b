import {
  copySources,
  mountsOf,
  type DockerfileModel,
  type InstructionModel,
  type StageModel,
} from "../../harness/dockerfile/dockerfile-model.ts";
import type { Scorecard } from "../../harness/grading/scorecard.ts";
import { CHECKS } from "./checks.ts";
import { judgeDockerfileParses } from "../../harness/grading/common-checks.ts";
import { bringsSource, isBuildCommand, isInstallCommand, isManifestPath } from "./install-command.ts";

const FILE = "Dockerfile";

interface InstallSite {
  readonly stage: StageModel;
  readonly run: InstructionModel;
  readonly position: number;
}

export function installSites(model: DockerfileModel): InstallSite[] {
  return model.stages.flatMap((stage) =>
    stage.instructions.flatMap((run, position) =>
      run.keyword === "RUN" && isInstallCommand(run.command) ? [{ stage, run, position }] : [],
    ),
  );
}

/** Static checks on the Dockerfile; behaviour is measured separately on real builds. */
export function checkDockerfile(model: DockerfileModel, card: Scorecard): void {
  judgeDockerfileParses(card, CHECKS.parses.id, model);
  const sites = installSites(model);
  if (sites.length === 0) {
    const none = {
      message: "No RUN step installs dependencies (npm ci, npm install, yarn or pnpm install) was found.",
      location: { file: FILE },
    };
    card.fail(CHECKS.manifestsFirst.id, none);
    card.fail(CHECKS.installCacheMount.id, none);
  } else {
    checkManifestsFirst(sites, card);
    checkCacheMounts(sites, card);
  }
  checkRuntimeStage(model, card);
}

function checkManifestsFirst(sites: readonly InstallSite[], card: Scorecard): void {
  for (const { stage, run, position } of sites) {
    // A bind mount of the manifests into the install step is as good as copying them first.
    const boundManifests = mountsOf(run, "bind").some((m) =>
      isManifestPath(m.options["source"] ?? m.options["src"] ?? ""),
    );
    const copiesBefore = stage.instructions
      .slice(0, position)
      .filter(
        (i) => (i.keyword === "COPY" || i.keyword === "ADD") && !i.flags.some((f) => f.name === "from"),
      );
    const sourceCopy = copiesBefore.find((c) => copySources(c).some(bringsSource));
    if (sourceCopy) {
      card.fail(CHECKS.manifestsFirst.id, {
        message: `Line ${sourceCopy.line} copies "${sourceCopy.text}" before the install on line ${run.line}: any source edit then re-runs the install. Copy package.json and package-lock.json first, install, then copy the rest.`,
        location: { file: FILE, line: sourceCopy.line },
      });
      return;
    }
    const manifestCopied = boundManifests || copiesBefore.some((c) => copySources(c).some(isManifestPath));
    if (!manifestCopied) {
      card.fail(CHECKS.manifestsFirst.id, {
        message: `The install on line ${run.line} runs before package.json and package-lock.json are copied in.`,
        location: { file: FILE, line: run.line },
      });
      return;
    }
  }
  card.pass(CHECKS.manifestsFirst.id, { message: "Each install sees only the dependency manifests." });
}

function checkCacheMounts(sites: readonly InstallSite[], card: Scorecard): void {
  const without = sites.filter((s) => mountsOf(s.run, "cache").length === 0);
  const first = without[0];
  if (first) {
    card.fail(CHECKS.installCacheMount.id, {
      message: `The install on line ${first.run.line} has no cache mount: add --mount=type=cache,target=<the package manager's cache directory> so downloads survive between builds.`,
      location: { file: FILE, line: first.run.line, endLine: first.run.endLine },
      details: without.map((s) => `line ${s.run.line}: RUN ${s.run.text}`),
    });
    return;
  }
  const targets = sites.flatMap((s) =>
    mountsOf(s.run, "cache").map((m) => m.options["target"] ?? m.options["dst"] ?? "?"),
  );
  card.pass(CHECKS.installCacheMount.id, {
    message: `Cache mount(s) on ${[...new Set(targets)].join(", ")}. Whether the package manager really uses them is measured on the builds.`,
  });
}

function checkRuntimeStage(model: DockerfileModel, card: Scorecard): void {
  const final = model.stages.at(-1);
  if (!final || model.stages.length < 2) {
    card.fail(CHECKS.runtimeStage.id, {
      message:
        "The image is built in a single stage, so compilers and dev dependencies ship with it. Compile in a build stage and start a fresh runtime stage.",
      location: { file: FILE, line: final?.line ?? 1 },
    });
    return;
  }
  const compiles = final.instructions.find((i) => i.keyword === "RUN" && isBuildCommand(i.command));
  if (compiles) {
    card.fail(CHECKS.runtimeStage.id, {
      message: `The final stage compiles the app (line ${compiles.line}); copy the build output from the build stage instead.`,
      location: { file: FILE, line: compiles.line },
    });
    return;
  }
  card.pass(CHECKS.runtimeStage.id, {
    message: `The final stage (from line ${final.line}) only assembles the runtime.`,
  });
}
