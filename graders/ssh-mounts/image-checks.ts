import type { FileRecord } from "../../harness/inspect/image-filesystem.ts";
import { SCRIPT_PATH, SCRIPT_VARIABLES, SETTINGS_PATH, SETTINGS_TEXT } from "./project.ts";

/** A pure judgment of what the image holds. */
export interface Judgment {
  readonly ok: boolean;
  readonly message: string;
  readonly details?: readonly string[];
}

const octal = (mode: number) => (mode & 0o7777).toString(8).padStart(3, "0");

/** Shows invisible differences (a lost `$time`, a missing newline) in a message. */
const shown = (text: string) => JSON.stringify(text);

/** The settings file: exactly the text asked for (one final newline either way), mode 644. */
export function judgeSettings(record: FileRecord | undefined, text: string | undefined): Judgment {
  if (!record || record.type !== "file" || text === undefined)
    return { ok: false, message: `${SETTINGS_PATH} is not a regular file in the final image.` };
  const want = SETTINGS_TEXT.replace(/\n*$/, "\n");
  const got = text.replace(/\n*$/, "\n");
  if (got !== want) {
    const wantLines = want.split("\n");
    const gotLines = got.split("\n");
    const line = wantLines.findIndex((l, i) => gotLines[i] !== l);
    return {
      ok: false,
      message: `${SETTINGS_PATH} differs from the text asked for at line ${line + 1}${
        /\$/.test(wantLines[line] ?? "") && !/\$/.test(gotLines[line] ?? "")
          ? ": its $ words were expanded while building. Quote the heredoc's delimiter (<<'EOF') so they are kept."
          : "."
      }`,
      details: [
        `expected: ${shown(wantLines[line] ?? "")}`,
        `found:    ${shown(gotLines[line] ?? "(nothing)")}`,
      ],
    };
  }
  if ((record.mode & 0o777) !== 0o644)
    return {
      ok: false,
      message: `${SETTINGS_PATH} has mode ${octal(record.mode)}; it should be 644 (everyone reads it, only root writes it).`,
    };
  return { ok: true, message: `${SETTINGS_PATH} has exactly the text asked for, mode 644.` };
}

/** The start script: executable by everyone, a shell script that still names its variables. */
export function judgeScript(record: FileRecord | undefined, text: string | undefined): Judgment {
  if (!record || record.type !== "file" || text === undefined)
    return { ok: false, message: `${SCRIPT_PATH} is not a regular file in the final image.` };
  if ((record.mode & 0o111) !== 0o111)
    return {
      ok: false,
      message: `${SCRIPT_PATH} has mode ${octal(record.mode)}: not every user may execute it, so the entrypoint cannot start (as a non-root user, or at all). Give the COPY --chmod=755, or chmod 755 it.`,
    };
  const lost = SCRIPT_VARIABLES.filter(
    (v) => !new RegExp(String.raw`\$(?:\{${v}[}:\-=?+#%]|${v}\b)`).test(text),
  );
  if (lost.length > 0)
    return {
      ok: false,
      message: `${SCRIPT_PATH} no longer mentions ${lost.map((v) => `$${v}`).join(" or ")}: the variables were expanded while building, when they are empty. Quote the heredoc's delimiter (<<'EOF') so the script reads them when the container starts.`,
      details: text.split("\n").slice(0, 8),
    };
  if (!text.startsWith("#!"))
    return { ok: false, message: `${SCRIPT_PATH} has no #! line, so the kernel cannot run it as a script.` };
  return {
    ok: true,
    message: `${SCRIPT_PATH} is executable (mode ${octal(record.mode)}) and reads ${SCRIPT_VARIABLES.map((v) => `$${v}`).join(" and ")} at run time.`,
  };
}

/** The health answer of the started image names the instance as SERVICE_NAME said, and greets it through the private module. */
export function judgeHealthAnswer(healthy: boolean, body: string, name: string, detail: string): Judgment {
  if (!healthy)
    return {
      ok: false,
      message: `Started with PORT and SERVICE_NAME set, the service never answered on that port (${detail}).`,
    };
  let answer: unknown;
  try {
    answer = JSON.parse(body);
  } catch {
    return { ok: false, message: `The service answered, but not with JSON: ${shown(body.slice(0, 120))}.` };
  }
  const fields = typeof answer === "object" && answer !== null ? (answer as Record<string, unknown>) : {};
  if (fields["service"] !== name)
    return {
      ok: false,
      message: `The service calls itself ${shown(String(fields["service"]))}, not ${shown(name)} as SERVICE_NAME said: the start script did not pass the variable on.`,
    };
  if (typeof fields["greeting"] !== "string" || !fields["greeting"].includes(name))
    return { ok: false, message: "The service's greeting does not come from the private module." };
  return {
    ok: true,
    message: `It answered on the given port as ${shown(name)}: ${shown(fields["greeting"])}.`,
  };
}
