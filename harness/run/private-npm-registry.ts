import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { spawnDaemon } from "../exec/daemon.ts";
import { publishTarball } from "./npm-publish.ts";
import { baseEnv } from "../exec/exec.ts";
import { GraderError } from "../errors.ts";
import { fallback, registerDisposer } from "../lifecycle/cleanup-registry.ts";
import type { ServicePlace } from "../engine/run-registry.ts";
import { freePort } from "../util/free-port.ts";
import { answers, waitUntil } from "../util/wait-until.ts";
import { startReadOnlyProxy, type ReadOnlyProxy } from "../sandbox/mirror-proxy.ts";

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
  /** How many tarballs were served so far (each only with a valid token). */
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
  // verdaccio itself listens on loopback, where no build reaches it; builds reach it through a
  // read-only proxy at the run's service address, which counts the tarballs it serves. Its own
  // access log cannot: it writes a download's line only if the client keeps the connection open
  // until the server ends the response, which npm on a busy machine does not always do.
  const innerPort = await freePort("127.0.0.1");
  const inner = `http://127.0.0.1:${innerPort}/`;
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
      `listen: 127.0.0.1:${innerPort}`,
      `log: { type: file, path: ${join(dir, "access.log")}, format: json, level: http }`,
      "web: { enable: false }",
      "",
    ].join("\n"),
  );
  const bin = join(dirname(require.resolve("verdaccio/package.json")), "bin", "verdaccio");
  const daemon = spawnDaemon(process.execPath, [bin, "--config", join(dir, "config.yaml")], {
    env: baseEnv(),
    logFile: join(dir, "stdout.log"),
  });
  let proxy: ReadOnlyProxy | undefined;
  const dispose = registerDisposer(`npm registry ${inner}`, async () => {
    await proxy?.close();
    await daemon.stop(5000);
    await rm(dir, { recursive: true, force: true });
  });
  fallback(dispose, [{ kill: daemon.pid }, { remove: dir }]);
  try {
    if (
      !(await waitUntil(() => answers(`${inner}-/ping`), {
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
    const response = await fetch(`${inner}-/user/org.couchdb.user:${user}`, {
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
    // Published over HTTP as npm would: an npm process per package cost half a second.
    for (const tarball of packages) await publishTarball(inner, token, tarball);
    let downloads = 0;
    proxy = await startReadOnlyProxy(place.serviceHost, inner, {
      // verdaccio writes tarball links from the Host header: they must name the proxy.
      keepHost: true,
      // Every package needs the token: a tarball answered 200 went to a client that had it.
      onAnswer: (method, path, status) => {
        // The path is a build's to choose: one no URL parser accepts is no tarball.
        if (
          method === "GET" &&
          status === 200 &&
          URL.canParse(path, inner) &&
          new URL(path, inner).pathname.endsWith(".tgz")
        )
          downloads += 1;
      },
    });
    await place.exposePort(proxy.port);
    return {
      url: `http://${proxy.address}/`,
      token,
      dispose,
      authenticatedDownloads: () => Promise.resolve(downloads),
    };
  } catch (error) {
    await dispose();
    throw error;
  }
}
