import { join } from "node:path";
import { GraderError } from "../errors.ts";
import { exec } from "../exec/exec.ts";
import type { ExecResult } from "../exec/exec-result.ts";
import {
  parseAttestationOutput,
  parseVerifyOutput,
  type VerifiedAttestation,
  type VerifiedSignature,
} from "./cosign-output.ts";

/** A key pair made for one run: the private key is encrypted with `password`. */
export interface CosignKeyPair {
  readonly privateKey: string;
  readonly publicKey: string;
  readonly password: string;
}

/** A verification's outcome: a failed verification is a value, with cosign's own words. */
export type Verification<T> =
  { readonly ok: true; readonly found: readonly T[] } | { readonly ok: false; readonly reason: string };

/** The transparency log and Fulcio are Sigstore's public services: offline, key-based only. */
const OFFLINE_SIGN = ["--tlog-upload=false", "--allow-insecure-registry", "--yes"];
const OFFLINE_VERIFY = ["--insecure-ignore-tlog=true", "--allow-insecure-registry"];

/**
 * The cosign CLI, key-based and offline, for the grader's own checks on what a run pushed. It
 * runs with a scratch HOME (no host registry credentials, no Sigstore cache) and the key's
 * password in its environment only.
 */
export class Cosign {
  private readonly home: string;
  private readonly timeoutMs: number;

  constructor(home: string, timeoutMs = 60_000) {
    this.home = home;
    this.timeoutMs = timeoutMs;
  }

  private run(args: readonly string[], password = "", cwd = this.home): Promise<ExecResult> {
    return exec("cosign", args, {
      cwd,
      reject: false,
      timeoutMs: this.timeoutMs,
      env: {
        PATH: process.env["PATH"] ?? "/usr/local/bin:/usr/bin:/bin",
        HOME: this.home,
        DOCKER_CONFIG: join(this.home, ".docker"),
        TUF_ROOT: join(this.home, ".sigstore"),
        COSIGN_PASSWORD: password,
      },
    });
  }

  private async must(what: string, args: readonly string[], password = ""): Promise<ExecResult> {
    const result = await this.run(args, password);
    if (result.exitCode !== 0)
      throw new GraderError("EXEC_FAILED", `cosign ${what} failed: ${lastLine(result.stderr)}`, {
        hint: "Check that cosign 2.x is installed (harness/engine/provision.sh) and the run's registry is up",
      });
    return result;
  }

  /** `cosign generate-key-pair` into `dir` (cosign.key, cosign.pub). */
  async generateKeyPair(dir: string, password: string): Promise<CosignKeyPair> {
    const result = await this.run(
      ["generate-key-pair", "--output-key-prefix", join(dir, "cosign")],
      password,
      dir,
    );
    if (result.exitCode !== 0)
      throw new GraderError("EXEC_FAILED", `cosign generate-key-pair failed: ${lastLine(result.stderr)}`);
    return { privateKey: join(dir, "cosign.key"), publicKey: join(dir, "cosign.pub"), password };
  }

  async sign(reference: string, keys: CosignKeyPair): Promise<void> {
    await this.must("sign", ["sign", "--key", keys.privateKey, ...OFFLINE_SIGN, reference], keys.password);
  }

  /** Attaches an in-toto attestation of `type` (spdxjson, slsaprovenance, a predicate URI...). */
  async attest(reference: string, keys: CosignKeyPair, predicateFile: string, type: string): Promise<void> {
    await this.must(
      "attest",
      [
        "attest",
        "--key",
        keys.privateKey,
        "--predicate",
        predicateFile,
        "--type",
        type,
        ...OFFLINE_SIGN,
        reference,
      ],
      keys.password,
    );
  }

  async verify(reference: string, publicKey: string): Promise<Verification<VerifiedSignature>> {
    const result = await this.run([
      "verify",
      "--key",
      publicKey,
      ...OFFLINE_VERIFY,
      "--output",
      "json",
      reference,
    ]);
    return result.exitCode === 0
      ? { ok: true, found: parseVerifyOutput(result.stdout) }
      : { ok: false, reason: lastLine(result.stderr) };
  }

  async verifyAttestation(
    reference: string,
    publicKey: string,
    type: string,
  ): Promise<Verification<VerifiedAttestation>> {
    const result = await this.run([
      "verify-attestation",
      "--key",
      publicKey,
      "--type",
      type,
      ...OFFLINE_VERIFY,
      reference,
    ]);
    return result.exitCode === 0
      ? { ok: true, found: parseAttestationOutput(result.stdout) }
      : { ok: false, reason: lastLine(result.stderr) };
  }
}

/** cosign's last word on stderr: `Error: no matching signatures: ...`. */
function lastLine(text: string): string {
  return (
    text
      .trim()
      .split("\n")
      .filter((l) => l.trim() !== "")
      .at(-1) ?? "no output"
  ).slice(0, 400);
}
