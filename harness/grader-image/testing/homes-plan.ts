/** One grading a home test makes: an exercise's reference, or one of its known-wrong fixtures over it. */
export interface HomeCase {
  readonly exercise: string;
  readonly wrong?: string;
  readonly label: string;
}

/** Rounds of one `npm test` each, an exercise at most once in a round. */
export interface HomesPlan {
  readonly cleanHost: readonly (readonly HomeCase[])[];
  readonly desktop: readonly (readonly HomeCase[])[];
  /** Grade 02 a second time on the Desktop stand-in and count what reached Docker Hub. */
  readonly repeatOnDesktop: boolean;
}

const ALL = [
  ["01-cache-mounts", "no-cache-mount"],
  ["02-multi-platform", "amd64-binary-everywhere"],
  ["03-build-secrets", "env-token"],
  ["04-cache-backends", "min-mode"],
  ["05-ssh-heredocs-mounts", "host-key-check-off"],
  ["06-sign-verify", "sign-by-tag"],
] as const;

/** Exercises whose builds install packages from the npm registry ("network": "npm"). */
const NEEDS_PACKAGES = new Set(["01-cache-mounts", "03-build-secrets", "04-cache-backends"]);

const reference = (exercise: string): HomeCase => ({ exercise, label: `${exercise} (reference)` });
const wrong = (exercise: string, name: string): HomeCase => ({
  exercise,
  wrong: name,
  label: `${exercise} (wrong: ${name})`,
});

/**
 * Which gradings the home tests make (pure): `full` (npm run test:homes) every reference and a
 * wrong fixture of each in both homes, and 02 again on the Docker Desktop stand-in; by default
 * the short list the full suite can afford: the services of 03 and 05 on the clean host.
 */
export function homesPlan(setting: string | undefined): HomesPlan {
  if (setting === "full") {
    const rounds = [ALL.map(([e]) => reference(e)), ALL.map(([e, w]) => wrong(e, w))];
    // The Desktop stand-in's VM reaches no package registry from its builds (its only way out is
    // the build proxy for the image's own npm ci): exercises whose builds install packages are
    // graded on the clean host only.
    const offline = (c: HomeCase): boolean => !NEEDS_PACKAGES.has(c.exercise);
    return { cleanHost: rounds, desktop: rounds.map((r) => r.filter(offline)), repeatOnDesktop: true };
  }
  // The Desktop stand-in (its own engine, npm ci and image build, then 02) took 14 minutes of
  // the full suite on 2 cores, beside the other files: it runs in test:homes only.
  return {
    cleanHost: [[reference("03-build-secrets"), wrong("05-ssh-heredocs-mounts", "host-key-check-off")]],
    desktop: [],
    repeatOnDesktop: false,
  };
}
