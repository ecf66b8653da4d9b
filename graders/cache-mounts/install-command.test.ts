import { describe, expect, it } from "vitest";
import { bringsSource, isBuildCommand, isInstallCommand, isManifestPath } from "./install-command.ts";
import { parseDockerfile } from "../../harness/dockerfile/dockerfile-model.ts";
import { Scorecard } from "../../harness/grading/scorecard.ts";
import { CHECK_LIST, CHECKS } from "./checks.ts";
import { checkDockerfile } from "./dockerfile-checks.ts";

describe("install and build commands", () => {
  it.each([
    "npm ci",
    "npm ci --omit=dev",
    "npm install",
    "npm i --production",
    "cd /app && npm ci && npm cache clean --force",
    "yarn",
    "yarn install --frozen-lockfile",
    "yarn --frozen-lockfile",
    "yarn && yarn build",
    "yarn add left-pad",
    "pnpm i",
    "npm --cache /tmp/npm-cache ci",
    "npm --prefer-offline --no-audit install",
    "npm clean-install",
    "sh -c 'npm ci'",
    "(cd app && npm ci)",
  ])("install: %s", (t) => {
    expect(isInstallCommand(t)).toBe(true);
  });
  it.each([
    "npm run build",
    "npm test",
    "node dist/server.js",
    "echo npmci",
    "npm init",
    "npm --version",
    "npm --cache /tmp/c cache ls",
    "yarn build",
    "yarn run build",
    "yarn --version",
    "yarn test",
  ])("not install: %s", (t) => {
    expect(isInstallCommand(t)).toBe(false);
  });
  it("recognises builds", () => {
    expect(isBuildCommand("npm run build")).toBe(true);
    expect(isBuildCommand("yarn run build")).toBe(true);
    expect(isBuildCommand("yarn build")).toBe(true);
    expect(isBuildCommand("npx tsc -p .")).toBe(true);
    expect(isBuildCommand("npm ci")).toBe(false);
  });
  it("tells manifests from source", () => {
    expect(["package.json", "package*.json", "./package-lock.json", "yarn.lock"].every(isManifestPath)).toBe(
      true,
    );
    expect([".", "./", "src", "src/server.ts", "*"].every(bringsSource)).toBe(true);
    expect(["package.json", "tsconfig.json"].some(bringsSource)).toBe(false);
  });
  it("takes the common `package-lock.json*` glob (and JSON-form COPY) for manifests", () => {
    expect(isManifestPath("package-lock.json*")).toBe(true);
    expect(bringsSource("package-lock.json*")).toBe(false);
    const model = parseDockerfile(
      'FROM node:20-alpine AS build\nWORKDIR /app\nCOPY ["package.json", "package-lock.json*", "./"]\nRUN ["npm", "ci"]\nCOPY . .\nRUN npm run build\nFROM node:20-alpine\nCOPY --from=build /app/dist ./dist\n',
    );
    const card = new Scorecard(CHECK_LIST);
    checkDockerfile(model, card);
    const manifests = card.all().find((c) => c.id === CHECKS.manifestsFirst.id);
    expect(manifests?.status, manifests?.message).toBe("passed");
    // The exec-form install is seen (it has no cache mount, so that check fails on it).
    expect(card.all().find((c) => c.id === CHECKS.installCacheMount.id)?.message).toMatch(/line 4/);
  });
});
