/** Recognises package-manager commands in RUN text (pure). */
// npm's global options may come before the subcommand (`npm --cache /tmp/c ci`); the command
// may sit inside quotes (`sh -c 'npm ci'`) or a subshell.
const NPM_OPTIONS = String.raw`(?:\s+-{1,2}[\w-]+(?:=\S*|\s+(?!-)(?!(?:ci|install|i)\b)\S+)?)*?`;
// Bare `yarn` installs, and so does `yarn --frozen-lockfile`; `yarn build` runs a script and
// `yarn --version` prints one: only flags other than those keep it an install.
const YARN = String.raw`yarn(?:\s+(?:install|add)|(?=\s*(?:$|[;&|'")]))|(?=\s+-)(?!\s+(?:-v|--version|-h|--help)\b))`;
const INSTALL = new RegExp(
  String.raw`\b(?:npm${NPM_OPTIONS}\s+(?:ci|clean-install|ic|install-clean|install|isntall|i|add)|pnpm\s+(?:install|i)|${YARN})(?=[\s;&|'")]|$)`,
);
const BUILD =
  /\b(?:npm\s+run\s+build|npm\s+run-script\s+build|yarn\s+(?:run\s+)?build|pnpm\s+(?:run\s+)?build|tsc)\b/;

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
