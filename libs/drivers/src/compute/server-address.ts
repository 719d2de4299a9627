import type { Server } from './compute.driver';

const ipv4 = (s: string): number | null => {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return null;
    n = n * 256 + Number(p);
  }
  return n;
};

/** Whether an IPv4 address lies in an IPv4 CIDR; IPv6 CIDRs are not checked (true). */
function inCidr(addr: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const a = ipv4(addr);
  const b = ipv4(base);
  if (b === null) return true;
  if (a === null) return false;
  const size = 2 ** (32 - Number(bits ?? 32));
  return Math.floor(a / size) === Math.floor(b / size);
}

/**
 * A server's fixed address on a network, as a load-balancer member or a container host is
 * reached: Nova lists addresses by network name; this picks the first fixed one of `ipVersion`
 * (default 4) and, given the subnet's `cidr`, inside that subnet (a network may have several).
 * Null when the server has no such address.
 */
export function fixedAddressOn(
  server: Pick<Server, 'addresses'>,
  o: { networkName: string; ipVersion?: 4 | 6; cidr?: string },
): string | null {
  const version = o.ipVersion ?? 4;
  const found = (server.addresses[o.networkName] ?? []).find(
    (a) => a.type === 'fixed' && a.version === version && (!o.cidr || inCidr(a.addr, o.cidr)),
  );
  return found?.addr ?? null;
}
