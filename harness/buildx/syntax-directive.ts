/**
 * A `# syntax=docker/dockerfile:1` directive makes BuildKit pull a frontend image from Docker
 * Hub. Where that cannot be pulled the harness builds with the engine's built-in frontend: the
 * directive line is blanked (line numbers stay as the learner wrote them).
 */
export interface DirectiveEdit {
  readonly text: string;
  /** The directive that was removed, if any. */
  readonly removed: string | undefined;
}

const DIRECTIVE = /^#\s*syntax\s*=\s*(\S+)\s*$/i;

export function stripSyntaxDirective(dockerfile: string): DirectiveEdit {
  const lines = dockerfile.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? "").replace(/\r$/, "");
    // Parser directives are only recognised before the first instruction, blank line or comment.
    if (!/^#/.test(line)) break;
    const m = DIRECTIVE.exec(line);
    if (m) {
      lines[i] = "# (frontend directive removed by the grader: built with the engine's built-in frontend)";
      return { text: lines.join("\n"), removed: m[1] };
    }
    if (!/^#\s*\w+\s*=/.test(line)) break;
  }
  return { text: dockerfile, removed: undefined };
}
