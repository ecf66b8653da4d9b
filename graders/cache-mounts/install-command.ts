/** Recognises package-manager commands in RUN text (pure). */
const INSTALL = /\b(?:npm\s+(?:ci|install|i)|pnpm\s+(?:install|i)|yarn(?:\s+install)?)(?=\s|$|;|&|\|)/;
const BUILD = /\b(?:npm\s+run\s+build|npm\s+run-script\s+build|yarn\s+build|pnpm\s+(?:run\s+)?build|tsc)\b/;

export function isInstallCommand(text: string): boolean {
  return INSTALL.test(text);
}

export function isBuildCommand(text: string): boolean {
  return BUILD.test(text);
}

/** Files that only describe dependencies: copying them first keeps the install cacheable. */
const MANIFEST =
  /(^|\/)(package(\*|-lock)?\.json|package\*\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|\.npmrc|\.yarnrc(\.yml)?)$/;

export function isManifestPath(path: string): boolean {
  // `package-lock.json*` (copy the lock file if there is one) is a manifest too.
  return MANIFEST.test(path.replace(/^\.\//, "").replace(/\*+$/, ""));
}

/** Whether a COPY source may bring application source with it. */
export function bringsSource(path: string): boolean {
  const p = path.replace(/^\.\//, "").replace(/\/$/, "");
  if (p === "" || p === "." || p === "*" || p === "/") return true;
  return !isManifestPath(p) && !/\.json$/.test(p);
}
