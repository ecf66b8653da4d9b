import { parseWorkflow, type WorkflowModel } from "../../workflow/workflow-model.ts";
import type { SubmissionFiles } from "../grader.ts";

/**
 * A learner's workflow file, parsed (pure): undefined when it is not there, and a model whose
 * one problem says why when it is there but is not text (binary, not UTF-8, over the size read),
 * so the workflow checks fail with that reason rather than calling the file missing.
 */
export function workflowOf(files: SubmissionFiles, path: string): WorkflowModel | undefined {
  const text = files.text(path);
  if (text !== undefined) return parseWorkflow(text);
  const problem = files.unreadable(path);
  return problem === undefined
    ? undefined
    : { ...parseWorkflow(""), problems: [`it cannot be read: ${problem}`] };
}
