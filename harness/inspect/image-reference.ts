/** An image reference split the way the distribution API needs it (a value object). */
export class ImageReference {
  readonly registry: string;
  readonly repository: string;
  /** A tag or a digest. */
  readonly reference: string;

  constructor(registry: string, repository: string, reference: string) {
    this.registry = registry;
    this.repository = repository;
    this.reference = reference;
  }

  /** Parses `host[:port]/repo[:tag|@digest]`; a missing host means Docker Hub. */
  static parse(text: string): ImageReference {
    let rest = text;
    let reference = "latest";
    const at = rest.indexOf("@");
    if (at >= 0) {
      reference = rest.slice(at + 1);
      rest = rest.slice(0, at);
    }
    // With a digest too (`name:tag@sha256:...`), the digest alone names the image.
    const colon = rest.lastIndexOf(":");
    if (colon > rest.lastIndexOf("/")) {
      if (at < 0) reference = rest.slice(colon + 1);
      rest = rest.slice(0, colon);
    }
    const slash = rest.indexOf("/");
    const first = slash >= 0 ? rest.slice(0, slash) : "";
    if (slash >= 0 && (first.includes(".") || first.includes(":") || first === "localhost")) {
      // Host names have no case; Docker Hub has an older name.
      const host = first.toLowerCase();
      return new ImageReference(
        host === "index.docker.io" ? "docker.io" : host,
        rest.slice(slash + 1),
        reference,
      );
    }
    return new ImageReference("docker.io", rest.includes("/") ? rest : `library/${rest}`, reference);
  }

  withReference(reference: string): ImageReference {
    return new ImageReference(this.registry, this.repository, reference);
  }

  get isDigest(): boolean {
    return this.reference.startsWith("sha256:");
  }

  toString(): string {
    return `${this.registry}/${this.repository}${this.isDigest ? "@" : ":"}${this.reference}`;
  }
}

/**
 * The reference as a registry resolves it (pure): `reg/cache` and `reg/cache:latest` are one,
 * as are `nginx` and `docker.io/library/nginx:latest`, or a host written in capitals.
 */
export function canonicalReference(text: string): string {
  return ImageReference.parse(text).toString();
}
