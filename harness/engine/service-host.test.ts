import { describe, expect, it } from "vitest";
import { parseRegistryPorts, parseServiceHost } from "./service-host.ts";

const local = ["127.0.0.1", "10.0.0.5"];

describe("where a run publishes its services for a farm (GRADER_SERVICE_HOST)", () => {
  it("stays on loopback unless set", () => {
    expect(parseServiceHost(undefined, local)).toEqual({ ok: true, host: "127.0.0.1" });
    expect(parseServiceHost("  ", local)).toEqual({ ok: true, host: "127.0.0.1" });
  });
  it("takes an address of this machine, or a host name", () => {
    expect(parseServiceHost("10.0.0.5", local)).toEqual({ ok: true, host: "10.0.0.5" });
    expect(parseServiceHost(" grader.lab.example ", local)).toEqual({ ok: true, host: "grader.lab.example" });
  });
  it("refuses, with the reason, what no service can listen on or a daemon reach", () => {
    const message = (text: string): string => {
      const parsed = parseServiceHost(text, local);
      return parsed.ok ? "" : parsed.message;
    };
    expect(message("10.0.0.9")).toContain("not an address of this machine (it has 127.0.0.1, 10.0.0.5)");
    expect(message("0.0.0.0")).toContain("every network");
    expect(message("http://10.0.0.5")).toContain("without a scheme or port");
    expect(message("10.0.0.5:5000")).toContain("without a scheme or port");
    expect(message("under_score")).toContain("not a valid host name");
    expect(message("-lead.example")).toContain("not a valid host name");
  });
});

describe("the ports a run's registry may take (GRADER_REGISTRY_PORTS)", () => {
  it("is any free port unless a range is set", () => {
    expect(parseRegistryPorts(undefined)).toEqual({ ok: true, range: undefined });
    expect(parseRegistryPorts(" 5100-5119 ")).toEqual({ ok: true, range: { low: 5100, high: 5119 } });
    expect(parseRegistryPorts("5100-5100")).toEqual({ ok: true, range: { low: 5100, high: 5100 } });
  });
  it("refuses a range that is not one, or reaches outside unprivileged ports", () => {
    for (const text of ["5119-5100", "80-90", "5100-70000", "5100", "5100:5119", "a-b"])
      expect(parseRegistryPorts(text), text).toMatchObject({ ok: false });
  });
});
