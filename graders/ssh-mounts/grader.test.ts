import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadExercise } from "../../harness/grading/exercise.ts";
import { failedIds, judgeStatic } from "../../harness/grading/testing/judge-static.ts";
import { grader } from "./grader.ts";

const exercise = await loadExercise("05-ssh-heredocs-mounts");
const SOLUTION = await readFile(join(exercise.dir, "solution", "Dockerfile"), "utf8");

const judge = (dockerfile: string) => judgeStatic(grader, exercise, { Dockerfile: dockerfile });
const swap = (from: string, to: string) => {
  expect(SOLUTION).toContain(from);
  return SOLUTION.replace(from, to);
};
const lineOf = (text: string, needle: string) => text.split("\n").findIndex((l) => l.includes(needle)) + 1;

describe("ssh-mounts static checks, each passing and failing on small inputs", () => {
  it("passes the reference solution", () => {
    expect(failedIds(judge(SOLUTION))).toEqual([]);
  });

  it("fails every Dockerfile check, naming the file, when there is no Dockerfile", () => {
    const results = judgeStatic(grader, exercise, {});
    expect(failedIds(results)).toHaveLength(6);
    expect(results.get("dockerfile.ssh-mount")?.location).toEqual({ file: "Dockerfile" });
  });

  it.each([
    ["COPY deploy_key", "COPY deploy_key /root/.ssh/id_ed25519\n"],
    ["ADD ./deploy_key", "ADD ./deploy_key /tmp/k\n"],
    ["an id_ed25519 file", "COPY keys/id_ed25519 /root/.ssh/\n"],
  ])("fails dockerfile.ssh-mount at the line that copies a key (%s)", (_form, copy) => {
    const text = swap("WORKDIR /src\n", `WORKDIR /src\n${copy}`);
    const results = judge(text);
    expect(failedIds(results)).toEqual(["dockerfile.ssh-mount"]);
    expect(results.get("dockerfile.ssh-mount")?.location?.line).toBe(lineOf(text, copy.trim()));
  });

  it("fails dockerfile.ssh-mount at the download step when no Go or Git step forwards the agent", () => {
    const text = swap("    --mount=type=ssh \\\n", "");
    const results = judge(text);
    expect(failedIds(results)).toEqual(["dockerfile.ssh-mount"]);
    expect(results.get("dockerfile.ssh-mount")?.location?.line).toBe(lineOf(text, "go.mod,target"));
  });

  it("accepts the agent on a git clone step too", () => {
    const text = `FROM golang:1.22-bookworm\nRUN --mount=type=ssh git clone ssh://x/y.git /y\n`;
    expect(judge(text).get("dockerfile.ssh-mount")?.status).toBe("passed");
  });

  it.each([
    ["ssh-keyscan", "RUN ssh-keyscan -p 22 git.course.test >> /etc/ssh/ssh_known_hosts\n"],
    ["StrictHostKeyChecking=no in ENV", 'ENV GIT_SSH_COMMAND="ssh -o StrictHostKeyChecking=no"\n'],
    ["accept-new", "RUN git config --global core.sshCommand 'ssh -o StrictHostKeyChecking=accept-new'\n"],
    [
      "an ssh_config written by printf",
      "RUN printf 'Host *\\n  StrictHostKeyChecking off\\n' > /etc/ssh/ssh_config\n",
    ],
    ["a heredoc ssh config", "COPY <<EOF /root/.ssh/config\nHost *\n    StrictHostKeyChecking no\nEOF\n"],
  ])("fails dockerfile.host-key at the line that stops pinning (%s)", (_form, line) => {
    const text = swap("WORKDIR /src\n", `${line}WORKDIR /src\n`);
    const results = judge(text);
    expect(failedIds(results)).toEqual(["dockerfile.host-key"]);
    expect(results.get("dockerfile.host-key")?.location?.line).toBe(lineOf(text, line.split("\n")[0] ?? ""));
  });

  it("leaves UserKnownHostsFile=/dev/null to the behaviour check: ssh still reads the global file", () => {
    const text = swap(
      "WORKDIR /src\n",
      "ENV GIT_SSH_COMMAND='ssh -o UserKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes'\nWORKDIR /src\n",
    );
    expect(text).toContain("target=/etc/ssh/ssh_known_hosts");
    expect(failedIds(judge(text))).toEqual([]);
  });

  it("keeps an explicit StrictHostKeyChecking=yes with a pinned file", () => {
    const text = swap(
      "WORKDIR /src\n",
      'ENV GIT_SSH_COMMAND="ssh -o StrictHostKeyChecking=yes -o UserKnownHostsFile=/run/k"\nWORKDIR /src\n',
    );
    expect(failedIds(judge(text))).toEqual([]);
  });

  it("fails dockerfile.heredocs when a file is written by echo, at that step", () => {
    const text = swap(
      "COPY <<'EOF' /etc/status/status.conf\n# status service settings\nteam = platform\nlog_format = $time $level $message\nEOF\n",
      "RUN echo 'team = platform' > /etc/status/status.conf\n",
    );
    const results = judge(text);
    expect(failedIds(results)).toEqual(["dockerfile.heredocs"]);
    expect(results.get("dockerfile.heredocs")?.message).toMatch(/status\.conf is not written with a heredoc/);
    expect(results.get("dockerfile.heredocs")?.location?.line).toBe(lineOf(text, "RUN echo"));
  });

  it("accepts a heredoc named after the file into a folder, and RUN heredocs", () => {
    const text = swap("COPY <<'EOF' /etc/status/status.conf", "COPY <<status.conf /etc/status/")
      .replace(
        "log_format = $time $level $message\nEOF\n",
        "log_format = $time $level $message\nstatus.conf\n",
      )
      .replace(
        "COPY --chmod=755 <<'EOF' /usr/local/bin/start-status",
        "RUN <<'EOT'\ncat > /usr/local/bin/start-status <<'EOF'",
      )
      .replace(
        '-name "${SERVICE_NAME}"\nEOF\n',
        '-name "${SERVICE_NAME}"\nEOF\nchmod 755 /usr/local/bin/start-status\nEOT\n',
      );
    expect(failedIds(judge(text))).toEqual([]);
  });

  it("fails dockerfile.bind-tests at a COPY that brings the tests in, and accepts named sources", () => {
    for (const copy of ["COPY . .", "COPY *.go ./", "COPY ./ /src/", "COPY main_test.go ./"]) {
      const text = swap("# Sources and tests", `${copy}\n# Sources and tests`);
      const results = judge(text);
      expect(failedIds(results), copy).toEqual(["dockerfile.bind-tests"]);
      expect(results.get("dockerfile.bind-tests")?.location?.line).toBe(lineOf(text, copy));
    }
    expect(failedIds(judge(swap("# Sources and tests", "COPY main.go settings.go ./\n# Sources")))).toEqual(
      [],
    );
  });

  it("fails dockerfile.bind-tests when the tests are not run or not mounted", () => {
    expect(failedIds(judge(swap("go vet ./... && go test ./...", "go vet ./...")))).toEqual([
      "dockerfile.bind-tests",
    ]);
    const unmounted = swap(
      "RUN --mount=type=bind,target=/src \\\n    --mount=type=cache,target=/go/pkg/mod \\\n    --mount=type=cache,target=/root/.cache/go-build \\\n    go vet",
      "RUN --mount=type=cache,target=/go/pkg/mod \\\n    --mount=type=cache,target=/root/.cache/go-build \\\n    go vet",
    );
    expect(failedIds(judge(unmounted))).toEqual(["dockerfile.bind-tests"]);
  });

  it("fails dockerfile.go-caches at the first Go step without them, and follows GOCACHE through stages", () => {
    const text = swap("    --mount=type=cache,target=/root/.cache/go-build \\\n    go vet", "    go vet");
    const results = judge(text);
    expect(failedIds(results)).toEqual(["dockerfile.go-caches"]);
    expect(results.get("dockerfile.go-caches")?.message).toMatch(/build cache \(\/root\/\.cache\/go-build\)/);
    const moved = [
      "FROM golang:1.22-bookworm AS base",
      "ENV GOCACHE=/c/build GOMODCACHE=/c/mod",
      "FROM base AS test",
      "RUN --mount=type=ssh --mount=type=bind,target=/s --mount=type=cache,target=/c go vet ./... && go test ./...",
      "",
    ].join("\n");
    expect(judge(moved).get("dockerfile.go-caches")?.status).toBe("passed");
    expect(
      judge(moved.replace("target=/c ", "target=/root/.cache/go-build ")).get("dockerfile.go-caches")
        ?.message,
    ).toMatch(/\/c\/mod/);
  });

  it("accepts a cache location set on the step itself", () => {
    const text = `FROM golang:1.22-bookworm\nRUN --mount=type=ssh --mount=type=bind,target=/s --mount=type=cache,target=/gc --mount=type=cache,target=/go/pkg/mod GOCACHE=/gc go vet ./... && GOCACHE=/gc go test ./...\n`;
    expect(judge(text).get("dockerfile.go-caches")?.status).toBe("passed");
  });
});
