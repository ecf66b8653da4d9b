import { writeFile } from "node:fs/promises";
import { startPrivateNpmRegistry } from "../run/private-npm-registry.ts";
import { exec } from "../exec/exec.ts";
const r = await startPrivateNpmRegistry(["/work/main/exercises/03-build-secrets/course-greeting-1.0.0.tgz"]);
await writeFile(
  "/tmp/gen.npmrc",
  `@course:registry=${r.url}\n${r.url.replace(/^http:/, "")}:_authToken=${r.token}\nomit-lockfile-registry-resolved=true\n`,
);
console.log(
  (
    await exec("npm", ["install", "--package-lock-only", "--userconfig", "/tmp/gen.npmrc"], {
      cwd: "/work/main/exercises/03-build-secrets/workspace",
    })
  ).stdout,
);
await r.dispose();
