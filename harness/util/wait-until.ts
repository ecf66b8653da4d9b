import { get } from "node:http";

/**
 * Polls `ready` until it answers true, `gaveUp` says stop (the process died), or time runs out.
 * Returns whether it became ready.
 */
export async function waitUntil(
  ready: () => Promise<boolean>,
  options: { timeoutMs: number; intervalMs?: number; gaveUp?: () => boolean },
): Promise<boolean> {
  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline) {
    if (await ready()) return true;
    if (options.gaveUp?.()) return false;
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 100));
  }
  return ready();
}

/** Whether an HTTP GET of `path` on the unix socket answers 2xx (an engine's /_ping). */
export function answersOnSocket(socketPath: string, path: string, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const request = get({ socketPath, path, timeout: timeoutMs }, (response) => {
      response.resume();
      resolve((response.statusCode ?? 0) >= 200 && (response.statusCode ?? 0) < 300);
    });
    request.on("timeout", () => request.destroy());
    request.on("error", () => {
      resolve(false);
    });
  });
}

/** Whether an HTTP GET of `url` answers 2xx. */
export function answers(url: string): Promise<boolean> {
  return fetch(url, { signal: AbortSignal.timeout(2000) }).then(
    (r) => r.ok,
    () => false,
  );
}
