/** What the exercise fixes: the files CI writes, the private module, and what the image must hold. */

/** CI writes the run's client key here before building (the handout copied it into the image). */
export const KEY_FILE = "deploy_key";
/** CI writes the course server's host key here; the handout's copy is a placeholder. */
export const KNOWN_HOSTS_FILE = "known_hosts";
/** The build argument CI passes: the server's base URL, which Git's insteadOf maps the module to. */
export const SERVER_ARG = "GIT_SERVER";

export const MODULE = "git.course.test/team/greeting.git";
export const MODULE_VERSION = "v1.0.0";
/** The repository name on the run's server (its URL is `<GIT_SERVER>greeting.git`). */
export const MODULE_REPOSITORY = "greeting";
/** Folder of the exercise that holds the module's files. */
export const MODULE_DIR = "private-module";

export const SETTINGS_PATH = "/etc/status/status.conf";
export const SETTINGS_TEXT =
  "# status service settings\nteam = platform\nlog_format = $time $level $message\n";
export const SCRIPT_PATH = "/usr/local/bin/start-status";
/** What the start script must leave for the shell at run time. */
export const SCRIPT_VARIABLES = ["PORT", "SERVICE_NAME"] as const;
export const NAME_VARIABLE = "SERVICE_NAME";
