import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { format } from "prettier";
import { listExercises } from "../grading/exercise.ts";
import { handoutDrift, handoutHashes } from "../grading/handout.ts";

// Course maintainers' tool (`npm run handout`): records in each exercise.json the sha256 of the
// learner files as handed out, which is how grading tells an untouched exercise from an attempt.
let changed = 0;
for (const exercise of await listExercises()) {
  const drift = await handoutDrift(exercise);
  if (drift.length === 0) continue;
  const path = join(exercise.dir, "exercise.json");
  const json = JSON.parse(await readFile(path, "utf8")) as Record<string, unknown>;
  json["handout"] = await handoutHashes(exercise);
  await writeFile(path, await format(JSON.stringify(json), { parser: "json", filepath: path }));
  changed += 1;
  process.stdout.write(`${exercise.id}: handout hashes of ${drift.map((d) => d.file).join(", ")} updated\n`);
}
process.stdout.write(changed === 0 ? "every exercise.json already matches its workspace\n" : "");
