import { createRequire } from "node:module";
import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";

/**
 * Validates GitHub API requests and responses against GitHub's published OpenAPI description
 * (the @octokit/openapi package). Schemas are compiled lazily, per operation.
 */
interface Operation {
  readonly operationId: string;
  readonly method: string;
  readonly template: string;
  readonly pattern: RegExp;
  readonly spec: Record<string, unknown>;
}

type Json = Record<string, unknown>;
const ROOT = "github.json";

export class GitHubOpenApi {
  private readonly ajv: Ajv;
  private readonly operations: Operation[] = [];
  private readonly cache = new Map<string, ValidateFunction>();
  private readonly spec: Json;

  constructor() {
    const require = createRequire(import.meta.url);
    const spec = require("@octokit/openapi/generated/api.github.com.json") as Json;
    nullableWithoutType(spec);
    this.spec = spec;
    this.ajv = new Ajv({ strict: false, validateSchema: false, allErrors: true });
    addFormats.default(this.ajv);
    this.ajv.addSchema(spec, ROOT);
    for (const [template, item] of Object.entries(spec["paths"] as Record<string, Json>)) {
      for (const [method, op] of Object.entries(item)) {
        const operation = op as Json;
        if (typeof operation["operationId"] !== "string") continue;
        const pattern = new RegExp(
          `^${template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+")}$`,
        );
        this.operations.push({
          operationId: operation["operationId"],
          method: method.toUpperCase(),
          template,
          pattern,
          spec: operation,
        });
      }
    }
  }

  /** The operation a request is for, if GitHub's description has one. */
  match(method: string, path: string): Operation | undefined {
    // A literal segment beats a parameter: prefer the template with the fewest parameters.
    return this.operations
      .filter((o) => o.method === method && o.pattern.test(path))
      .sort((a, b) => (a.template.match(/\{/g) ?? []).length - (b.template.match(/\{/g) ?? []).length)[0];
  }

  validateRequestBody(operation: Operation, body: unknown): string[] {
    const content = ((operation.spec["requestBody"] as Json | undefined)?.["content"] as Json | undefined)?.[
      "application/json"
    ] as Json | undefined;
    if (!content) return body === undefined ? [] : ["this operation takes no JSON body"];
    return this.run(`${operation.operationId} request`, content["schema"] as Json, body);
  }

  validateResponse(operation: Operation, status: number, body: unknown): string[] {
    const response = (operation.spec["responses"] as Json)[String(status)] as Json | undefined;
    if (!response) return [`${operation.operationId} has no ${status} response in GitHub's description`];
    const resolved =
      typeof response["$ref"] === "string" ? (this.resolve(response["$ref"]) as Json) : response;
    const schema = ((resolved["content"] as Json | undefined)?.["application/json"] as Json | undefined)?.[
      "schema"
    ] as Json | undefined;
    return schema ? this.run(`${operation.operationId} ${status}`, schema, body) : [];
  }

  /** A copy of one of the description's own examples (e.g. "workflow-run"), for realistic fakes. */
  example(name: string): unknown {
    const examples = (this.spec["components"] as Json)["examples"] as Json;
    const value = (examples[name] as Json | undefined)?.["value"];
    return value === undefined ? undefined : structuredClone(value);
  }

  /** Validates against a named component schema, e.g. "basic-error". */
  validateComponent(name: string, body: unknown): string[] {
    return this.run(`component ${name}`, { $ref: `#/components/schemas/${name}` }, body);
  }

  private run(key: string, schema: Json, value: unknown): string[] {
    let validate = this.cache.get(key);
    if (!validate) {
      validate = this.ajv.compile(rebase(schema));
      this.cache.set(key, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).map(
      (e) =>
        `${key}: ${e.instancePath || "/"} ${e.message ?? "invalid"}${e.params && "additionalProperty" in e.params ? ` (${String(e.params["additionalProperty"])})` : ""}`,
    );
  }

  private resolve(ref: string): unknown {
    return this.ajv.getSchema(`${ROOT}${ref}`)?.schema;
  }
}

/** Points the description's local `#/components/...` references at the whole document. */
function rebase(schema: unknown): never {
  return JSON.parse(JSON.stringify(schema), (key, value: unknown) =>
    key === "$ref" && typeof value === "string" && value.startsWith("#/") ? `${ROOT}${value}` : value,
  ) as never;
}

/**
 * OpenAPI 3.0's `nullable` beside a `$ref` or `allOf` (no `type`), which Ajv refuses: the same
 * meaning as "that schema, or null".
 */
function nullableWithoutType(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) nullableWithoutType(item);
    return;
  }
  if (typeof node !== "object" || node === null) return;
  const object = node as Json;
  for (const value of Object.values(object)) nullableWithoutType(value);
  if (object["nullable"] === true && object["type"] === undefined) {
    const { nullable: _nullable, ...rest } = object;
    for (const key of Object.keys(object)) Reflect.deleteProperty(object, key);
    object["anyOf"] = [rest, { type: "null" }];
  }
}
