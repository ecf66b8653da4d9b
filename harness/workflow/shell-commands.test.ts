import { describe, expect, it } from "vitest";
import { cosignInvocations, flagValue, type CosignInvocation } from "./cosign-invocation.ts";
import { shellAssignments, shellCommands } from "./shell-commands.ts";

describe("shell commands of a workflow script", () => {
  it("splits on separators outside quotes and expressions, and joins continued lines", () => {
    const script = [
      "a=\"x; y\" && b ${{ github.event_name == 'push' || inputs.force }} | c",
      "cosign verify \\",
      "  --key k.pub img@sha256:1 2>&1 # trailing comment",
      "# a whole-line comment",
      "d & e",
    ].join("\n");
    const commands = shellCommands(script);
    expect(commands.map((c) => c.words)).toEqual([
      ["a=x; y"],
      ["b", "${{ github.event_name == 'push' || inputs.force }}"],
      ["c"],
      ["cosign", "verify", "--key", "k.pub", "img@sha256:1", "2>&1"],
      ["d"],
      ["e"],
    ]);
    expect(commands[3]?.line).toBe(2);
    expect(commands[4]?.line).toBe(5);
  });

  it("cannot be fooled by a forged expression marker in the script", () => {
    const words = shellCommands("x=${{ steps.build.outputs.digest }}\ncosign sign img@\uE0000\uE000").map(
      (c) => c.words,
    );
    expect(words[1]).toEqual(["cosign", "sign", "img@0"]);
  });

  it("collects assignments, exported or not", () => {
    const vars = shellAssignments(shellCommands('export REF="$IMAGE@$DIGEST"\nA=1 B=two cmd\nlocal C=3'));
    expect(Object.fromEntries(vars)).toEqual({ REF: "$IMAGE@$DIGEST", A: "1", B: "two", C: "3" });
  });
});

describe("cosign invocations", () => {
  it("reads flags in both spellings, anywhere, and the image operands", () => {
    const calls = cosignInvocations(
      shellCommands(
        [
          'sudo cosign sign -y --key=cosign.key "$REF"',
          "/usr/local/bin/cosign verify img@d --certificate-identity id1 --certificate-identity=id2 --certificate-oidc-issuer iss",
          "env COSIGN_PASSWORD=x cosign attest --type spdxjson --predicate sbom.json --recursive img@d",
          "echo cosign sign not-a-call",
          "cosign --version",
        ].join("\n"),
      ),
    );
    expect(calls).toHaveLength(3);
    const [sign, verify, attest] = calls as [CosignInvocation, CosignInvocation, CosignInvocation];
    expect(sign).toMatchObject({ command: "sign", operands: ["$REF"], line: 1 });
    expect(flagValue(sign, "--key")).toBe("cosign.key");
    expect(flagValue(sign, "-y", "--yes")).toBe("true");
    expect(verify?.operands).toEqual(["img@d"]);
    expect(flagValue(verify, "--certificate-identity")).toBe("id2");
    expect(flagValue(verify, "--certificate-oidc-issuer")).toBe("iss");
    expect(attest).toMatchObject({ command: "attest", operands: ["img@d"] });
    expect(flagValue(attest, "--type")).toBe("spdxjson");
  });
});
