import { mountsOf, type DockerfileModel } from "../../harness/dockerfile/dockerfile-model.ts";
import type { BakeTarget } from "../../harness/buildx/bake-definition.ts";
import type { Scorecard } from "../../harness/grading/scorecard.ts";
import { CHECKS } from "./checks.ts";
import { at } from "../../harness/grading/kit/locations.ts";
import { judgeDockerfileParses } from "../../harness/grading/common-checks.ts";

/** Names that say "this is a credential". */
const SECRET_NAME = /(TOKEN|SECRET|PASSW(OR)?D|API_?KEY|PRIVATE_?KEY|AUTH|CREDENTIAL|NPMRC)/i;

export const BAKE_FILE = "docker-bake.hcl";

/** The line of the bake file that sets an arg (`NAME = ...` or `"NAME" = ...`), when it is written there. */
export function bakeArgLine(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  const pattern = new RegExp(`^\\s*"?${name.replace(/[^\w-]/g, "")}"?\\s*=`);
  const index = text.split(/\r?\n/).findIndex((line) => pattern.test(line));
  return index < 0 ? undefined : index + 1;
}

export function checkStatic(
  model: DockerfileModel,
  bake: BakeTarget | undefined,
  secretValues: readonly string[],
  card: Scorecard,
  bakeText?: string,
): void {
  judgeDockerfileParses(card, CHECKS.parses.id, model);

  const offenders: { message: string; file: string; line: number | undefined }[] = [];
  for (const instruction of [...model.globalArgs, ...model.stages.flatMap((s) => s.instructions)]) {
    for (const { name } of instruction.variables)
      if (SECRET_NAME.test(name))
        offenders.push({
          message: `${instruction.keyword} ${name} (line ${instruction.line})`,
          file: "Dockerfile",
          line: instruction.line,
        });
  }
  for (const [name, value] of Object.entries(bake?.args ?? {})) {
    if (SECRET_NAME.test(name) || secretValues.includes(value))
      offenders.push({ message: `bake arg ${name}`, file: BAKE_FILE, line: bakeArgLine(bakeText, name) });
  }
  const first = offenders[0];
  card.judge(
    CHECKS.noSecretArgs.id,
    first === undefined,
    first === undefined
      ? { message: "No credential-like build argument or environment variable." }
      : {
          message: `A credential travels as a build argument or environment variable: ${offenders.map((o) => o.message).join(", ")}. Build arguments are recorded in the image history and the provenance; ENV is in the image config. Use a secret mount.`,
          location: { file: first.file, ...(first.line ? { line: first.line } : {}) },
        },
  );

  const npmRun = model.stages
    .flatMap((s) => s.instructions)
    .find((i) => i.keyword === "RUN" && /\b(npm|yarn|pnpm)\b/.test(i.command));
  const secretRuns = model.stages
    .flatMap((s) => s.instructions)
    .filter((i) => i.keyword === "RUN" && mountsOf(i, "secret").length > 0);
  card.judge(
    CHECKS.secretMount.id,
    secretRuns.length > 0,
    secretRuns.length > 0
      ? { message: `Secret mount on line ${secretRuns.map((r) => r.line).join(", ")}.` }
      : {
          message:
            "No RUN step mounts a secret (RUN --mount=type=secret,id=...): the credential must reach the install some other, leaking, way.",
          location: at("Dockerfile", npmRun?.line, model.stages.at(-1)?.line),
        },
  );
}
