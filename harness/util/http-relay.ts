import { request, type IncomingMessage, type RequestOptions, type ServerResponse } from "node:http";

/**
 * Sends a request on upstream (`target`: where, and with which headers) and streams the answer
 * back: a 502 when the upstream cannot be reached, the answer cut short when it fails midway.
 * `onAnswer` is told each answer's status as its headers arrive.
 */
export function relayRequest(
  req: IncomingMessage,
  res: ServerResponse,
  target: RequestOptions,
  onAnswer?: (status: number) => void,
): void {
  let upstream;
  try {
    upstream = request({ ...target, method: req.method, path: req.url ?? "/" }, (answer) => {
      onAnswer?.(answer.statusCode ?? 502);
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
  } catch {
    // A target Node will not send on (characters a request line cannot carry) is the client's fault.
    res.writeHead(400);
    res.end();
    req.resume();
    return;
  }
  upstream.on("error", () => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
  req.pipe(upstream);
}
