import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Scorecard } from "../../harness/grading/scorecard.ts";
import { parseWorkflow } from "../../harness/workflow/workflow-model.ts";
import { CHECK_LIST } from "./checks.ts";
import { checkWorkflow, identityProblem, issuerProblem } from "./workflow-checks.ts";

const SOLUTION = readFileSync(
  new URL("../../exercises/06-sign-verify/solution/.github/workflows/release.yml", import.meta.url),
  "utf8",
);
const SIGN = 'run: cosign sign --yes "${IMAGE}@${DIGEST}"';
const IDENTITY =
  '--certificate-identity "${{ github.server_url }}/${{ github.repository }}/.github/workflows/release.yml@${{ github.ref }}"';

/** The solution with one text replaced (which must be there). */
function variant(from: string, to: string): string {
  expect(SOLUTION).toContain(from);
  return SOLUTION.replace(from, to);
}

function failing(text: string | undefined): { ids: string[]; messages: Record<string, string> } {
  const card = new Scorecard(CHECK_LIST);
  checkWorkflow(text === undefined ? undefined : parseWorkflow(text), card);
  const judged = card.all().filter((c) => c.id.startsWith("workflow."));
  expect(judged).toHaveLength(4);
  const failed = judged.filter((c) => c.status !== "passed");
  // A missing file has no line to point at; anything else does.
  if (text !== undefined) for (const c of failed) expect(c.location?.line, c.id).toBeGreaterThan(0);
  return {
    ids: failed.map((c) => c.id),
    messages: Object.fromEntries(judged.map((c) => [c.id, c.message])),
  };
}

describe("exercise 06's workflow checks", () => {
  it("give the reference full marks", () => {
    expect(failing(SOLUTION).ids).toEqual([]);
  });

  it("follow the digest through $GITHUB_ENV written by an earlier step", () => {
    const text = variant(
      "      - name: Sign the index\n        env:\n          DIGEST: ${{ steps.build.outputs.digest }}\n",
      '      - run: echo "INDEX=${{ steps.build.outputs.digest }}" >> "$GITHUB_ENV"\n      - name: Sign the index\n',
    ).replace(SIGN, 'run: cosign sign --yes "$IMAGE@$INDEX"');
    expect(failing(text).ids).toEqual([]);
  });

  it("follow the digest through another step's $GITHUB_OUTPUT", () => {
    const text = variant(
      "      - name: Sign the index\n        env:\n          DIGEST: ${{ steps.build.outputs.digest }}\n",
      '      - id: pick\n        run: echo "value=${{ steps.build.outputs.digest }}" >> $GITHUB_OUTPUT\n      - name: Sign the index\n        env:\n          DIGEST: ${{ steps.pick.outputs.value }}\n',
    );
    expect(failing(text).ids).toEqual([]);
  });

  it("refuse a digest written into the workflow, and a sign step with no image", () => {
    const literal = variant(SIGN, `run: cosign sign --yes "$IMAGE@sha256:${"ab".repeat(32)}"`);
    const result = failing(literal);
    expect(result.ids).toEqual(["workflow.sign-by-digest"]);
    expect(result.messages["workflow.sign-by-digest"]).toMatch(/written into the workflow/);
    expect(failing(variant(SIGN, "run: cosign sign --yes")).ids).toEqual(["workflow.sign-by-digest"]);
  });

  it("read id-token from write-all and from the workflow when the job sets none", () => {
    const writeAll = variant("permissions:\n  contents: read\n", "permissions: write-all\n").replace(
      "    permissions:\n      contents: read\n      packages: write\n      # Keyless signing: the job asks GitHub for an OIDC token, Fulcio turns it into a certificate.\n      id-token: write\n",
      "",
    );
    expect(failing(writeAll).ids).toEqual([]);
    const none = variant("      id-token: write\n", "      id-token: read\n");
    expect(failing(none).ids).toEqual(["workflow.id-token"]);
  });

  it("refuse identities that let another repository or another workflow through", () => {
    const lesson = variant(
      IDENTITY,
      "--certificate-identity-regexp 'https://github.com/${{ github.repository }}/.*'",
    );
    expect(failing(lesson).ids).toEqual(["workflow.verify-pinned"]);
    const other = variant(IDENTITY, IDENTITY.replace("release.yml", "ci.yml"));
    expect(failing(other).messages["workflow.verify-pinned"]).toMatch(/not the release workflow/);
    const none = variant(`${IDENTITY} \\\n`, "");
    expect(failing(none).messages["workflow.verify-pinned"]).toMatch(/any identity/);
  });

  it("tell a pinned issuer regexp from one that matches more", () => {
    expect(
      issuerProblem(undefined, String.raw`^https://token\.actions\.githubusercontent\.com$`),
    ).toBeUndefined();
    expect(issuerProblem(undefined, "https://token.actions.githubusercontent.com.*")).toBeDefined();
    expect(issuerProblem("https://accounts.google.com", undefined)).toMatch(/not https:\/\/token/);
    expect(
      identityProblem(
        undefined,
        String.raw`^https://github\.com/acme/beacon/\.github/workflows/release\.yml@refs/tags/v.*$`,
      ),
    ).toBeUndefined();
    expect(identityProblem(undefined, "^https://github.com/acme/.*")).toBeDefined();
    expect(
      identityProblem(
        "https://github.com/acme/beacon/.github/workflows/release.yml@refs/heads/main",
        undefined,
      ),
    ).toBeUndefined();
  });

  it("want the verification before the deploy, on the digest it deploys", () => {
    const tag = variant(
      'run: ./deploy/deploy.sh "${IMAGE}@${DIGEST}"',
      'run: ./deploy/deploy.sh "${IMAGE}:latest"',
    );
    const result = failing(tag);
    expect(result.ids).toEqual(["workflow.verify-before-deploy"]);
    expect(result.messages["workflow.verify-before-deploy"]).toMatch(/a tag/);
    // Verified in a job the deploy job does not wait for.
    const verifyStep = SOLUTION.slice(
      SOLUTION.indexOf("      # Only a signature"),
      SOLUTION.indexOf("      - name: Deploy"),
    );
    const parallel = SOLUTION.replace(verifyStep, "").replace(
      "  deploy:\n",
      `  verify:\n    needs: release\n    runs-on: ubuntu-latest\n    env:\n      DIGEST: \${{ needs.release.outputs.digest }}\n    steps:\n${verifyStep}\n  deploy:\n`,
    );
    const result2 = failing(parallel);
    expect(result2.ids).toEqual(["workflow.verify-before-deploy"]);
    expect(result2.messages["workflow.verify-before-deploy"]).toMatch(/does not wait for the verification/);
    const ordered = parallel.replace(
      "    needs: release\n    runs-on: ubuntu-latest\n    permissions:",
      "    needs: [release, verify]\n    runs-on: ubuntu-latest\n    permissions:",
    );
    expect(failing(ordered).ids).toEqual([]);
    const noDeploy = variant(
      '      - name: Deploy\n        run: ./deploy/deploy.sh "${IMAGE}@${DIGEST}"\n',
      "",
    );
    expect(failing(noDeploy).messages["workflow.verify-before-deploy"]).toMatch(/No step runs deploy/);
  });

  it("read the order of a verification and a deploy written in one step", () => {
    const verifyStep = SOLUTION.slice(
      SOLUTION.indexOf("      # Only a signature"),
      SOLUTION.indexOf("      - name: Deploy"),
    );
    const verifyRun = verifyStep.slice(verifyStep.indexOf("          cosign verify"));
    const oneStep = (first: string, second: string) =>
      SOLUTION.replace(verifyStep, "").replace(
        '      - name: Deploy\n        run: ./deploy/deploy.sh "${IMAGE}@${DIGEST}"\n',
        `      - name: Verify, then deploy\n        run: |\n${first}${second}`,
      );
    const deployLine = '          ./deploy/deploy.sh "${IMAGE}@${DIGEST}"\n';
    expect(failing(oneStep(verifyRun, deployLine)).ids).toEqual([]);
    expect(failing(oneStep(deployLine, verifyRun)).ids).toEqual(["workflow.verify-before-deploy"]);
    // On one line, joined by &&: the verification still comes first.
    const joined = oneStep(verifyRun.trimEnd() + ' && ./deploy/deploy.sh "${IMAGE}@${DIGEST}"\n', "");
    expect(failing(joined).ids).toEqual([]);
  });

  it("fail every check, at a line, for a missing or broken workflow", () => {
    expect(failing(undefined).ids).toHaveLength(4);
    const broken = failing("on: push\njobs:\n  a: [\n");
    expect(broken.ids).toHaveLength(4);
    expect(broken.messages["workflow.id-token"]).toMatch(/does not parse/);
  });
});

describe("where a signed digest comes from, in a workflow written to blow up the search", () => {
  it("answers in bounded time and size, as unknown, when values name each other many times over", () => {
    // Each variable names the next one eight times: 8^6 copies if followed to the end.
    const env = Object.fromEntries(
      Array.from({ length: 8 }, (_, i) => [`V${String(i)}`, `${"$V".concat(String(i + 1)).repeat(8)}x`]),
    );
    const outputs = Array.from({ length: 300 }, (_, i) => `\${{ steps.s${String(i)}.outputs.digest }}`).join(
      "",
    );
    const text = [
      "on: push",
      "jobs:",
      "  release:",
      "    runs-on: ubuntu-latest",
      `    env: ${JSON.stringify(env)}`,
      "    steps:",
      "      - id: loop",
      `        run: echo "digest=${outputs}" >> "$GITHUB_OUTPUT"`,
      '      - run: cosign sign --yes "ghcr.io/a/b@$V0${{ steps.loop.outputs.digest }}"',
      "",
    ].join("\n");
    const started = performance.now();
    const card = new Scorecard(CHECK_LIST);
    checkWorkflow(parseWorkflow(text), card);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(card.all().length).toBeGreaterThan(0);
  });
});
