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
  it("takes docker build for buildx and ignores other docker commands", () => {
    expect(buildxInvocations("docker build --platform=linux/arm64 --push .")).toMatchObject([
      { command: "build", platforms: ["linux/arm64"], pushes: true },
    ]);
    expect(buildxInvocations("docker push r/x; docker buildx ls")).toEqual([]);
    expect(buildxInvocations("docker buildx build -o type=local,dest=out .")[0]?.pushes).toBe(false);
    expect(buildxInvocations('docker buildx build --output "type=registry" .')[0]?.pushes).toBe(true);
  });
});
