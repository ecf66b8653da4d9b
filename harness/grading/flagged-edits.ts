/**
 * Files a pull request changes outside the learners' workspaces (graders, tests, workflows,
 * the harness): grading uses the base branch's copies, and the report flags them (pure).
 */
export function flaggedEdits(changedFiles: readonly string[], exerciseIds: readonly string[]): string[] {
  const workspaces = exerciseIds.map((id) => `exercises/${id}/workspace/`);
  return changedFiles
    .map((f) => f.trim())
    .filter((f) => f.length > 0 && !workspaces.some((w) => f.startsWith(w)))
    .sort();
}
