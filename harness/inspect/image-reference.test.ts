import { describe, expect, it } from "vitest";
import { ImageReference } from "./image-reference.ts";

describe("ImageReference", () => {
  it.each([
    ["127.0.0.1:5000/t/s1:1", "127.0.0.1:5000", "t/s1", "1"],
    ["localhost/app", "localhost", "app", "latest"],
    ["busybox", "docker.io", "library/busybox", "latest"],
    ["user/app:v2", "docker.io", "user/app", "v2"],
    ["reg.example:443/a/b@sha256:abc", "reg.example:443", "a/b", "sha256:abc"],
  ])("%s", (text, registry, repository, reference) => {
    const ref = ImageReference.parse(text);
    expect([ref.registry, ref.repository, ref.reference]).toEqual([registry, repository, reference]);
  });
  it("prints digests with @", () => {
    expect(ImageReference.parse("h:1/r:t").withReference("sha256:1").toString()).toBe("h:1/r@sha256:1");
  });
});
