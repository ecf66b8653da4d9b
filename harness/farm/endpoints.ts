/** One BuildKit endpoint of a farm, and how many gradings it takes at once. */
export interface Endpoint {
  readonly address: string;
  readonly slots: number;
}

export type EndpointsParse =
  | { readonly ok: true; readonly endpoints: readonly Endpoint[] }
  | { readonly ok: false; readonly message: string };

// The addresses buildx's remote driver connects to.
const SCHEMES = ["tcp", "unix", "ssh", "docker-container", "kube-pod", "podman-container", "npipe"];
// One daemon is one build cache, emptied when a grading starts: two gradings on it at once would
// reuse and prune each other's cache, and measure nothing true. More daemons, not more slots.
const MAX_SLOTS = 1;

/**
 * `GRADER_BUILDKIT_ENDPOINTS`: endpoints separated by commas or white space, each optionally
 * followed by `=N`, the gradings it runs at once, which for one BuildKit daemon can only be 1:
 * `tcp://10.0.0.5:1234, kube-pod://buildkitd-0`. Pure.
 */
export function parseEndpoints(text: string): EndpointsParse {
  const items = text.split(/[\s,]+/).filter(Boolean);
  if (items.length === 0) return { ok: false, message: "GRADER_BUILDKIT_ENDPOINTS is empty" };
  const endpoints: Endpoint[] = [];
  for (const item of items) {
    const match = /^([a-z-]+):\/\/([^=\s]+)(?:=(\d+))?$/.exec(item);
    if (!match || !SCHEMES.includes(match[1] ?? ""))
      return {
        ok: false,
        message: `GRADER_BUILDKIT_ENDPOINTS: "${item}" is not SCHEME://ADDRESS[=SLOTS] with a scheme of ${SCHEMES.join(", ")}`,
      };
    const slots = match[3] === undefined ? 1 : Number(match[3]);
    if (slots < 1 || slots > MAX_SLOTS)
      return {
        ok: false,
        message:
          slots < 1
            ? `GRADER_BUILDKIT_ENDPOINTS: "${item}" must take at least one grading`
            : `GRADER_BUILDKIT_ENDPOINTS: "${item}" asks for ${slots} gradings at once, but a BuildKit daemon is one cache: gradings sharing it would reuse and empty each other's. List more daemons instead (each takes one grading at a time).`,
      };
    const address = `${match[1] ?? ""}://${match[2] ?? ""}`;
    if (endpoints.some((e) => e.address === address))
      return {
        ok: false,
        message: `GRADER_BUILDKIT_ENDPOINTS names ${address} twice: a daemon takes one grading at a time`,
      };
    endpoints.push({ address, slots });
  }
  return { ok: true, endpoints };
}
