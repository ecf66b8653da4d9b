import { describe, expect, it } from "vitest";
import { proxyBuildArgs } from "./proxy-build-args.ts";

describe("proxyBuildArgs", () => {
  it("hands RUN steps the proxy in both spellings, with the run's services reached directly", () => {
    const args = proxyBuildArgs({ egressProxy: "http://10.1.0.1:3128", serviceHost: "10.1.0.1" });
    const values = args.filter((_, i) => i % 2 === 1);
    expect(args.filter((_, i) => i % 2 === 0).every((a) => a === "--build-arg")).toBe(true);
    expect(values).toContain("HTTPS_PROXY=http://10.1.0.1:3128");
    expect(values).toContain("http_proxy=http://10.1.0.1:3128");
    expect(values).toContain("NO_PROXY=10.1.0.1,localhost,127.0.0.1");
    expect(values).toContain("no_proxy=10.1.0.1,localhost,127.0.0.1");
  });

  it("is empty when the run has no proxy", () => {
    expect(proxyBuildArgs({ egressProxy: undefined, serviceHost: "127.0.0.1" })).toEqual([]);
  });
});
