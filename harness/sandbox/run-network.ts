import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { exec } from "../exec/exec.ts";
import { GraderError } from "../errors.ts";
import { fallback, registerDisposer } from "../lifecycle/cleanup-registry.ts";

/**
 * A network namespace of one grading run: the run's engine, its builds' RUN steps and its
 * containers live in it. Its only link is a veth pair to the host on a /30 of 10.213.0.0/16, with
 * no route beyond: no internet, no LAN, no link-local or metadata address, no other run. On the
 * host side an iptables chain lets the namespace reach only the ports the grader opens for this
 * run (its registry, the read-only mirror proxy, the package proxy), so host services listening
 * on every address (sshd, a database, another run's registry) stay out of reach.
 */
export interface RunNetwork {
  /** e.g. bkg-n12 */
  readonly name: string;
  /** `/run/netns/<name>`, for `nsenter --net=`. */
  readonly path: string;
  /** The host's end of the link: where the run's services listen. */
  readonly hostAddress: string;
  /** The namespace's end: where containers with host networking are reached from the grader. */
  readonly runAddress: string;
  /** Lets the namespace reach a service the grader listens on at hostAddress:port. */
  openPort(port: number): Promise<void>;
  dispose(): Promise<void>;
}

const BLOCKS = 16_384;
const PREFIX = "10.213.";

/** Whether `host` (host or host:port) is on a run's link, where only the grader's services listen. */
export function isRunAddress(host: string): boolean {
  return host.startsWith(PREFIX);
}

export async function createRunNetwork(): Promise<RunNetwork> {
  // The namespace's name is the allocation: `ip netns add` fails when another run holds it.
  const first = Math.floor(Math.random() * BLOCKS);
  for (let i = 0; i < 64; i++) {
    const block = (first + i * 7919) % BLOCKS;
    const name = `bkg-n${block}`;
    // A grader image on the host's network shares this network namespace, not our /run/netns:
    // its runs' links tell which blocks it holds.
    if (existsSync(`/sys/class/net/bkgh${String(block)}`)) continue;
    const added = await exec("ip", ["netns", "add", name], { reject: false, timeoutMs: 10_000 });
    if (added.exitCode === 0) {
      if (await claimLink(block, name)) return configure(block, name);
      await exec("ip", ["netns", "del", name], { reject: false, timeoutMs: 10_000 });
      continue;
    }
    if (!/exists/i.test(added.stderr))
      throw new GraderError(
        "ENGINE_START_FAILED",
        `could not create a network namespace: ${added.stderr.trim()}`,
        {
          hint: "Run the grader as root on Linux (network namespaces need CAP_SYS_ADMIN)",
        },
      );
  }
  throw new GraderError("ENGINE_START_FAILED", "no free network block for this run (64 tries)");
}

/**
 * Makes the block's veth pair, its far end already in the namespace (deleting the namespace then
 * takes both ends, whenever that happens). Creating the link is the block's second claim, for
 * runs whose namespaces live in another /run/netns: false when another run holds it.
 */
async function claimLink(block: number, name: string): Promise<boolean> {
  const made = await exec(
    "ip",
    [
      "link",
      "add",
      `bkgh${String(block)}`,
      "type",
      "veth",
      "peer",
      "name",
      `bkgn${String(block)}`,
      "netns",
      name,
    ],
    { reject: false, timeoutMs: 10_000 },
  );
  if (made.exitCode === 0) return true;
  if (/exists/i.test(made.stderr)) return false;
  await exec("ip", ["netns", "del", name], { reject: false, timeoutMs: 10_000 });
  throw new GraderError("ENGINE_START_FAILED", `could not create the run's link: ${made.stderr.trim()}`, {
    hint: "The grader needs ip (iproute2), as root",
  });
}

/** The block's namespace and link are this run's: address them and close every way out. */
async function configure(block: number, name: string): Promise<RunNetwork> {
  const base = block * 4;
  const prefix = `${PREFIX}${Math.floor(base / 256)}.`;
  const hostAddress = `${prefix}${(base % 256) + 1}`;
  const runAddress = `${prefix}${(base % 256) + 2}`;
  const hostLink = `bkgh${block}`;
  const runLink = `bkgn${block}`;
  const chain = `BKG-${block}`;
  const path = `/run/netns/${name}`;
  const inNs = (args: readonly string[]) => ["netns", "exec", name, "ip", ...args];
  const undo: (readonly string[])[] = [];

  // A signal may dispose of the network while its set-up is still under way: a rule added after
  // that is undone at once.
  let disposed = false;
  const dispose = registerDisposer(`network namespace ${name}`, async () => {
    disposed = true;
    for (const args of undo.reverse())
      await exec("iptables", ["-w", ...args], { reject: false, timeoutMs: 10_000 });
    await exec("ip", ["link", "del", hostLink], { reject: false, timeoutMs: 10_000 });
    await exec("ip", ["netns", "del", name], { reject: false, timeoutMs: 10_000 });
  });
  const ipt = async (args: readonly string[], reverse?: readonly string[]): Promise<void> => {
    await exec("iptables", ["-w", ...args], { timeoutMs: 10_000 });
    if (reverse && disposed) await exec("iptables", ["-w", ...reverse], { reject: false, timeoutMs: 10_000 });
    else if (reverse) undo.push(reverse);
  };
  // Recorded before the rules exist, in the order that undoes them (each step may find nothing).
  const undoRules: (readonly string[])[] = [
    ["iptables", "-w", "-D", "FORWARD", "-o", hostLink, "-j", "REJECT"],
    ["iptables", "-w", "-D", "FORWARD", "-i", hostLink, "-j", "REJECT"],
    ["iptables", "-w", "-D", "INPUT", "-i", hostLink, "-j", chain],
    ["iptables", "-w", "-F", chain],
    ["iptables", "-w", "-X", chain],
  ];
  fallback(dispose, [
    ...undoRules.map((run) => ({ run })),
    { run: ["ip", "link", "del", hostLink] },
    { run: ["ip", "netns", "del", name] },
  ]);
  try {
    // The block is ours now, so rules left under its names are a killed run's (one in a grader
    // image on the host's network, whose reaper died with its container): cleared first.
    for (const [file, ...args] of undoRules)
      await exec(file ?? "iptables", args, { reject: false, timeoutMs: 10_000 });
    // No IPv6 on the host's end: its link-local address would be one more way to the host.
    await writeFile(`/proc/sys/net/ipv6/conf/${hostLink}/disable_ipv6`, "1").catch(() => undefined);
    await exec("ip", ["addr", "add", `${hostAddress}/30`, "dev", hostLink], { timeoutMs: 10_000 });
    await exec("ip", ["link", "set", hostLink, "up"], { timeoutMs: 10_000 });
    await exec("ip", inNs(["addr", "add", `${runAddress}/30`, "dev", runLink]), { timeoutMs: 10_000 });
    await exec("ip", inNs(["link", "set", runLink, "up"]), { timeoutMs: 10_000 });
    await exec("ip", inNs(["link", "set", "lo", "up"]), { timeoutMs: 10_000 });
    // Inbound from the namespace: replies, and the ports opened for this run; nothing else.
    await ipt(["-N", chain], ["-X", chain]);
    undo.push(["-F", chain]);
    await ipt(["-A", chain, "-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED", "-j", "ACCEPT"]);
    await ipt(["-A", chain, "-j", "REJECT"]);
    await ipt(
      ["-I", "INPUT", "1", "-i", hostLink, "-j", chain],
      ["-D", "INPUT", "-i", hostLink, "-j", chain],
    );
    // Never routed anywhere, even on a host that forwards (Docker's own engine turns it on).
    await ipt(
      ["-I", "FORWARD", "1", "-i", hostLink, "-j", "REJECT"],
      ["-D", "FORWARD", "-i", hostLink, "-j", "REJECT"],
    );
    await ipt(
      ["-I", "FORWARD", "1", "-o", hostLink, "-j", "REJECT"],
      ["-D", "FORWARD", "-o", hostLink, "-j", "REJECT"],
    );
  } catch (error) {
    await dispose();
    throw new GraderError("ENGINE_START_FAILED", `could not set up the run's network ${name}`, {
      cause: error,
      hint: "The grader needs ip (iproute2) and iptables, as root",
    });
  }
  return {
    name,
    path,
    hostAddress,
    runAddress,
    async openPort(port) {
      await ipt(["-I", chain, "1", "-d", hostAddress, "-p", "tcp", "--dport", String(port), "-j", "ACCEPT"]);
    },
    dispose,
  };
}
