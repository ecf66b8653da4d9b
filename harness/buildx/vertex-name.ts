/**
 * BuildKit names Dockerfile steps like `[linux/arm64 builder 3/5] RUN go build .`: an optional
 * platform, the stage name (or `stage-N`), the step's position, then the instruction.
 * `[internal] ...` and bare names (`exporting to image`) are BuildKit's own work.
 */
export interface VertexName {
  /** The platform of the image this step is for (the target). */
  readonly platform: string | undefined;
  /**
   * Where the step executes. BuildKit writes `[linux/amd64->arm64 ...]` for a stage that runs on
   * the build platform while producing for another target (cross-compilation); a step whose
   * execution platform is not the host's runs under emulation.
   */
  readonly executionPlatform: string | undefined;
  readonly stage: string | undefined;
  readonly index: number | undefined;
  readonly total: number | undefined;
  /** The instruction keyword, upper case (RUN, COPY, FROM ...), when this is a Dockerfile step. */
  readonly instruction: string | undefined;
  /** The instruction's text without the bracketed prefix. */
  readonly text: string;
  readonly internal: boolean;
}

const PREFIX = /^\[([^\]]*)\]\s*(.*)$/s;
const PLATFORM = /^([a-z][a-z0-9]*)\/([a-z0-9_]+(?:\/[a-z0-9]+)?)(?:->([a-z0-9_]+(?:\/[a-z0-9]+)?))?$/;
const POSITION = /^(\d+)\/(\d+)$/;

export function parseVertexName(name: string): VertexName {
  const match = PREFIX.exec(name);
  if (!match) {
    return {
      platform: undefined,
      executionPlatform: undefined,
      stage: undefined,
      index: undefined,
      total: undefined,
      instruction: undefined,
      text: name,
      internal: true,
    };
  }
  const words = (match[1] ?? "").split(/\s+/).filter(Boolean);
  const text = match[2] ?? "";
  let platform: string | undefined;
  let executionPlatform: string | undefined;
  const platformMatch = words[0] === undefined ? null : PLATFORM.exec(words[0]);
  if (platformMatch) {
    words.shift();
    const os = platformMatch[1] ?? "";
    executionPlatform = `${os}/${platformMatch[2] ?? ""}`;
    platform = platformMatch[3] ? `${os}/${platformMatch[3]}` : executionPlatform;
  }
  const internal = words.includes("internal");
  let index: number | undefined;
  let total: number | undefined;
  const last = words.at(-1);
  const position = last === undefined ? null : POSITION.exec(last);
  if (position) {
    index = Number(position[1]);
    total = Number(position[2]);
    words.pop();
  }
  const stage = internal ? undefined : words.join(" ") || undefined;
  const keyword = /^([A-Z]+)\b/.exec(text)?.[1];
  return {
    platform,
    executionPlatform,
    stage,
    index,
    total,
    instruction: internal || index === undefined ? undefined : keyword,
    text,
    internal,
  };
}
