#!/usr/bin/env node
// The package's `grade` command: loads the TypeScript CLI through tsx's loader, in this process
// (so signals reach the CLI's cleanup directly; no build step to forget).
import { register } from "tsx/esm/api";

register();
await import("../harness/cli/grade.ts");
