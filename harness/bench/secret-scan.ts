/**
 * Benchmark for the leak scanner: streaming every layer of a large image (two sizes) against
 * `gzip -dc BLOB | grep -F -c -f PATTERNS` over the same blobs on disk, in the same run, with
 * every pattern the scanner searches (the canary's raw and decoded forms); and the scanner's
 * peak memory (VmHWM of a fresh process) at both sizes, which must stay flat.
 *   npm run bench:scan [-- --sizes 256,640] [-- --baseline ../other-checkout]
 * `--baseline` also runs the scanner of another checkout (an older commit) on the same blobs.
 */
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { BuildCommand } from "../buildx/build-command.ts";
import { Buildx } from "../buildx/buildx.ts";
import { openEnvironment } from "../engine/open-environment.ts";
import { detectMirror } from "../engine/base-image-mirror.ts";
import { writeContext } from "../util/build-context.ts";
import { exec, baseEnv } from "../exec/exec.ts";
import { Canary } from "../secrets/canary.ts";
import { formatBytes, formatDuration } from "../report/format.ts";

const { values } = parseArgs({
  options: { sizes: { type: "string", default: "256,640" }, baseline: { type: "string" } },
});
const sizes = values.sizes.split(",").map(Number);

interface ScanFigures {
  ms: number;
  hwmKb: number;
  findings: number;
  layers: string[];
}
const canary = Canary.random("bench");
const env = await openEnvironment({ mirror: await detectMirror() });
const work = await mkdtemp(join(tmpdir(), "bench-scan-"));
try {
  for (const mib of sizes) {
    // Layers of base64 text (compressible like real files), 128 MiB each, the canary in the last.
    const layers = Math.max(1, Math.round(mib / 128));
    const per = Math.round(mib / layers);
    const steps = Array.from(
      { length: layers },
      (_, i) =>
        `RUN head -c ${Math.round((per * 1024 * 1024 * 3) / 4)} /dev/urandom | base64 > /data${i}.txt${i === layers - 1 ? ` && echo "token=${canary.value}" >> /data${i}.txt` : ""}`,
    );
    const context = await writeContext(`FROM busybox\n${steps.join("\n")}\n`);
    const layout = join(work, `layout-${mib}`);
    const built = await new BuildCommand(new Buildx(env)).run({
      label: `${mib}MiB`,
      context,
      output: { type: "oci", dest: layout },
      network: "none",
      timeoutMs: 1_800_000,
    });
    if (!built.ok) throw new Error(built.failure?.message);
    const scanWith = async (checkout: string): Promise<ScanFigures> => {
      const child = await exec(
        process.execPath,
        ["--import", "tsx", join(checkout, "harness/bench/scan-child.ts"), layout, canary.value],
        { env: baseEnv(), timeoutMs: 1_800_000, cwd: checkout },
      );
      return JSON.parse(child.stdout) as ScanFigures;
    };
    const scan = await scanWith(resolve(new URL("../..", import.meta.url).pathname));
    const baseline = values.baseline === undefined ? undefined : await scanWith(resolve(values.baseline));
    const patterns = join(work, "patterns");
    await writeFile(
      patterns,
      [...canary.needles, ...canary.escaped, ...canary.wrapped, ...canary.hex]
        .map((n) => n.bytes.toString())
        .join("\n") + "\n",
    );
    let grepMs = 0;
    let compressed = 0;
    let matches = 0;
    for (const digest of scan.layers) {
      const blob = join(layout, "blobs", ...digest.split(":"));
      compressed += (await stat(blob)).size;
      const t = performance.now();
      const r = await exec("sh", ["-c", `gzip -dc '${blob}' | grep -F -c -f '${patterns}' || true`], {
        timeoutMs: 1_800_000,
      });
      grepMs += performance.now() - t;
      matches += Number(r.stdout.trim()) || 0;
    }
    console.log(
      `${mib} MiB of layer content (${scan.layers.length} layers, ${formatBytes(compressed)} compressed):`,
    );
    console.log(
      `  leak scanner: ${formatDuration(scan.ms)}, peak RSS ${formatBytes(scan.hwmKb * 1024)}, findings ${scan.findings}`,
    );
    console.log(`  gzip -dc | grep -F -f: ${formatDuration(grepMs)}, matches ${matches}`);
    console.log(`  ratio scanner/grep: ${(scan.ms / grepMs).toFixed(2)}`);
    if (baseline)
      console.log(
        `  baseline scanner: ${formatDuration(baseline.ms)}, peak RSS ${formatBytes(baseline.hwmKb * 1024)}, findings ${baseline.findings}, ratio ${(baseline.ms / grepMs).toFixed(2)}`,
      );
    await rm(layout, { recursive: true, force: true });
    await rm(context, { recursive: true, force: true });
  }
} finally {
  await env.dispose();
  await rm(work, { recursive: true, force: true });
}
