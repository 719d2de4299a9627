/** An IPv4 CIDR as numbers: the network address and the prefix length. */
export interface Ipv4Cidr {
  network: number;
  prefix: number;
  /** The first and last address of the block, network and broadcast included. */
  first: number;
  last: number;
}

const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** The address as a number, or null when it is not a dotted-quad IPv4 address. */
export function parseIpv4(ip: string): number | null {
  const parts = ip.split('.');
  if (parts.length !== 4 || !parts.every((p) => OCTET.test(p))) return null;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

export const formatIpv4 = (n: number): string => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

/** `127.10.0.0/16` as numbers, or null when it is not an IPv4 CIDR whose host bits are zero. */
export function parseCidr(cidr: string): Ipv4Cidr | null {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(cidr);
  if (!m) return null;
  const network = parseIpv4(m[1]);
  const prefix = Number(m[2]);
  if (network === null || prefix > 32) return null;
  const size = 2 ** (32 - prefix);
  if (network % size !== 0) return null;
  return { network, prefix, first: network, last: network + size - 1 };
}

/**
 * The addresses of one subnet that can be handed out: everything but the network address, the
 * broadcast address and the gateway, as Neutron's default allocation pool does. Allocation walks
 * forward from the last address given and wraps around, so a released address is reused only
 * after the rest of the block, and each allocation costs O(1) while the block is not nearly full.
 */
export class Ipv4Pool {
  readonly block: Ipv4Cidr;
  readonly gateway: number | null;
  private readonly used = new Set<number>();
  private cursor: number;

  constructor(cidr: string, gatewayIp: string | null) {
    const block = parseCidr(cidr);
    if (!block) throw new Error(`not an IPv4 CIDR: ${cidr}`);
    this.block = block;
    this.gateway = gatewayIp ? parseIpv4(gatewayIp) : null;
    this.cursor = this.firstUsable;
  }

  private get firstUsable(): number {
    return this.block.prefix >= 31 ? this.block.first : this.block.first + 1;
  }

  private get lastUsable(): number {
    return this.block.prefix >= 31 ? this.block.last : this.block.last - 1;
  }

  /** The first and last address of the allocation pool, as Neutron lists it. */
  get range(): { start: string; end: string } {
    const start = this.gateway === this.firstUsable ? this.firstUsable + 1 : this.firstUsable;
    const end = this.gateway === this.lastUsable ? this.lastUsable - 1 : this.lastUsable;
    return { start: formatIpv4(start), end: formatIpv4(end) };
  }

  get size(): number {
    return this.lastUsable - this.firstUsable + 1 - (this.gateway !== null && this.inPool(this.gateway) ? 1 : 0);
  }

  get inUse(): number {
    return this.used.size;
  }

  private inPool(n: number): boolean {
    return n >= this.firstUsable && n <= this.lastUsable;
  }

  /** Whether the address belongs to this subnet's allocation pool. */
  contains(ip: string): boolean {
    const n = parseIpv4(ip);
    return n !== null && this.inPool(n) && n !== this.gateway;
  }

  isUsed(ip: string): boolean {
    const n = parseIpv4(ip);
    return n !== null && this.used.has(n);
  }

  /** The next free address, or null when the pool is exhausted. */
  allocate(): string | null {
    if (this.used.size >= this.size) return null;
    for (;;) {
      const n = this.cursor;
      this.cursor = n >= this.lastUsable ? this.firstUsable : n + 1;
      if (n !== this.gateway && !this.used.has(n)) {
        this.used.add(n);
        return formatIpv4(n);
      }
    }
  }

  /** Claims a specific address; false when it is outside the pool or already taken. */
  take(ip: string): boolean {
    const n = parseIpv4(ip);
    if (n === null || !this.inPool(n) || n === this.gateway || this.used.has(n)) return false;
    this.used.add(n);
    return true;
  }

  release(ip: string): void {
    const n = parseIpv4(ip);
    if (n !== null) this.used.delete(n);
  }

  clear(): void {
    this.used.clear();
    this.cursor = this.firstUsable;
  }
}

/** Whether two blocks share any address. */
export const overlaps = (a: Ipv4Cidr, b: Ipv4Cidr): boolean => a.first <= b.last && b.first <= a.last;
