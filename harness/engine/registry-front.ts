import { Agent, createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { relayRequest } from "../util/http-relay.ts";
import { KeyedRwLock, type Release } from "../util/keyed-rw-lock.ts";

/**
 * The front door of a run's registry. distribution 2.8 (Debian's docker-registry) keeps a tag, a
 * manifest revision or a repository's blob as a small link file that it rewrites in place:
 * truncated, then written. A HEAD or GET that reads it in between finds an empty link and
 * answers 500. dockerd's push after a build PUTs every manifest of an index to the tag while it
 * HEADs that tag for the next one, so a multi-platform push failed now and then. Here a write to
 * a repository's manifests, or to a blob's link, waits for the reads of them and the reads wait
 * for it; everything else streams straight through.
 */
export interface RegistryFront {
  readonly port: number;
  close(): Promise<void>;
}

/** The lock a request takes, named by the link files it reads or rewrites. */
export interface FrontLock {
  readonly key: string;
  readonly mode: "read" | "write";
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** Which lock a registry API request needs; undefined when it reads or writes no link file. */
export function lockFor(method: string, url: string): FrontLock | undefined {
  // A request target no URL parser accepts touches no link: the registry refuses it itself.
  if (!URL.canParse(url, "http://front")) return undefined;
  const { pathname, searchParams } = new URL(url, "http://front");
  const reads = method === "GET" || method === "HEAD";
  const manifest = /^\/v2\/(.+)\/manifests\/[^/]+$/.exec(pathname);
  // One key per repository: a PUT by tag rewrites the tag's link and the revision's.
  if (manifest) return { key: `manifests ${manifest[1] ?? ""}`, mode: reads ? "read" : "write" };
  const blob = /^\/v2\/(.+)\/blobs\/([^/]+)$/.exec(pathname);
  if (blob && blob[2] !== "uploads" && DIGEST.test(blob[2] ?? ""))
    return { key: `blob ${blob[1] ?? ""} ${blob[2] ?? ""}`, mode: reads ? "read" : "write" };
  const upload = /^\/v2\/(.+)\/blobs\/uploads\/[^/]*$/.exec(pathname);
  if (upload) {
    // The requests that end an upload (or mount a blob from another repository) write its link.
    const digest =
      method === "PUT"
        ? searchParams.get("digest")
        : method === "POST"
          ? (searchParams.get("mount") ?? searchParams.get("digest"))
          : null;
    if (digest && DIGEST.test(digest)) return { key: `blob ${upload[1] ?? ""} ${digest}`, mode: "write" };
  }
  return undefined;
}

/**
 * Listens on host:port and relays to the registry on loopback at `upstreamPort`, keeping the
 * Host header (the registry writes upload URLs from it: they must name the front). Resolves
 * undefined when the port was taken meanwhile.
 */
export function startRegistryFront(
  host: string,
  port: number,
  upstreamPort: number,
): Promise<RegistryFront | undefined> {
  const locks = new KeyedRwLock();
  const agent = new Agent({ keepAlive: true });
  const server = createServer((req, res) => {
    // A request from a build is data: whatever goes wrong with it ends that request, not the run.
    relay(req, res, upstreamPort, agent, locks).catch(() => {
      res.destroy();
    });
  });
  server.headersTimeout = 60_000;
  // An upload lasts as long as the build that sends it, which has its own timeout.
  server.requestTimeout = 0;
  // Idle connections stay open until the run ends, as the registry's own do. Node closes them
  // after 5 s by default, and the grader's fetch in this same process, its event loop held up by
  // a search, can send its next request on a connection that is being closed ("terminated").
  server.keepAliveTimeout = 0;
  return new Promise((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE") resolve(undefined);
      else reject(error);
    });
    server.listen(port, host, () => {
      resolve({
        port,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            agent.destroy();
            server.close(() => {
              done();
            });
          }),
      });
    });
  });
}

async function relay(
  req: IncomingMessage,
  res: ServerResponse,
  upstreamPort: number,
  agent: Agent,
  locks: KeyedRwLock,
): Promise<void> {
  const lock = lockFor(req.method ?? "GET", req.url ?? "/");
  let release: Release | undefined;
  let closed = false;
  // Held until the answer is sent (a blob's body included), or the client went away.
  res.once("close", () => {
    closed = true;
    release?.();
  });
  if (lock) {
    release = await (lock.mode === "read" ? locks.read(lock.key) : locks.write(lock.key));
    if (closed) {
      release();
      return;
    }
  }
  // The front has already answered any Expect: 100-continue itself.
  const headers = { ...req.headers };
  delete headers.expect;
  relayRequest(req, res, { host: "127.0.0.1", port: upstreamPort, headers, agent });
}
