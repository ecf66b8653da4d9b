import { describe, expect, it } from "vitest";
import { lockFor } from "./registry-front.ts";

const D = `sha256:${"ab".repeat(32)}`;

describe("which requests the registry's front serialises", () => {
  it("locks a repository's manifests: reads shared, writes alone, tags and digests alike", () => {
    expect(lockFor("HEAD", "/v2/submission/manifests/graded")).toEqual({
      key: "manifests submission",
      mode: "read",
    });
    expect(lockFor("GET", `/v2/course/beacon/manifests/${D}`)).toEqual({
      key: "manifests course/beacon",
      mode: "read",
    });
    expect(lockFor("PUT", "/v2/course/beacon/manifests/sha256-abc.sig")).toEqual({
      key: "manifests course/beacon",
      mode: "write",
    });
    expect(lockFor("DELETE", `/v2/submission/manifests/${D}`)?.mode).toBe("write");
  });

  it("locks a blob's link where an upload ends or a mount makes it, and where it is read", () => {
    expect(lockFor("HEAD", `/v2/submission/blobs/${D}`)).toEqual({
      key: `blob submission ${D}`,
      mode: "read",
    });
    expect(lockFor("PUT", `/v2/submission/blobs/uploads/5f0c?_state=x&digest=${D}`)).toEqual({
      key: `blob submission ${D}`,
      mode: "write",
    });
    expect(lockFor("POST", `/v2/submission/blobs/uploads/?mount=${D}&from=other`)).toEqual({
      key: `blob submission ${D}`,
      mode: "write",
    });
    expect(lockFor("POST", `/v2/a/b/blobs/uploads/?digest=${D}`)?.key).toBe(`blob a/b ${D}`);
  });

  it("lets the rest stream through: upload chunks, new uploads, catalogue and version checks", () => {
    expect(lockFor("PATCH", "/v2/submission/blobs/uploads/5f0c?_state=x")).toBeUndefined();
    expect(lockFor("POST", "/v2/submission/blobs/uploads/")).toBeUndefined();
    expect(lockFor("GET", "/v2/")).toBeUndefined();
    expect(lockFor("GET", "/v2/submission/tags/list")).toBeUndefined();
    expect(lockFor("GET", "/v2/submission/blobs/not-a-digest")).toBeUndefined();
    // A target no URL parser accepts (a build can send anything) takes no lock and throws nothing.
    expect(lockFor("GET", "http://[::1/v2/x/manifests/latest")).toBeUndefined();
  });
});
