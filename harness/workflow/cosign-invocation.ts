import type { ShellCommand } from "./shell-commands.ts";

/** One `cosign <command> ...` in a script, flags read the way cosign's CLI reads them. */
export interface CosignInvocation {
  /** `sign`, `verify`, `attest`, `verify-attestation`, ... */
  readonly command: string;
  /** Every value each flag was given, in order (`--key a --key=b` -> ["a", "b"]); a bare boolean flag has "true". */
  readonly flags: ReadonlyMap<string, readonly string[]>;
  /** The image references (and any other positional words). */
  readonly operands: readonly string[];
  readonly line: number;
  /** Which of the script's commands it is (0-based): what ran before what within one step. */
  readonly index: number;
}

// Flags that take a value as the next word when written without `=`. Any other flag is boolean,
// as cosign's own flags are (`--yes`, `--recursive`, `--allow-insecure-registry`...).
const VALUE_FLAGS = new Set([
  "--key",
  "--type",
  "--predicate",
  "-a",
  "--annotations",
  "--certificate-identity",
  "--certificate-identity-regexp",
  "--certificate-oidc-issuer",
  "--certificate-oidc-issuer-regexp",
  "--certificate-github-workflow-repository",
  "--certificate-github-workflow-ref",
  "--certificate-github-workflow-name",
  "--certificate-github-workflow-trigger",
  "--certificate-github-workflow-sha",
  "--certificate",
  "--certificate-chain",
  "--ca-roots",
  "--ca-intermediates",
  "--trusted-root",
  "--bundle",
  "--output",
  "-o",
  "--output-file",
  "--output-signature",
  "--output-certificate",
  "--output-payload",
  "--payload",
  "--attachment",
  "--attachment-tag-prefix",
  "--signature-digest-algorithm",
  "--fulcio-url",
  "--rekor-url",
  "--oidc-issuer",
  "--oidc-client-id",
  "--oidc-provider",
  "--identity-token",
  "--registry-username",
  "--registry-password",
  "--registry-token",
  "--timeout",
  "-t",
  "--policy",
  "--slot",
  "--sk",
  "--signing-config",
  "--timestamp-server-url",
  "--rfc3161-timestamp",
  "--platform",
  "--local-image",
  "--dir",
  "--max-workers",
]);

/** Every cosign call among a script's commands (also `sudo cosign`, `env X=1 cosign`, `/usr/bin/cosign`). */
export function cosignInvocations(commands: readonly ShellCommand[]): CosignInvocation[] {
  const out: CosignInvocation[] = [];
  for (const [index, { words, line }] of commands.entries()) {
    const at = words.findIndex((w) => /(^|\/)cosign$/.test(w));
    if (at < 0 || !words.slice(0, at).every((w) => w === "sudo" || w === "env" || w.includes("="))) continue;
    const command = words[at + 1];
    if (command === undefined || command.startsWith("-")) continue;
    const flags = new Map<string, string[]>();
    const operands: string[] = [];
    const rest = words.slice(at + 2);
    for (let i = 0; i < rest.length; i++) {
      const word = rest[i] ?? "";
      if (!word.startsWith("-") || word === "-") {
        operands.push(word);
        continue;
      }
      const eq = word.indexOf("=");
      const flag = eq > 0 ? word.slice(0, eq) : word;
      const value = eq > 0 ? word.slice(eq + 1) : VALUE_FLAGS.has(flag) ? (rest[++i] ?? "") : "true";
      flags.set(flag, [...(flags.get(flag) ?? []), value]);
    }
    out.push({ command, flags, operands, line, index });
  }
  return out;
}

/** The last value of a flag (cosign keeps the last), under any of its names. */
export function flagValue(invocation: CosignInvocation, ...names: readonly string[]): string | undefined {
  for (const name of names) {
    const values = invocation.flags.get(name);
    if (values && values.length > 0) return values.at(-1);
  }
  return undefined;
}
