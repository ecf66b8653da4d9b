import { isIPv4 } from "node:net";
import { networkInterfaces } from "node:os";

export type ServiceHostParse =
  { readonly ok: true; readonly host: string } | { readonly ok: false; readonly message: string };

const LOOPBACK = "127.0.0.1";
const NAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/**
 * `GRADER_SERVICE_HOST`: the address of this machine where a run publishes its registry and
 * services (npm registry, Git server) for BuildKit daemons elsewhere, e.g. a farm's. Unset, they
 * stay on loopback, which only a daemon on this machine reaches. An IPv4 address must be one of
 * this machine's (`localAddresses`); a name is taken as given, since it may resolve anywhere. Pure.
 */
export function parseServiceHost(
  text: string | undefined,
  localAddresses: readonly string[],
): ServiceHostParse {
  const value = (text ?? "").trim();
  if (value === "") return { ok: true, host: LOOPBACK };
  if (isIPv4(value)) {
    if (value === "0.0.0.0")
      return {
        ok: false,
        message:
          "GRADER_SERVICE_HOST=0.0.0.0 would publish each run's registry on every network of this machine: give the one address the farm reaches",
      };
    if (!localAddresses.includes(value))
      return {
        ok: false,
        message: `GRADER_SERVICE_HOST=${value} is not an address of this machine (it has ${localAddresses.join(", ") || "none"}): the run's services cannot listen on it`,
      };
    return { ok: true, host: value };
  }
  if (value.includes(":") || value.includes("/"))
    return {
      ok: false,
      message: `GRADER_SERVICE_HOST=${value} must be an IPv4 address or a host name of this machine, without a scheme or port`,
    };
  if (!NAME.test(value))
    return { ok: false, message: `GRADER_SERVICE_HOST=${value} is not a valid host name` };
  return { ok: true, host: value };
}

/** Ports from `low` to `high`, both included. */
export interface PortRange {
  readonly low: number;
  readonly high: number;
}

export type PortRangeParse =
  | { readonly ok: true; readonly range: PortRange | undefined }
  | { readonly ok: false; readonly message: string };

/**
 * `GRADER_REGISTRY_PORTS=LOW-HIGH`: the ports a run's registry may take on GRADER_SERVICE_HOST.
 * A `buildkitd` is told a registry is plain HTTP per host:port, so its operator can list these
 * in advance; unset, the port is any free one (enough for dockerd, which takes an address
 * range). Pure.
 */
export function parseRegistryPorts(text: string | undefined): PortRangeParse {
  const value = (text ?? "").trim();
  if (value === "") return { ok: true, range: undefined };
  const match = /^(\d{1,5})-(\d{1,5})$/.exec(value);
  const low = Number(match?.[1]);
  const high = Number(match?.[2]);
  if (!match || low < 1024 || high > 65_535 || low > high)
    return {
      ok: false,
      message: `GRADER_REGISTRY_PORTS=${value} is not LOW-HIGH, two ports from 1024 to 65535 with LOW <= HIGH (e.g. 5100-5119)`,
    };
  return { ok: true, range: { low, high } };
}

/** Where runs publish their services for a farm: an address of this machine, and registry ports. */
export interface ServicePublication {
  readonly host: string;
  readonly registryPorts: PortRange | undefined;
}

/** GRADER_SERVICE_HOST (checked against this machine's IPv4 addresses) and GRADER_REGISTRY_PORTS. */
export function servicePublicationFromEnv(
  env: NodeJS.ProcessEnv = process.env,
):
  | { readonly ok: true; readonly publication: ServicePublication }
  | { readonly ok: false; readonly message: string } {
  const addresses = Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .filter((a) => a.family === "IPv4")
    .map((a) => a.address);
  const host = parseServiceHost(env["GRADER_SERVICE_HOST"], addresses);
  if (!host.ok) return host;
  const ports = parseRegistryPorts(env["GRADER_REGISTRY_PORTS"]);
  if (!ports.ok) return ports;
  return { ok: true, publication: { host: host.host, registryPorts: ports.range } };
}
