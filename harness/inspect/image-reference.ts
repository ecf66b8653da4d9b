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
    } else {
      const colon = rest.lastIndexOf(":");
      if (colon > rest.lastIndexOf("/")) {
        reference = rest.slice(colon + 1);
        rest = rest.slice(0, colon);
      }
    }
    const slash = rest.indexOf("/");
    const first = slash >= 0 ? rest.slice(0, slash) : "";
    if (slash >= 0 && (first.includes(".") || first.includes(":") || first === "localhost")) {
      return new ImageReference(first, rest.slice(slash + 1), reference);
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
