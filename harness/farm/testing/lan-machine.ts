import { randomInt } from "node:crypto";
import { exec } from "../../exec/exec.ts";
import { fallback, registerDisposer } from "../../lifecycle/cleanup-registry.ts";

/**
 * A network namespace standing for another machine on the farm's network: one veth link to this
 * machine and no route beyond it, so this machine's loopback is out of its reach. Unlike a
 * grading run's network there is no firewall on the link: like a build node on a LAN, it reaches
 * every port this machine listens on at `hostAddress`.
 */
export interface LanMachine {
  /** `/run/netns/<name>`, for `nsenter --net=`. */
  readonly path: string;
  /** This machine's address on the link: what GRADER_SERVICE_HOST names. */
  readonly hostAddress: string;
  dispose(): Promise<void>;
}

export async function startLanMachine(): Promise<LanMachine> {
  // 10.214.0.0/16, beside the runs' 10.213.0.0/16: a /30 per machine, picked at random.
  const block = randomInt(16_384);
  const name = `bkg-lan${block}`;
  const hostLink = `bkgl${block}`;
  const machineLink = `bkgm${block}`;
  const base = block * 4;
  const prefix = `10.214.${Math.floor(base / 256)}.`;
  const hostAddress = `${prefix}${(base % 256) + 1}`;
  const machineAddress = `${prefix}${(base % 256) + 2}`;
  const ip = (args: readonly string[]) => exec("ip", args, { timeoutMs: 10_000 });
  const dispose = registerDisposer(`lan machine ${name}`, async () => {
    await exec("ip", ["link", "del", hostLink], { reject: false, timeoutMs: 10_000 });
    await exec("ip", ["netns", "del", name], { reject: false, timeoutMs: 10_000 });
  });
  fallback(dispose, [{ run: ["ip", "link", "del", hostLink] }, { run: ["ip", "netns", "del", name] }]);
  try {
    await ip(["netns", "add", name]);
    await ip(["link", "add", hostLink, "type", "veth", "peer", "name", machineLink]);
    await ip(["link", "set", machineLink, "netns", name]);
    await ip(["addr", "add", `${hostAddress}/30`, "dev", hostLink]);
    await ip(["link", "set", hostLink, "up"]);
    await ip(["-n", name, "addr", "add", `${machineAddress}/30`, "dev", machineLink]);
    await ip(["-n", name, "link", "set", machineLink, "up"]);
    await ip(["-n", name, "link", "set", "lo", "up"]);
  } catch (error) {
    await dispose();
    throw error;
  }
  return { path: `/run/netns/${name}`, hostAddress, dispose };
}
