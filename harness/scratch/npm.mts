import { startPrivateNpmRegistry } from "../run/private-npm-registry.ts";
const r = await startPrivateNpmRegistry(["/work/main/exercises/03-build-secrets/course-greeting-1.0.0.tgz"]);
console.log(r.url, r.token.slice(0, 20), r.token.length);
const anon = await fetch(`${r.url}@course%2fgreeting`);
console.log("anon", anon.status);
const auth = await fetch(`${r.url}@course%2fgreeting`, { headers: { authorization: `Bearer ${r.token}` } });
const j = (await auth.json()) as any;
console.log("auth", auth.status, Object.keys(j.versions ?? {}));
const tgz = await fetch(j.versions["1.0.0"].dist.tarball, {
  headers: { authorization: `Bearer ${r.token}` },
});
console.log("tgz", tgz.status, j.versions["1.0.0"].dist.integrity);
await new Promise((res) => setTimeout(res, 500));
console.log("downloads", await r.authenticatedDownloads());
const { readFile } = await import("node:fs/promises");
await r.dispose();
