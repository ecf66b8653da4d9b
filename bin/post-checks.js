#!/usr/bin/env node
// Posts the grade reports of a pull request as GitHub check runs (see .github/workflows/post-checks.yml).
import { register } from "tsx/esm/api";

register();
await import("../harness/cli/post-checks.ts");
