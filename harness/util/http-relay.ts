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
  const upstream = request({ ...target, method: req.method, path: req.url ?? "/" }, (answer) => {
    onAnswer?.(answer.statusCode ?? 502);
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  upstream.on("error", () => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
  req.pipe(upstream);
}
