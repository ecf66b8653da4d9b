import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnDaemon } from "../exec/daemon.ts";
import { EngineUnavailableError, GraderError } from "../errors.ts";
import { fallback, registerDisposer } from "../lifecycle/cleanup-registry.ts";
import { findExecutable } from "./host-tools.ts";
import { freePort } from "../util/free-port.ts";
import { answers, waitUntil } from "../util/wait-until.ts";

/** A private OCI registry that lives only for one grading run, where its builds reach it. */
export interface RunRegistry {
  /** host:port, e.g. 10.213.3.1:41234 */
  readonly host: string;
  dispose(): Promise<void>;
}

/** Where a run's service listens: the host's end of the run's network, or loopback. */
export interface ServicePlace {
  readonly serviceHost: string;
  exposePort(port: number): Promise<void>;
}
const LOOPBACK: ServicePlace = { serviceHost: "127.0.0.1", exposePort: () => Promise.resolve() };

export async function startRunRegistry(place: ServicePlace = LOOPBACK): Promise<RunRegistry> {
  const binary = findExecutable("docker-registry") ?? findExecutable("registry");
  if (!binary)
    throw new EngineUnavailableError(
      "no registry server (docker-registry) was found for the run's private registry",
    );
  const dir = await mkdtemp(join(tmpdir(), "bkg-reg-"));
  const port = await freePort(place.serviceHost);
  const host = `${place.serviceHost}:${port}`;
  await writeFile(
    join(dir, "config.yml"),
    [
      "version: 0.1",
      "log: { level: error, accesslog: { disabled: true } }",
      `storage: { filesystem: { rootdirectory: ${join(dir, "data")} }, delete: { enabled: true } }`,
      `http: { addr: ${host} }`,
      "",
    ].join("\n"),
  );
  const daemon = spawnDaemon(binary, ["serve", join(dir, "config.yml")], {
    env: { PATH: "/usr/bin:/bin" },
    logFile: join(dir, "registry.log"),
  });
  const dispose = registerDisposer(`registry ${host}`, async () => {
    await daemon.stop(5000);
    await rm(dir, { recursive: true, force: true });
  });
  fallback(dispose, [{ kill: daemon.pid }, { remove: dir }]);
  if (
    await waitUntil(() => answers(`http://${host}/v2/`), {
      timeoutMs: 15_000,
      intervalMs: 50,
      gaveUp: () => daemon.hasExited(),
    })
  ) {
    await place.exposePort(port);
    return { host, dispose };
  }
  await dispose();
  throw new GraderError("ENGINE_START_FAILED", `the run's registry did not start on ${host}`);
}
