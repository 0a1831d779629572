import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { UnsafeWebhookUrlError } from '../errors.js';

export type ResolveHost = (hostname: string) => Promise<string[]>;

export interface UrlPolicy {
  /** Production: https only. */
  production: boolean;
  /** Dev flag: loopback addresses (http://localhost, 127.0.0.1) are allowed — demo and tests. */
  allowLocalhost: boolean;
  resolveHost: ResolveHost;
}

export const systemResolve: ResolveHost = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

function blockList(ranges: [string, number, 'ipv4' | 'ipv6'][]): BlockList {
  const list = new BlockList();
  for (const [net, prefix, type] of ranges) list.addSubnet(net, prefix, type);
  return list;
}

const LOOPBACK = blockList([
  ['127.0.0.0', 8, 'ipv4'],
  ['::1', 128, 'ipv6'],
]);
const METADATA = blockList([
  ['169.254.169.254', 32, 'ipv4'],
  ['fd00:ec2::254', 128, 'ipv6'],
]);
const LINK_LOCAL = blockList([
  ['169.254.0.0', 16, 'ipv4'],
  ['fe80::', 10, 'ipv6'],
]);
/** Private, shared, reserved, multicast and "this network" ranges: nothing a public webhook receiver lives in. */
const PRIVATE = blockList([
  ['0.0.0.0', 8, 'ipv4'],
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.0.0.0', 24, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['198.18.0.0', 15, 'ipv4'],
  ['224.0.0.0', 3, 'ipv4'],
  ['::', 128, 'ipv6'],
  ['fc00::', 7, 'ipv6'],
  ['ff00::', 8, 'ipv6'],
  ['64:ff9b::', 96, 'ipv6'],
]);

/** IPv4-mapped IPv6 (::ffff:10.0.0.1 or ::ffff:a00:1) is the IPv4 address it maps. */
function unmap(address: string): string {
  const m = /^::ffff:(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/i.exec(address);
  if (!m) return address;
  if (m[1]) return m[1];
  const hi = Number.parseInt(m[2]!, 16);
  const lo = Number.parseInt(m[3]!, 16);
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
}

/** Why an address must not receive webhooks, or undefined when it may. */
export function addressProblem(address: string, allowLocalhost: boolean): string | undefined {
  const ip = unmap(address);
  const type = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
  if (isIP(ip) === 0) return 'not an IP address';
  if (LOOPBACK.check(ip, type)) return allowLocalhost ? undefined : 'a loopback address';
  if (METADATA.check(ip, type)) return 'a cloud metadata address';
  if (LINK_LOCAL.check(ip, type)) return 'a link-local address';
  if (PRIVATE.check(ip, type)) return 'a private or reserved address';
  return undefined;
}

/** Checks scheme and every address the host resolves to; returns the addresses that were allowed. */
export async function assertSafeWebhookUrl(raw: string, policy: UrlPolicy): Promise<{ url: URL; addresses: string[] }> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UnsafeWebhookUrlError(raw, 'not an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new UnsafeWebhookUrlError(raw, 'scheme must be https');
  if (policy.production && url.protocol !== 'https:') throw new UnsafeWebhookUrlError(raw, 'https is required');
  if (url.username || url.password) throw new UnsafeWebhookUrlError(raw, 'credentials in the URL are not allowed');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) ? [host] : await policy.resolveHost(host).catch(() => []);
  if (addresses.length === 0) throw new UnsafeWebhookUrlError(raw, `host '${host}' does not resolve`);
  for (const address of addresses) {
    const problem = addressProblem(address, policy.allowLocalhost);
    if (problem) throw new UnsafeWebhookUrlError(raw, `'${host}' resolves to ${address}, ${problem}`);
  }
  return { url, addresses };
}
