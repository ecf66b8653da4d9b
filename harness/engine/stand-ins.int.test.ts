import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { exec } from "../exec/exec.ts";
import { detectMirror } from "./base-image-mirror.ts";

/**
 * Each stand-in base image against the facts of the real image that a Dockerfile can observe
 * (stand-in-facts.json). Without a mirror the same facts are checked on Docker Hub's images.
 */
interface ImageFacts {
  tags: string[];
  platforms: string[];
  users: Record<string, { uid: number; gid: number; home: string; shell: string }>;
  groups: Record<string, number>;
  owners: Record<string, string>;
  modes: Record<string, string>;
  env: Record<string, string>;
  workdir: string;
  user: string;
  entrypoint?: string[];
  cmd?: string[];
  files?: string[];
  tools: string[];
  versions?: Record<string, string>;
}

const facts = JSON.parse(await readFile(new URL("./stand-in-facts.json", import.meta.url), "utf8")) as {
  images: ImageFacts[];
};
const mirror = await detectMirror();
const registry = mirror === undefined ? "docker.io" : new URL(mirror).host;

interface Observed {
  passwd: string[];
  group: string[];
  stat: Record<string, string>;
  tools: Record<string, string>;
  versions: Record<string, string>;
}

async function observe(image: string, platform: string, wanted: ImageFacts): Promise<Observed> {
  const paths = [
    ...new Set([...Object.keys(wanted.owners), ...Object.keys(wanted.modes), ...(wanted.files ?? [])]),
  ];
  const script = [
    "echo @@passwd; cat /etc/passwd; echo @@group; cat /etc/group; echo @@stat",
    ...paths.map((p) => `stat -c '%n %u:%g %a' ${p} 2>/dev/null || echo '${p} missing'`),
    "echo @@tools",
    ...wanted.tools.map((t) => `echo "${t} $(command -v ${t} || echo missing)"`),
    "echo @@versions",
    ...Object.keys(wanted.versions ?? {}).map((c) => `echo "${c}=$(${c} 2>&1 | head -1)"`),
  ].join("\n");
  const run = await exec(
    "docker",
    [
      "run",
      "--rm",
      "--network",
      "none",
      "--platform",
      platform,
      "--entrypoint",
      "/bin/sh",
      image,
      "-c",
      script,
    ],
    { timeoutMs: 120_000 },
  );
  const sections = new Map<string, string[]>();
  let current = "";
  for (const line of run.stdout.split("\n")) {
    if (line.startsWith("@@")) current = line.slice(2);
    else if (line !== "") sections.set(current, [...(sections.get(current) ?? []), line]);
  }
  const pairs = (name: string, separator: string): Record<string, string> =>
    Object.fromEntries(
      (sections.get(name) ?? []).map((l) => {
        const at = l.indexOf(separator);
        return [l.slice(0, at), l.slice(at + 1)];
      }),
    );
  return {
    passwd: sections.get("passwd") ?? [],
    group: sections.get("group") ?? [],
    stat: pairs("stat", " "),
    tools: pairs("tools", " "),
    versions: pairs("versions", "="),
  };
}

describe.each(
  facts.images.flatMap((f) => f.tags.flatMap((tag) => f.platforms.map((platform) => ({ tag, platform, f })))),
)("$tag ($platform)", ({ tag, platform, f }) => {
  const image = `${registry}/library/${tag}`;

  it(
    "has the real image's users, groups, owners, modes, tools and versions",
    { timeout: 300_000 },
    async () => {
      await exec("docker", ["pull", "-q", "--platform", platform, image], { timeoutMs: 240_000 });
      const seen = await observe(image, platform, f);
      for (const [name, u] of Object.entries(f.users))
        expect(seen.passwd, `user ${name}`).toContainEqual(
          expect.stringMatching(new RegExp(`^${name}:[^:]*:${u.uid}:${u.gid}:[^:]*:${u.home}:${u.shell}$`)),
        );
      for (const [name, gid] of Object.entries(f.groups))
        expect(seen.group, `group ${name}`).toContainEqual(
          expect.stringMatching(new RegExp(`^${name}:[^:]*:${gid}:`)),
        );
      for (const [path, owner] of Object.entries(f.owners))
        expect(seen.stat[path], `owner of ${path}`).toMatch(new RegExp(`^${owner} `));
      for (const [path, mode] of Object.entries(f.modes))
        expect(seen.stat[path], `mode of ${path}`).toMatch(new RegExp(` ${mode}$`));
      for (const path of f.files ?? []) expect(seen.stat[path], path).not.toBe("missing");
      for (const tool of f.tools) expect(seen.tools[tool], `${tool} on PATH`).not.toBe("missing");
      for (const [command, pattern] of Object.entries(f.versions ?? {}))
        expect(seen.versions[command], command).toMatch(new RegExp(pattern));
    },
  );

  it("has the real image's config: ENV, WORKDIR, USER, ENTRYPOINT, CMD", { timeout: 60_000 }, async () => {
    const inspected = await exec("docker", ["image", "inspect", "--format", "{{json .Config}}", image], {
      timeoutMs: 30_000,
    });
    const config = JSON.parse(inspected.stdout) as {
      Env?: string[];
      WorkingDir?: string;
      User?: string;
      Entrypoint?: string[] | null;
      Cmd?: string[] | null;
    };
    const env = Object.fromEntries(
      (config.Env ?? []).map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]),
    );
    for (const [name, value] of Object.entries(f.env))
      expect(env[name], `ENV ${name}`).toMatch(
        new RegExp(value.startsWith("^") ? value : `^${value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`),
      );
    expect(config.WorkingDir === "" ? "/" : (config.WorkingDir ?? "/")).toBe(f.workdir);
    expect(config.User ?? "").toBe(f.user);
    if (f.entrypoint) expect(config.Entrypoint).toEqual(f.entrypoint);
    if (f.cmd) expect(config.Cmd).toEqual(f.cmd);
  });
});
