import { access, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BuildCommand } from "../buildx/build-command.ts";
import { Buildx } from "../buildx/buildx.ts";
import type { BuildEnvironment } from "../engine/build-environment.ts";
import { openEnvironment } from "../engine/open-environment.ts";
import { MIRROR, writeContext } from "../engine/testdata/engine-fixtures.ts";
import { baseEnv, exec } from "../exec/exec.ts";
import { countAcceptedLogins, startSshGitServer, type SshGitServer } from "./ssh-git-server.ts";

const MODULE = {
  name: "greeting",
  files: {
    "go.mod": "module git.course.test/team/greeting.git\n\ngo 1.22\n",
    "greeting.go": 'package greeting\n\nfunc Hello() string { return "hello" }\n',
  },
  tags: ["v1.0.0"],
};

// A real Git server over SSH for one run: only the run's key (through its agent) gets in, and
// only to a host key pinned in known_hosts; a build given the agent with --ssh can fetch.
describe("the run's Git server over SSH", () => {
  let server: SshGitServer;
  let home: string;
  beforeAll(async () => {
    server = await startSshGitServer([MODULE]);
    home = await mkdtemp(join(tmpdir(), "ssh-client-"));
    await writeFile(join(home, "known_hosts"), `${server.knownHostsLine}\n`);
  });
  afterAll(async () => {
    await server.dispose();
    await rm(home, { recursive: true, force: true });
  });

  const lsRemote = (env: Record<string, string>, knownHosts = join(home, "known_hosts")) =>
    exec("git", ["ls-remote", server.url("greeting")], {
      reject: false,
      timeoutMs: 30_000,
      env: {
        ...baseEnv(),
        HOME: home,
        GIT_SSH_COMMAND: `ssh -F none -o IdentitiesOnly=no -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=${knownHosts}`,
        ...env,
      },
    });

  it("serves the repository, its tag and nothing else, to the agent's key", async () => {
    const before = await server.acceptedLogins();
    const result = await lsRemote({ SSH_AUTH_SOCK: server.agentSocket });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/refs\/heads\/main/);
    expect(result.stdout).toMatch(/refs\/tags\/v1\.0\.0/);
    expect(await server.acceptedLogins()).toBe(before + 1);
  });

  it("refuses a client without the key", async () => {
    const result = await lsRemote({});
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toMatch(/Permission denied/);
  });

  it("is refused by a client that pinned another host key", async () => {
    const other = join(home, "other_known_hosts");
    await writeFile(other, `${server.decoyKnownHostsLine}\n`);
    const result = await lsRemote({ SSH_AUTH_SOCK: server.agentSocket }, other);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toMatch(/host key|HOST IDENTIFICATION/i);
  });

  it("counts only the run's key in sshd's log", () => {
    const log = [
      "Accepted publickey for bk-git from 10.0.0.2 port 4000 ssh2: ED25519 SHA256:abc",
      "Accepted publickey for bk-git from 10.0.0.2 port 4001 ssh2: ED25519 SHA256:other",
      "Failed publickey for bk-git from 10.0.0.2 port 4002 ssh2: ED25519 SHA256:abc",
    ].join("\n");
    expect(countAcceptedLogins(log, "SHA256:abc")).toBe(1);
  });
});

describe("a build with the run's SSH agent", () => {
  let env: BuildEnvironment;
  let server: SshGitServer;
  let context: string;
  beforeAll(async () => {
    env = await openEnvironment({ mirror: MIRROR });
    server = await startSshGitServer([MODULE], env);
    // What exercise 05 needs: a private Go module fetched over SSH, with the server's key pinned.
    // The module path ends in .git, so Go asks Git directly (no ?go-get=1 lookup over HTTPS), and
    // Git's insteadOf turns the https URL into the run's SSH URL.
    const base = server.url("greeting").replace(/greeting\.git$/, "");
    context = await writeContext(
      [
        "FROM golang:1.22-bookworm",
        "ENV GOPRIVATE=git.course.test",
        `RUN git config --global url."${base}".insteadOf "https://git.course.test/team/"`,
        "WORKDIR /src",
        "COPY go.mod main.go ./",
        "RUN --mount=type=bind,source=known_hosts,target=/etc/ssh/ssh_known_hosts --mount=type=ssh \\",
        "    go mod download && go build -o /usr/local/bin/svc . && svc > /greeting",
        "",
      ].join("\n"),
      {
        known_hosts: `${server.knownHostsLine}\n`,
        "go.mod": "module example.com/svc\n\ngo 1.22\n\nrequire git.course.test/team/greeting.git v1.0.0\n",
        "main.go":
          'package main\n\nimport (\n\t"fmt"\n\n\tgreeting "git.course.test/team/greeting.git"\n)\n\nfunc main() { fmt.Println(greeting.Hello()) }\n',
      },
    );
  });
  afterAll(async () => {
    await server.dispose();
    await env.dispose();
    await rm(context, { recursive: true, force: true });
  });

  const build = (ssh: boolean) =>
    new BuildCommand(new Buildx(env)).run({
      label: "ssh",
      context,
      output: "cacheonly",
      network: "host",
      noCache: true,
      ...(ssh ? { ssh: [{ id: "default", socket: server.agentSocket }] } : {}),
      timeoutMs: 300_000,
    });

  it("fetches a private Go module over SSH with the agent forwarded, and cannot without it", async () => {
    const before = await server.acceptedLogins();
    const withAgent = await build(true);
    expect(withAgent.failure?.message, withAgent.failure?.logTail).toBeUndefined();
    // Go connects more than once (ls-remote, then the fetch).
    const after = await server.acceptedLogins();
    expect(after).toBeGreaterThan(before);
    const without = await build(false);
    expect(without.ok).toBe(false);
    expect(await server.acceptedLogins()).toBe(after);
  });

  it("leaves nothing behind when disposed", async () => {
    const probe = await startSshGitServer([MODULE]);
    const socket = probe.agentSocket;
    await probe.dispose();
    await expect(access(socket)).rejects.toThrow();
  });
});
