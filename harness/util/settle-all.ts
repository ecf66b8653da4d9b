/**
 * Waits for every task, then throws the first failure. Unlike Promise.all, nothing is still
 * running when the caller goes on: a grader's engine is taken down right after it returns.
 */
export async function settleAll(tasks: readonly Promise<unknown>[]): Promise<void> {
  const results = await Promise.allSettled(tasks);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason instanceof Error ? failed.reason : new Error(String(failed.reason));
}
