// Runs inside a RUN step: tries every target given in PROBE_TARGETS (name=host:port,...) and
// prints REACHED or BLOCKED for each; then tries to write to the mirror and to tunnel elsewhere.
const net = require("node:net");
const http = require("node:http");

function tcp(host, port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port: Number(port), timeout: 3000 });
    socket.once("connect", () => {
      socket.destroy();
      resolve("REACHED");
    });
    socket.once("timeout", () => {
      socket.destroy();
      resolve("BLOCKED timeout");
    });
    socket.once("error", (e) => resolve(`BLOCKED ${e.code}`));
  });
}

function request(options, body) {
  return new Promise((resolve) => {
    const req = http.request({ timeout: 5000, ...options }, (res) => {
      res.resume();
      resolve(`HTTP ${res.statusCode}`);
    });
    req.on("connect", (res) => resolve(`HTTP ${res.statusCode}`));
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (e) => resolve(`ERROR ${e.code || e.message}`));
    req.end(body);
  });
}

(async () => {
  for (const target of (process.env.PROBE_TARGETS || "").split(",").filter(Boolean)) {
    const [name, address] = target.split("=");
    const at = address.lastIndexOf(":");
    console.log(`${name}: ${await tcp(address.slice(0, at), address.slice(at + 1))}`);
  }
  const [mirrorHost, mirrorPort] = (process.env.PROBE_MIRROR || ":").split(":");
  console.log(`mirror-read: ${await request({ host: mirrorHost, port: mirrorPort, path: "/v2/" })}`);
  console.log(
    `mirror-write: ${await request({ host: mirrorHost, port: mirrorPort, method: "POST", path: "/v2/library/node/blobs/uploads/" }, "x")}`,
  );
  const proxy = new URL(process.env.HTTPS_PROXY);
  console.log(
    `tunnel-elsewhere: ${await request({ host: proxy.hostname, port: proxy.port, method: "CONNECT", path: "example.com:443" })}`,
  );
  console.log(
    `tunnel-address: ${await request({ host: proxy.hostname, port: proxy.port, method: "CONNECT", path: "169.254.169.254:443" })}`,
  );
})();
