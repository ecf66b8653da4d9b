import { describe, expect, it } from "vitest";
import { keyCanaryValue } from "./key-canary.ts";

// Shaped like an ed25519 key in OpenSSH's format (made up: not a working key).
const KEY = `-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW
QyNTUxOQAAACBqW1Nq3wqTP9b8Gx0nEMhVQn7bHj7FQv0pWnFZ0pRkXQAAAJh3n9ZEd5/W
RAAAAAtzc2gtZWQyNTUxOQAAACBqW1Nq3wqTP9b8Gx0nEMhVQn7bHj7FQv0pWnFZ0pRkXQ
AAAEAuK7vC0cVb0y2YyE3xY7mU9gq4PZr7yq8gW3o0dW1sGWpbU2rfCpM/1vwbHScQyFVC
ftseP
-----END OPENSSH PRIVATE KEY-----
`;

describe("the part of a private key the leak search looks for", () => {
  it("is the body line that carries the private seed, not the shared header or the public key", () => {
    const value = keyCanaryValue(KEY);
    expect(value).toBe("AAAEAuK7vC0cVb0y2YyE3xY7mU9gq4PZr7yq8gW3o0dW1sGWpbU2rfCpM/1vwbHScQyFVC");
    expect(KEY.split("\n")[1]).not.toBe(value);
  });
  it("refuses a key with no usable body", () => {
    expect(() => keyCanaryValue("-----BEGIN X-----\n-----END X-----\n")).toThrow(/no body line/);
  });
});
