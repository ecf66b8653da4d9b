import { splitFlags, type FlagModel } from "./builder-flags.ts";
import { isHeredocWord, type Heredoc } from "./heredoc.ts";
import { logicalLines } from "./logical-lines.ts";
import { declaredVariables, type VariableModel } from "./variable-declarations.ts";

export type { FlagModel } from "./builder-flags.ts";
export type { Heredoc } from "./heredoc.ts";
export type { VariableModel } from "./variable-declarations.ts";

/**
 * A Dockerfile as the static checks need it, read the way BuildKit reads it: stages with their
 * instructions, each with its lines (1-based), flags (`--mount=type=cache,target=/x` with its
 * options split out), arguments (JSON form decoded), heredoc bodies, and the command a RUN
 * actually runs.
 */
export interface InstructionModel {
  readonly keyword: string;
  readonly line: number;
  readonly endLine: number;
  readonly flags: readonly FlagModel[];
  /** The arguments: the strings of a JSON-form instruction, else the words of the shell form. */
  readonly args: readonly string[];
  /** Arguments after the flags, as written (continuations joined; JSON form decoded and joined). */
  readonly text: string;
  readonly heredocs: readonly Heredoc[];
  /**
   * What the instruction runs, as BuildKit hands it to the shell: a lone `<<EOF` runs its body,
   * a command with heredocs gets them back inline, anything else is `text`.
   */
  readonly command: string;
  /** Whether the arguments were written in JSON (exec) form. */
  readonly execForm: boolean;
  /** What an ARG or ENV declares, its words split as BuildKit splits them (quotes kept together). */
  readonly variables: readonly VariableModel[];
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
  readonly directives: Readonly<Record<string, string>>;
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

/** Instructions BuildKit reads in exec (JSON) form when their arguments are a JSON array of strings. */
const JSON_FORM = new Set(["RUN", "CMD", "ENTRYPOINT", "COPY", "ADD", "SHELL", "VOLUME"]);

export function parseDockerfile(content: string): DockerfileModel {
  const lines = logicalLines(content);
  const problems: string[] = [...lines.problems];
  const stages: (Omit<StageModel, "instructions"> & { instructions: InstructionModel[] })[] = [];
  const globalArgs: InstructionModel[] = [];
  for (const raw of lines.instructions) {
    const { flags, args: argText } = splitFlags(raw.rest, lines.escape);
    const json = JSON_FORM.has(raw.keyword) ? jsonForm(argText) : undefined;
    const args = json ?? argText.split(/\s+/).filter(Boolean);
    const text = json ? json.join(" ") : argText;
    const declared =
      raw.keyword === "ARG" || raw.keyword === "ENV"
        ? declaredVariables(raw.keyword, argText, lines.escape)
        : { variables: [] };
    if (declared.problem !== undefined) problems.push(`line ${raw.line}: ${declared.problem}`);
    const model: InstructionModel = {
      keyword: raw.keyword,
      line: raw.line,
      endLine: raw.endLine,
      flags,
      args,
      text,
      heredocs: raw.heredocs,
      command: commandOf(text, args, raw.heredocs, json !== undefined),
      execForm: json !== undefined,
      variables: declared.variables,
    };
    if (!KNOWN.has(model.keyword)) problems.push(`line ${model.line}: unknown instruction ${model.keyword}`);
    if (model.keyword === "FROM") {
      const asAt = args.findIndex((a, i) => i > 0 && a.toLowerCase() === "as");
      stages.push({
        index: stages.length,
        name: asAt > 0 ? args[asAt + 1] : undefined,
        baseImage: args[0] ?? "",
        platform: flags.find((f) => f.name === "platform")?.value,
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
  return { stages, globalArgs, directives: lines.directives, problems };
}

/** BuildKit's dispatch of a RUN with heredocs, reduced to the text the shell receives. */
function commandOf(
  text: string,
  args: readonly string[],
  heredocs: readonly Heredoc[],
  exec: boolean,
): string {
  const first = heredocs[0];
  if (exec || first === undefined) return text;
  if (args.length === 1 && isHeredocWord(args[0] ?? "")) {
    return first.chomp ? first.content.replace(/^\t+/gm, "") : first.content;
  }
  return [text, ...heredocs.map((h) => h.content + h.name)].join("\n");
}

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

/** The paths a COPY or ADD takes from its sources: all arguments but the destination, heredocs excluded. */
export function copySources(instruction: InstructionModel): string[] {
  return instruction.args.slice(0, -1).filter((a) => !isHeredocWord(a));
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
