import { GraderError } from "../errors.ts";

/**
 * Pure readers of what cosign prints: `cosign verify` writes a JSON array of the simple-signing
 * payloads it checked; `cosign verify-attestation` writes one DSSE envelope per line, whose
 * base64 payload is an in-toto statement.
 */

/** One verified signature: what the signed payload says was signed. */
export interface VerifiedSignature {
  /** `sha256:...`: the manifest or index digest the signature covers. */
  readonly digest: string;
  /** The reference the signer named (a repository, or a tag). */
  readonly reference: string | undefined;
  readonly type: string;
  /** The signer's annotations (`optional`), as strings. */
  readonly annotations: Readonly<Record<string, string>>;
}

/** One verified attestation: the statement's predicate type and the digests it is about. */
export interface VerifiedAttestation {
  readonly predicateType: string;
  readonly subjects: readonly { readonly name: string; readonly digest: string }[];
  readonly predicate: unknown;
}

/** cosign printed something its readers cannot take: a changed cosign, not a learner's mistake. */
export class CosignOutputError extends GraderError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super("TOOL_OUTPUT", message, {
      ...options,
      hint: "Check the cosign version provision.sh installs (2.x)",
    });
  }
}

const record = (value: unknown): Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};

export function parseVerifyOutput(stdout: string): VerifiedSignature[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout.trim() || "[]");
  } catch (error) {
    throw new CosignOutputError(`cosign verify printed something that is not JSON: ${stdout.slice(0, 120)}`, {
      cause: error,
    });
  }
  if (!Array.isArray(parsed)) throw new CosignOutputError("cosign verify printed JSON that is not a list");
  return parsed.map((entry) => {
    const critical = record(record(entry)["critical"]);
    const digest = record(critical["image"])["docker-manifest-digest"];
    if (typeof digest !== "string" || !/^sha256:[0-9a-f]{64}$/.test(digest))
      throw new CosignOutputError("a verified payload names no manifest digest");
    const reference = record(critical["identity"])["docker-reference"];
    const optional = record(record(entry)["optional"]);
    return {
      digest,
      reference: typeof reference === "string" ? reference : undefined,
      type: typeof critical["type"] === "string" ? critical["type"] : "",
      annotations: Object.fromEntries(Object.entries(optional).map(([k, v]) => [k, String(v)])),
    };
  });
}

export function parseAttestationOutput(stdout: string): VerifiedAttestation[] {
  return stdout
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.startsWith("{"))
    .map((line) => {
      let envelope: Record<string, unknown>;
      let statement: Record<string, unknown>;
      try {
        envelope = record(JSON.parse(line));
        const payload = envelope["payload"];
        if (typeof payload !== "string") throw new Error("no payload");
        statement = record(JSON.parse(Buffer.from(payload, "base64").toString("utf8")));
      } catch (error) {
        throw new CosignOutputError("cosign verify-attestation printed an envelope that is not a statement", {
          cause: error,
        });
      }
      const subjects = Array.isArray(statement["subject"]) ? statement["subject"] : [];
      return {
        predicateType: typeof statement["predicateType"] === "string" ? statement["predicateType"] : "",
        subjects: subjects.map((s) => {
          const digest = record(record(s)["digest"])["sha256"];
          const name = record(s)["name"];
          return {
            name: typeof name === "string" ? name : "",
            digest: typeof digest === "string" ? `sha256:${digest}` : "",
          };
        }),
        predicate: statement["predicate"],
      };
    });
}
