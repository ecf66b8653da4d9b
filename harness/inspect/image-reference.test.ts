import { describe, expect, it } from "vitest";
import { canonicalReference, ImageReference } from "./image-reference.ts";

describe("ImageReference", () => {
  it.each([
    ["127.0.0.1:5000/t/s1:1", "127.0.0.1:5000", "t/s1", "1"],
    ["localhost/app", "localhost", "app", "latest"],
    ["busybox", "docker.io", "library/busybox", "latest"],
    ["user/app:v2", "docker.io", "user/app", "v2"],
    ["reg.example:443/a/b@sha256:abc", "reg.example:443", "a/b", "sha256:abc"],
    ["reg.example:443/a/b:v1@sha256:abc", "reg.example:443", "a/b", "sha256:abc"],
    ["Reg.Example:5000/a", "reg.example:5000", "a", "latest"],
    ["index.docker.io/user/app", "docker.io", "user/app", "latest"],
  ])("%s", (text, registry, repository, reference) => {
    const ref = ImageReference.parse(text);
    expect([ref.registry, ref.repository, ref.reference]).toEqual([registry, repository, reference]);
  });
  it("prints digests with @", () => {
    expect(ImageReference.parse("h:1/r:t").withReference("sha256:1").toString()).toBe("h:1/r@sha256:1");
  });
  it.each([
    ["127.0.0.1:5000/build-cache", "127.0.0.1:5000/build-cache:latest"],
    ["nginx", "docker.io/library/nginx:latest"],
    ["REG.test:5000/c:api", "reg.test:5000/c:api"],
  ])("%s and %s are one reference", (a, b) => {
    expect(canonicalReference(a)).toBe(canonicalReference(b));
  });
  it("keeps apart what a registry keeps apart", () => {
    expect(canonicalReference("reg.test/c:api")).not.toBe(canonicalReference("reg.test/c:worker"));
    expect(canonicalReference("reg.test/C")).not.toBe(canonicalReference("reg.test/c"));
  });
});
