import { describe, expect, it } from "vitest";
import type { FileRecord } from "../../harness/inspect/image-filesystem.ts";
import { judgeHealthAnswer, judgeScript, judgeSettings } from "./image-checks.ts";
import { SETTINGS_TEXT } from "./project.ts";

const file = (mode: number): FileRecord => ({
  path: "x",
  type: "file",
  size: 1,
  mode,
  linkpath: undefined,
  layer: 0,
  head: undefined,
});
const SCRIPT =
  '#!/bin/sh\nset -eu\nexec /usr/local/bin/status -config /etc/status/status.conf -listen ":${PORT}" -name "${SERVICE_NAME}"\n';

describe("the settings file", () => {
  it("passes the exact text at mode 644, with or without the final newline", () => {
    expect(judgeSettings(file(0o100644), SETTINGS_TEXT).ok).toBe(true);
    expect(judgeSettings(file(0o644), SETTINGS_TEXT.trimEnd()).ok).toBe(true);
  });
  it("says the $ words were expanded when they are gone, and shows the line", () => {
    const result = judgeSettings(file(0o644), SETTINGS_TEXT.replace("$time $level $message", "  "));
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/line 3: its \$ words were expanded/);
    expect(result.details?.[1]).toContain('"log_format =   "');
  });
  it("fails another text, a wrong mode and a missing file", () => {
    expect(judgeSettings(file(0o644), SETTINGS_TEXT.replace("platform", "ops")).message).toMatch(/line 2\.$/);
    expect(judgeSettings(file(0o600), SETTINGS_TEXT).message).toMatch(/mode 600/);
    expect(judgeSettings(undefined, undefined).ok).toBe(false);
  });
});

describe("the start script", () => {
  it("passes an executable script that reads its variables at run time, in any spelling", () => {
    expect(judgeScript(file(0o755), SCRIPT).ok).toBe(true);
    expect(
      judgeScript(
        file(0o555),
        SCRIPT.replace("${PORT}", "$PORT").replace("${SERVICE_NAME}", "${SERVICE_NAME:?}"),
      ).ok,
    ).toBe(true);
  });
  it("fails a script that is not executable by everyone", () => {
    expect(judgeScript(file(0o644), SCRIPT).message).toMatch(/not every user may execute it/);
    expect(judgeScript(file(0o700), SCRIPT).ok).toBe(false);
  });
  it("fails a script whose variables were expanded while building", () => {
    const result = judgeScript(
      file(0o755),
      SCRIPT.replace('":${PORT}"', '":"').replace('"${SERVICE_NAME}"', '""'),
    );
    expect(result.message).toMatch(/\$PORT or \$SERVICE_NAME/);
    expect(judgeScript(file(0o755), SCRIPT.replace("$PORTS", "").replace("${PORT}", "$PORTX")).ok).toBe(
      false,
    );
  });
  it("fails a script with no #! line", () => {
    expect(judgeScript(file(0o755), SCRIPT.replace("#!/bin/sh\n", "")).message).toMatch(/#!/);
  });
});

describe("the health answer", () => {
  const body = (service: string) =>
    JSON.stringify({ service, greeting: `Hello from the platform team, ${service}!`, team: "platform" });
  it("passes when the service names itself as SERVICE_NAME said", () => {
    expect(judgeHealthAnswer(true, body("edge-7"), "edge-7", "HTTP 200").ok).toBe(true);
  });
  it("fails no answer, a body that is not JSON, another name and a greeting without it", () => {
    expect(judgeHealthAnswer(false, "", "edge-7", "the container exited with code 1").message).toMatch(
      /exited with code 1/,
    );
    expect(judgeHealthAnswer(true, "ok", "edge-7", "HTTP 200").message).toMatch(/not with JSON/);
    expect(judgeHealthAnswer(true, body(""), "edge-7", "HTTP 200").message).toMatch(
      /did not pass the variable on/,
    );
    expect(
      judgeHealthAnswer(true, JSON.stringify({ service: "edge-7", greeting: "hi" }), "edge-7", "HTTP 200").ok,
    ).toBe(false);
  });
});
