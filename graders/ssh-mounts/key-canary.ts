/**
 * The part of an OpenSSH private key to search images for (pure): a base64 line of its body
 * that holds private bytes. In an ed25519 key the first lines are the format header and the
 * public key, which are not secret and would match any copy of the public key; the fourth line
 * carries the private seed. Other key types: the longest body line past the header.
 */
export function keyCanaryValue(privateKey: string): string {
  const body = privateKey
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("-----"));
  const line = body[3] ?? [...body.slice(2)].sort((a, b) => b.length - a.length)[0] ?? body.at(-1);
  if (!line || line.length < 12)
    throw new Error("the private key has no body line long enough to search for");
  return line;
}
