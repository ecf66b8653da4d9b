import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import type Docker from "dockerode";
import { create } from "tar";
import { dockerClient } from "../engine/docker-client.ts";
import { errorMessage } from "../errors.ts";

/** A script run in a container: how it ended and what it printed (bounded). */
export interface ScriptRun {
  readonly exitCode: number | undefined;
  readonly timedOut: boolean;
  /** stdout and stderr interleaved, at most `outputBytes`; `truncated` when more was printed. */
  readonly output: string;
  readonly truncated: boolean;
  readonly durationMs: number;
  /** Why the container could not be run at all (not the script's own failure). */
  readonly error: string | undefined;
}

export interface ScriptRequest {
  /** An image already in the engine's store. */
  readonly image: string;
  /** Files put into `workdir` before the start (name → content, mode): no host path is mounted. */
  readonly files: Readonly<Record<string, { readonly content: string; readonly mode: number }>>;
  readonly command: readonly string[];
  readonly workdir: string;
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly memoryBytes?: number;
  readonly pids?: number;
  readonly outputBytes?: number;
  /** "host" is the run's own namespace (its registry and services, nothing beyond); or none. */
  readonly network: "host" | "none";
  /** The uid:gid the script runs as. */
  readonly user?: string;
}

/**
 * Runs a learner's script as data in a container of the run's engine: its files copied in (no
 * bind mount of any host path), no privileges, bounded memory, processes, time and output, and
 * the container always removed.
 */
export class ContainerScript {
  private readonly docker: Docker;

  constructor(dockerHost: string) {
    this.docker = dockerClient(dockerHost);
  }

  async run(request: ScriptRequest): Promise<ScriptRun> {
    const started = performance.now();
    const limit = request.outputBytes ?? 64 * 1024;
    let container: Docker.Container | undefined;
    let output = Buffer.alloc(0);
    let truncated = false;
    const keep = (chunk: Buffer) => {
      if (output.length >= limit) {
        truncated = true;
        return;
      }
      if (chunk.length > limit - output.length) truncated = true;
      output = Buffer.concat([output, chunk.subarray(0, limit - output.length)]);
    };
    const result = (fields: Partial<ScriptRun>): ScriptRun => ({
      exitCode: undefined,
      timedOut: false,
      output: output.toString("utf8"),
      truncated,
      durationMs: performance.now() - started,
      error: undefined,
      ...fields,
    });
    try {
      container = await this.docker.createContainer({
        Image: request.image,
        Cmd: [...request.command],
        WorkingDir: request.workdir,
        Env: Object.entries(request.env).map(([k, v]) => `${k}=${v}`),
        ...(request.user ? { User: request.user } : {}),
        Tty: false,
        HostConfig: {
          NetworkMode: request.network,
          Memory: request.memoryBytes ?? 256 * 1024 * 1024,
          MemorySwap: request.memoryBytes ?? 256 * 1024 * 1024,
          PidsLimit: request.pids ?? 64,
          CapDrop: ["ALL"],
          SecurityOpt: ["no-new-privileges"],
          AutoRemove: false,
        },
      });
      await container.putArchive(await archive(request.files), { path: request.workdir });
      const stream = await container.attach({ stream: true, stdout: true, stderr: true });
      const sink = new Writable({
        write(chunk: Buffer, _encoding, done) {
          keep(chunk);
          done();
        },
      });
      // Listened for from the start: the stream often ends before the wait below returns.
      const outputEnded = new Promise<void>((resolve) => {
        stream.once("end", resolve);
        stream.once("close", resolve);
      });
      this.docker.modem.demuxStream(stream, sink, sink);
      await container.start();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => {
          resolve("timeout");
        }, request.timeoutMs);
      });
      const ended = await Promise.race([
        container.wait() as Promise<{ StatusCode: number }>,
        timeout,
      ]).finally(() => {
        clearTimeout(timer);
      });
      if (ended === "timeout") {
        await container.kill().catch(() => undefined);
        return result({ timedOut: true });
      }
      // The last output may still be on its way when the wait returns.
      let grace: NodeJS.Timeout | undefined;
      await Promise.race([
        outputEnded,
        new Promise<void>((resolve) => {
          grace = setTimeout(resolve, 1000);
        }),
      ]).finally(() => {
        clearTimeout(grace);
      });
      return result({ exitCode: ended.StatusCode });
    } catch (error) {
      return result({ error: errorMessage(error) });
    } finally {
      await container?.remove({ force: true }).catch(() => undefined);
    }
  }
}

/** The files as a tar stream, made in a scratch folder that is removed once read. */
async function archive(files: ScriptRequest["files"]): Promise<Readable> {
  const dir = await mkdtemp(join(tmpdir(), "bkg-script-"));
  try {
    for (const [name, { content, mode }] of Object.entries(files)) {
      if (!/^[\w.-]+$/.test(name)) throw new Error(`"${name}" is not a plain file name`);
      await writeFile(join(dir, name), content, { mode });
    }
    const chunks: Buffer[] = [];
    const stream = create({ cwd: dir, portable: true, noMtime: true }, Object.keys(files));
    for await (const chunk of stream) chunks.push(Buffer.from(chunk));
    return Readable.from([Buffer.concat(chunks)]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
