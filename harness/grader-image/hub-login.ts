import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { exec, baseEnv } from "../exec/exec.ts";

export interface HubLogin {
  readonly username: string;
  readonly password: string;
}

/** The key Docker's CLI files Docker Hub's login under. */
const HUB = "https://index.docker.io/v1/";

/**
 * Where a docker CLI config keeps the Docker Hub login (pure): inline (`auths[HUB].auth`,
 * base64 of user:password), or the name of the credential helper that holds it.
 */
export function hubLoginSource(
  configText: string,
): { readonly inline: HubLogin } | { readonly helper: string } | undefined {
  let config: unknown;
  try {
    config = JSON.parse(configText);
  } catch {
    return undefined;
  }
  if (typeof config !== "object" || config === null) return undefined;
  const helpers = "credHelpers" in config ? config.credHelpers : undefined;
  const perHost = new Map<string, unknown>(
    typeof helpers === "object" && helpers !== null ? Object.entries(helpers) : [],
  );
  const helper =
    perHost.get(HUB) ??
    perHost.get("index.docker.io") ??
    ("credsStore" in config ? config.credsStore : undefined);
  const auths =
    "auths" in config && typeof config.auths === "object" && config.auths !== null ? config.auths : {};
  const entry: unknown = Object.entries(auths).find(([host]) => host === HUB)?.[1];
  const auth = typeof entry === "object" && entry !== null && "auth" in entry ? entry.auth : undefined;
  if (typeof auth === "string" && auth !== "") {
    const decoded = Buffer.from(auth, "base64").toString("utf8");
    const at = decoded.indexOf(":");
    if (at > 0) return { inline: { username: decoded.slice(0, at), password: decoded.slice(at + 1) } };
  }
  return typeof helper === "string" && /^[a-z0-9-]+$/i.test(helper) ? { helper } : undefined;
}

/** A credential helper's answer (`{"Username","Secret"}`), if it is one (pure). */
export function parseHelperAnswer(text: string): HubLogin | undefined {
  try {
    const answer: unknown = JSON.parse(text);
    if (typeof answer !== "object" || answer === null) return undefined;
    const username = "Username" in answer ? answer.Username : undefined;
    const password = "Secret" in answer ? answer.Secret : undefined;
    return typeof username === "string" && typeof password === "string" && username !== ""
      ? { username, password }
      : undefined;
  } catch {
    return undefined;
  }
}

/** This machine's Docker Hub login, where there is one; never an error (anonymous pulls still work). */
export async function hubLogin(env: NodeJS.ProcessEnv = process.env): Promise<HubLogin | undefined> {
  const dir = env["DOCKER_CONFIG"] ?? join(homedir(), ".docker");
  const text = await readFile(join(dir, "config.json"), "utf8").catch(() => undefined);
  const source = text === undefined ? undefined : hubLoginSource(text);
  if (!source) return undefined;
  if ("inline" in source) return source.inline;
  const answer = await exec(`docker-credential-${source.helper}`, ["get"], {
    input: HUB,
    env: baseEnv(),
    reject: false,
    timeoutMs: 10_000,
  }).catch(() => undefined);
  return answer?.exitCode === 0 ? parseHelperAnswer(answer.stdout) : undefined;
}
