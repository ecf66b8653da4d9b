import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { spawnDaemon } from "../exec/daemon.ts";
import { exec, baseEnv } from "../exec/exec.ts";
import { GraderError } from "../errors.ts";
import { fallback, registerDisposer } from "../lifecycle/cleanup-registry.ts";
import type { ServicePlace } from "../engine/run-registry.ts";
import { freePort } from "../util/free-port.ts";
import { answers, waitUntil } from "../util/wait-until.ts";

/**
 * A real private npm registry (verdaccio) for one grading run. The `@course` scope is readable
 * only with the run's token, so a build can install its private package only if it was given
 * the secret; nothing is proxied to the public registry.
 */
export interface PrivateNpmRegistry {
  /** e.g. http://127.0.0.1:41234/ */
  readonly url: string;
  /** The run's auth token: the canary the leak checks look for. */
  readonly token: string;
  /** How many tarballs were downloaded with a valid token so far. */
  authenticatedDownloads(): Promise<number>;
  dispose(): Promise<void>;
}

/** The .npmrc a client of the registry needs: the scope's packages from it, with the run's token. */
export function scopedNpmrc(registry: Pick<PrivateNpmRegistry, "url" | "token">, scope: string): string {
  return `${scope}:registry=${registry.url}\n${registry.url.replace(/^http:/, "")}:_authToken=${registry.token}\n`;
}

const require = createRequire(import.meta.url);

export async function startPrivateNpmRegistry(
  packages: readonly string[],
  place: ServicePlace = { serviceHost: "127.0.0.1", exposePort: () => Promise.resolve() },
): Promise<PrivateNpmRegistry> {
  const dir = await mkdtemp(join(tmpdir(), "bkg-npm-"));
  const port = await freePort(place.serviceHost);
  const url = `http://${place.serviceHost}:${port}/`;
  const logFile = join(dir, "access.log");
  await mkdir(join(dir, "storage"));
  await writeFile(join(dir, "htpasswd"), "");
  await writeFile(
    join(dir, "config.yaml"),
    [
      `storage: ${join(dir, "storage")}`,
      `secret: ${randomBytes(32).toString("hex")}`,
      "auth:",
      `  htpasswd: { file: ${join(dir, "htpasswd")}, max_users: 1 }`,
      "uplinks: {}",
      "packages:",
      "  '@course/*': { access: $authenticated, publish: $authenticated }",
      "  '**': { access: $authenticated, publish: $authenticated }",
      `listen: ${place.serviceHost}:${port}`,
      `log: { type: file, path: ${logFile}, format: json, level: http }`,
      "web: { enable: false }",
      "",
    ].join("\n"),
  );
  const bin = join(dirname(require.resolve("verdaccio/package.json")), "bin", "verdaccio");
  const daemon = spawnDaemon(process.execPath, [bin, "--config", join(dir, "config.yaml")], {
    env: baseEnv(),
    logFile: join(dir, "stdout.log"),
  });
  const dispose = registerDisposer(`npm registry ${url}`, async () => {
    await daemon.stop(5000);
    await rm(dir, { recursive: true, force: true });
  });
  fallback(dispose, [{ kill: daemon.pid }, { remove: dir }]);
  try {
    if (
      !(await waitUntil(() => answers(`${url}-/ping`), {
        timeoutMs: 30_000,
        gaveUp: () => daemon.hasExited(),
      }))
    ) {
      throw new GraderError(
        "ENGINE_START_FAILED",
        `the private npm registry did not start; see ${join(dir, "stdout.log")}`,
      );
    }
    const user = `grader-${randomBytes(4).toString("hex")}`;
    const response = await fetch(`${url}-/user/org.couchdb.user:${user}`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: user, password: randomBytes(16).toString("hex") }),
    });
    const body = (await response.json()) as { token?: string };
    if (!response.ok || !body.token)
      throw new GraderError(
        "ENGINE_START_FAILED",
        `could not create the registry user (HTTP ${response.status})`,
      );
    const token = body.token;
    await place.exposePort(port);
    const npmrc = join(dir, "publish.npmrc");
    await writeFile(npmrc, `registry=${url}\n${url.replace(/^http:/, "")}:_authToken=${token}\n`);
    for (const tarball of packages) {
      await exec(
        "npm",
        [
          "publish",
          tarball,
          "--registry",
          url,
          "--userconfig",
          npmrc,
          "--access",
          "restricted",
          "--provenance=false",
        ],
        { env: baseEnv(), timeoutMs: 60_000 },
      );
    }
    return {
      url,
      token,
      dispose,
      async authenticatedDownloads() {
        const log = await readFile(logFile, "utf8").catch(() => "");
        return log
          .split("\n")
          .filter(
            (line) =>
              /"msg":".*GET.*\.tgz.*200/.test(line) ||
              (/\.tgz/.test(line) && /"status":200/.test(line) && /"user":"grader-/.test(line)),
          ).length;
      },
    };
  } catch (error) {
    await dispose();
    throw error;
  }
}
