import { describe, expect, it } from "vitest";
import { dockerEndpoint } from "./docker-client.ts";

describe("DOCKER_HOST forms", () => {
  it("reads unix sockets, bare paths and tcp/http(s) addresses with the CLI's default ports", () => {
    expect(dockerEndpoint("unix:///run/x/docker.sock")).toEqual({ socketPath: "/run/x/docker.sock" });
    expect(dockerEndpoint("/var/run/docker.sock")).toEqual({ socketPath: "/var/run/docker.sock" });
    expect(dockerEndpoint("tcp://10.0.0.5:2375")).toEqual({ protocol: "http", host: "10.0.0.5", port: 2375 });
    expect(dockerEndpoint("tcp://builder.local")).toEqual({
      protocol: "http",
      host: "builder.local",
      port: 2375,
    });
    expect(dockerEndpoint("tcp://builder.local", true)).toEqual({
      protocol: "https",
      host: "builder.local",
      port: 2376,
    });
    expect(dockerEndpoint("https://[::1]:8443/")).toEqual({ protocol: "https", host: "::1", port: 8443 });
  });
  it("refuses what is neither", () => {
    expect(() => dockerEndpoint("ssh://me@host")).toThrow(/not a unix socket or a tcp address/);
  });
});
