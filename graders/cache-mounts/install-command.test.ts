import { describe, expect, it } from "vitest";
import { bringsSource, isBuildCommand, isInstallCommand, isManifestPath } from "./install-command.ts";

describe("install and build commands", () => {
  it.each([
    "npm ci",
    "npm ci --omit=dev",
    "npm install",
    "npm i --production",
    "cd /app && npm ci && npm cache clean --force",
    "yarn",
    "yarn install --frozen-lockfile",
    "pnpm i",
  ])("install: %s", (t) => {
    expect(isInstallCommand(t)).toBe(true);
  });
  it.each(["npm run build", "npm test", "node dist/server.js", "echo npmci", "npm init"])(
    "not install: %s",
    (t) => {
      expect(isInstallCommand(t)).toBe(false);
    },
  );
  it("recognises builds", () => {
    expect(isBuildCommand("npm run build")).toBe(true);
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
});
