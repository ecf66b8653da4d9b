import { describe, expect, it } from "vitest";
import { ImageReference } from "./image-reference.ts";
import { RegistrySource } from "./registry-source.ts";

/** A registry that answers each URL as `routes` says, recording what was asked. */
function registry(routes: Record<string, () => Response>): { fetch: typeof fetch; asked: string[] } {
  const asked: string[] = [];
  const stub = (input: string | URL | Request): Promise<Response> => {
    const url = input instanceof Request ? input.url : String(input);
    asked.push(url);
    const route = routes[url];
    return Promise.resolve(route ? route() : new Response("", { status: 404 }));
  };
  return { fetch: stub, asked };
}

const redirect = (to: string) => () => new Response("", { status: 307, headers: { location: to } });
const INDEX = JSON.stringify({
  schemaVersion: 2,
  mediaType: "application/vnd.oci.image.index.v1+json",
  manifests: [],
});

describe("reading a registry the learner named", () => {
  it("follows a redirect within the registry", async () => {
    const { fetch, asked } = registry({
      "http://127.0.0.1:5000/v2/shop/api/manifests/c": redirect("/v2/shop/api/manifests/sha256-x"),
      "http://127.0.0.1:5000/v2/shop/api/manifests/sha256-x": () =>
        new Response(INDEX, { headers: { "content-type": "application/vnd.oci.image.index.v1+json" } }),
    });
    const source = new RegistrySource(ImageReference.parse("127.0.0.1:5000/shop/api:c"), { fetch });
    expect((await source.manifest("c")).text).toBe(INDEX);
    expect(asked).toHaveLength(2);
  });

  it("never follows one to another service, a host loopback port included", async () => {
    const { fetch, asked } = registry({
      "http://127.0.0.1:5000/v2/shop/api/manifests/c": redirect("http://127.0.0.1:8080/admin"),
    });
    const source = new RegistrySource(ImageReference.parse("127.0.0.1:5000/shop/api:c"), { fetch });
    await expect(source.manifest("c")).rejects.toThrow(
      /redirected to http:\/\/127\.0\.0\.1:8080, outside the registry/,
    );
    expect(asked).toEqual(["http://127.0.0.1:5000/v2/shop/api/manifests/c"]);
  });
});
