import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { RefusedUrlError } from './inline-urls.js';

/**
 * Media URLs are fetched by the gateway on a caller's behalf, so a caller could point one at the
 * gateway's own network (metadata services, admin ports). Every address the host resolves to must
 * be public: loopback, private, link-local, carrier-grade NAT, unique-local and unspecified ranges
 * are refused. The check resolves the name itself; a DNS answer that changes between this check and
 * the fetch (rebinding) is not covered, which the README's threat list says.
 */
const PRIVATE = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv6');
}

export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped !== null) return PRIVATE.check(mapped[1]!, 'ipv4');
  const family = isIP(address);
  if (family === 0) return true;
  return PRIVATE.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** Resolves `url`'s host; undefined when every address is public, else why it is refused. */
export async function privateAddressReason(url: string): Promise<string | undefined> {
  let host: string;
  try {
    host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return 'it is not a valid URL';
  }
  let addresses: string[];
  try {
    addresses = isIP(host) !== 0 ? [host] : (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);
  } catch {
    return `its host ${host} does not resolve`;
  }
  const blocked = addresses.find(isPrivateAddress);
  return blocked === undefined ? undefined : `its host ${host} is a private or local address`;
}

/** The fetch media downloads use: refuses private hosts unless allowed (tests, on-premise image servers). */
export function mediaFetch(allowPrivateHosts: boolean): typeof fetch {
  if (allowPrivateHosts) return fetch;
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const reason = await privateAddressReason(url);
    if (reason !== undefined) throw new RefusedUrlError(`refused to fetch it: ${reason} (media.allow_private_hosts is off)`);
    return fetch(input, init);
  };
}
