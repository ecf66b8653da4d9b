/**
 * What undoes one resource of a grading run without the process that made it: the reaper
 * (reaper.ts) performs these when a grader process dies before its own cleanup finished.
 */
export type UndoStep =
  /** SIGKILL to a process group (a daemon started with spawnDaemon) and its leader. */
  | { readonly kill: number }
  /** SIGKILL to the pid written in a file (containerd, which dockerd starts in its own group). */
  | { readonly killPidFile: string }
  /** Lazily unmounts everything mounted under a folder, innermost first. */
  | { readonly unmountUnder: string }
  /** Removes a cgroup of this name from every hierarchy, innermost first. */
  | { readonly cgroup: string }
  /** Runs a command (iptables, ip, docker); its failure is ignored. */
  | { readonly run: readonly string[]; readonly env?: Readonly<Record<string, string>> }
  /** Removes a folder or file. */
  | { readonly remove: string };

/** Kills first, everything else after, so nothing is unmounted or removed under a live process. */
export function orderUndo(entries: readonly (readonly UndoStep[])[]): UndoStep[] {
  const newestFirst = [...entries].reverse().flat();
  return [
    ...newestFirst.filter((s) => "kill" in s || "killPidFile" in s),
    ...newestFirst.filter((s) => !("kill" in s || "killPidFile" in s)),
  ];
}
