import { cosignInvocations } from "../../harness/workflow/cosign-invocation.ts";
import { shellCommands } from "../../harness/workflow/shell-commands.ts";

export const SCRIPT_FILE = "release.sh";

/**
 * The line of release.sh a finding is about: its first `cosign sign`, `cosign attest` or
 * `cosign verify`/`verify-attestation` (line 1 when it has none). Pure.
 */
export function scriptLine(script: string, what: "sign" | "attest" | "verify"): number {
  const commands = what === "verify" ? ["verify", "verify-attestation"] : [what];
  return cosignInvocations(shellCommands(script)).find((i) => commands.includes(i.command))?.line ?? 1;
}
