// Child of secret-scan.ts: scans one image from an OCI layout and reports its time and peak memory
// (VmHWM), so the measurement is of the scanner alone, in a fresh process.
import { readFile } from "node:fs/promises";
import { OciLayoutSource } from "../inspect/oci-layout-source.ts";
import { readImage } from "../inspect/image-reader.ts";
import { Canary } from "../secrets/canary.ts";
import { scanLayers } from "../secrets/leak-scanner.ts";

const [layout, canaryValue] = process.argv.slice(2);
if (!layout || !canaryValue) throw new Error("usage: scan-child LAYOUT CANARY");
const source = new OciLayoutSource(layout);
const top = await source.manifest("index.json");
const inner = top.document.kind === "index" ? top.document.manifests[0]?.digest : undefined;
const read = await readImage(source, inner ?? "index.json");
const image = read.images[0];
if (!image) throw new Error("no image in the layout");
const started = performance.now();
const findings = await scanLayers(source, image, new Canary(canaryValue));
const ms = performance.now() - started;
const status = await readFile("/proc/self/status", "utf8");
const hwmKb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
process.stdout.write(
  `${JSON.stringify({ ms, hwmKb, findings: findings.length, layers: image.manifest.layers.map((l) => l.digest) })}\n`,
);
