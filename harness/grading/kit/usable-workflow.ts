import type { WorkflowModel } from "../../workflow/workflow-model.ts";
import type { Scorecard } from "../scorecard.ts";
import { problemLocation } from "./locations.ts";

/**
 * The workflow when it can be judged; when it is missing or does not parse, every check in
 * `dependents` fails with one message naming the file (and the line of the first problem).
 */
export function usableWorkflow(
  model: WorkflowModel | undefined,
  file: string,
  card: Scorecard,
  dependents: readonly string[],
): WorkflowModel | undefined {
  if (model && model.problems.length === 0) return model;
  card.failRemaining(dependents, {
    message: model ? `${file} does not parse: ${model.problems.join("; ")}` : `${file} is missing.`,
    location: model ? problemLocation(file, model.problems) : { file },
  });
  return undefined;
}
