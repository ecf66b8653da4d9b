import { DockerfileParser, type Instruction, type From } from "dockerfile-ast";

/**
 * A Dockerfile as the static checks need it, built on dockerfile-ast: stages with their
 * instructions, each with its line (1-based), flags (`--mount=type=cache,target=/x` with its
 * options split out) and arguments.
 */
export interface FlagModel {
  readonly name: string;
  readonly value: string | undefined;
  readonly options: Readonly<Record<string, string>>;
}

export interface InstructionModel {
  readonly keyword: string;
  readonly line: number;
  readonly endLine: number;
  readonly flags: readonly FlagModel[];
  readonly args: readonly string[];
  /** Arguments after the flags, as written (continuations joined). */
  readonly text: string;
}

export interface StageModel {
  readonly index: number;
  readonly name: string | undefined;
  readonly baseImage: string;
  readonly platform: string | undefined;
  readonly line: number;
  readonly instructions: readonly InstructionModel[];
}

export interface DockerfileModel {
  readonly stages: readonly StageModel[];
  /** ARG instructions before the first FROM. */
  readonly globalArgs: readonly InstructionModel[];
  readonly problems: readonly string[];
}

const KNOWN = new Set([
  "FROM",
  "RUN",
  "CMD",
  "LABEL",
  "MAINTAINER",
  "EXPOSE",
  "ENV",
  "ADD",
  "COPY",
  "ENTRYPOINT",
  "VOLUME",
  "USER",
  "WORKDIR",
  "ARG",
  "ONBUILD",
  "STOPSIGNAL",
  "HEALTHCHECK",
  "SHELL",
]);

export function parseDockerfile(content: string): DockerfileModel {
  const parsed = DockerfileParser.parse(content);
  const problems: string[] = [];
  const stages: {
    index: number;
    name: string | undefined;
    baseImage: string;
    platform: string | undefined;
    line: number;
    instructions: InstructionModel[];
  }[] = [];
  const globalArgs: InstructionModel[] = [];
  for (const instruction of parsed.getInstructions()) {
    const model = toModel(instruction);
    if (!KNOWN.has(model.keyword)) problems.push(`line ${model.line}: unknown instruction ${model.keyword}`);
    if (model.keyword === "FROM") {
      const from = instruction as From;
      stages.push({
        index: stages.length,
        name: from.getBuildStage() ?? undefined,
        baseImage: model.args[0] ?? from.getImageName() ?? "",
        platform: from.getPlatformFlag()?.getValue() ?? undefined,
        line: model.line,
        instructions: [],
      });
      continue;
    }
    const current = stages.at(-1);
    if (current) current.instructions.push(model);
    else if (model.keyword === "ARG") globalArgs.push(model);
    else problems.push(`line ${model.line}: ${model.keyword} before the first FROM`);
  }
  if (stages.length === 0) problems.push("no FROM instruction: a Dockerfile must start a stage with FROM");
  return { stages, globalArgs, problems };
}

function toModel(instruction: Instruction): InstructionModel {
  const range = instruction.getRange();
  const withFlags = instruction as Instruction & {
    getFlags?: () => {
      getName(): string;
      getValue(): string | null;
      getOptions(): { getName(): string; getValue(): string | null }[];
    }[];
  };
  const flags: FlagModel[] = (withFlags.getFlags?.() ?? []).map((f) => ({
    name: f.getName(),
    value: f.getValue() ?? undefined,
    options: Object.fromEntries(f.getOptions().map((o) => [o.getName(), o.getValue() ?? ""])),
  }));
  const keyword = instruction.getKeyword().toUpperCase();
  const words = instruction.getArguments().map((a) => a.getValue());
  const args = (JSON_FORM.has(keyword) ? jsonForm(words.join(" ")) : undefined) ?? words;
  return {
    keyword,
    line: range.start.line + 1,
    endLine: range.end.line + 1,
    flags,
    args,
    text: args.join(" "),
  };
}

/** Instructions BuildKit reads in exec (JSON) form when their arguments are a JSON array of strings. */
const JSON_FORM = new Set(["RUN", "CMD", "ENTRYPOINT", "COPY", "ADD", "SHELL", "VOLUME"]);

/**
 * The strings of a JSON-form instruction (`COPY ["a b", "./"]`), as BuildKit takes them; anything
 * that is not a JSON array of strings is shell form, also as BuildKit takes it.
 */
export function jsonForm(text: string): string[] | undefined {
  if (!/^\s*\[/.test(text)) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) && value.every((v) => typeof v === "string") ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The stage a `--from=` or FROM refers to: by name or by index. */
export function findStage(model: DockerfileModel, ref: string): StageModel | undefined {
  return (
    model.stages.find((s) => s.name?.toLowerCase() === ref.toLowerCase()) ??
    (/^\d+$/.test(ref) ? model.stages[Number(ref)] : undefined)
  );
}

export function mountsOf(instruction: InstructionModel, type?: string): FlagModel[] {
  return instruction.flags.filter(
    (f) => f.name === "mount" && (type === undefined || (f.options["type"] ?? "bind") === type),
  );
}
