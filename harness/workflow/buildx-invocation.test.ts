import { describe, expect, it } from "vitest";
import { buildxInvocations } from "./buildx-invocation.ts";

describe("buildx commands in a run script", () => {
  it("reads platforms, pushes and bake overrides across continuations and chains", () => {
    const [build, bake, merge] = buildxInvocations(
      [
        "set -e",
        "docker buildx build \\",
        "  --platform linux/amd64,linux/arm64 \\",
        "  -o type=image,name=r/x,push-by-digest=true,push=true . && \\",
        "docker buildx bake --set '*.platform=linux/arm64' --push",
        "docker buildx imagetools create -t r/x:1 r/x@sha256:aa r/x@sha256:bb",
      ].join("\n"),
    );
    expect(build).toMatchObject({
      command: "build",
      platforms: ["linux/amd64", "linux/arm64"],
      pushes: true,
      byDigest: true,
    });
    expect(bake).toMatchObject({ command: "bake", platforms: ["linux/arm64"], pushes: true });
    expect(merge?.command).toBe("imagetools-create");
  });
  it.each([
    ["docker buildx --builder ci bake --push", "ci", ["--push"]],
    ["docker --debug buildx bake --builder=ci api", "ci", ["api"]],
    ["docker --context remote buildx -D build --builder ci --push .", "ci", ["."]],
    ["docker buildx bake --push", undefined, []],
  ])(
    "reads the builder and the operands past docker's and buildx's own flags: %s",
    (script, builder, operands) => {
      const [call] = buildxInvocations(script);
      expect(call?.builder).toBe(builder);
      for (const operand of operands.filter((o) => !o.startsWith("-")))
        expect(call?.operands).toContain(operand);
    },
  );
  it("reads a script as the shell does: quotes, comments and expressions kept whole", () => {
    const [build, bake] = buildxInvocations(
      [
        'docker buildx build --label "note=a;b|c" --push . # --platform linux/s390x',
        "docker buildx bake --set '*.cache-to=type=registry,ref=${{ env.R }}/c:${{ github.ref_name }},mode=max' --push",
      ].join("\n"),
    );
    expect(build).toMatchObject({ command: "build", platforms: [], pushes: true, operands: ["."] });
    expect(bake?.cacheTo).toEqual([
      { type: "registry", ref: "${{ env.R }}/c:${{ github.ref_name }}", mode: "max" },
    ]);
  });
  it("takes docker build for buildx and ignores other docker commands", () => {
    expect(buildxInvocations("docker build --platform=linux/arm64 --push .")).toMatchObject([
      { command: "build", platforms: ["linux/arm64"], pushes: true },
    ]);
    expect(buildxInvocations("docker push r/x; docker buildx ls")).toEqual([]);
    expect(buildxInvocations("docker buildx build -o type=local,dest=out .")[0]?.pushes).toBe(false);
    expect(buildxInvocations('docker buildx build --output "type=registry" .')[0]?.pushes).toBe(true);
  });
  it("reads cache flags in every spelling: =, a separate word, quotes, bare references, bake --set", () => {
    const [build, bake] = buildxInvocations(
      [
        "docker buildx build --cache-from type=gha \\",
        '  --cache-to="type=gha,mode=max,scope=app" --cache-from r/app:cache .',
        "docker buildx bake --set '*.cache-to=type=registry,ref=r/c,mode=max' --set app.cache-from=r/c",
      ].join("\n"),
    );
    expect(build?.cacheFrom).toEqual([{ type: "gha" }, { type: "registry", ref: "r/app:cache" }]);
    expect(build?.cacheTo).toEqual([{ type: "gha", mode: "max", scope: "app" }]);
    expect(bake?.cacheTo).toEqual([{ type: "registry", ref: "r/c", mode: "max" }]);
    expect(bake?.cacheFrom).toEqual([{ type: "registry", ref: "r/c" }]);
  });
});

describe("operands of a bake or build call", () => {
  it.each([
    ["docker buildx bake --push", []],
    ["docker buildx bake -f docker-bake.hcl --set *.push=true api worker", ["api", "worker"]],
    ["docker buildx bake --file=x.hcl --progress plain default", ["default"]],
    ["docker buildx build -t a/b:1 --platform linux/amd64 ./api", ["./api"]],
  ])("%s", (script, operands) => {
    expect(buildxInvocations(script)[0]?.operands).toEqual(operands);
  });
});
