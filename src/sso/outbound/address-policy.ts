import { BlockList, isIP } from 'node:net';

/**
 * Which addresses an outbound SSO request may reach (identity.md §2.7): none that point back into the server's own
 * network — loopback, private, link-local (cloud metadata at 169.254.169.254), CGNAT, "this network", multicast,
 * broadcast/reserved — unless the operator allow-listed the host or a CIDR holding the address.
 */
const SPECIAL: ReadonlyArray<readonly [string, number, 'ipv4' | 'ipv6', string]> = [
  ['0.0.0.0', 8, 'ipv4', '"this network"'],
  ['10.0.0.0', 8, 'ipv4', 'a private'],
  ['100.64.0.0', 10, 'ipv4', 'a carrier-grade NAT'],
  ['127.0.0.0', 8, 'ipv4', 'a loopback'],
  ['169.254.0.0', 16, 'ipv4', 'a link-local'],
  ['172.16.0.0', 12, 'ipv4', 'a private'],
  ['192.0.0.0', 24, 'ipv4', 'a reserved'],
  ['192.168.0.0', 16, 'ipv4', 'a private'],
  ['198.18.0.0', 15, 'ipv4', 'a reserved'],
  ['224.0.0.0', 4, 'ipv4', 'a multicast'],
  ['240.0.0.0', 4, 'ipv4', 'a reserved or broadcast'],
  // ::/96 holds ::, ::1 and the deprecated IPv4-compatible forms (::127.0.0.1). IPv4-mapped addresses
  // (::ffff:10.0.0.1) need no entry of their own: BlockList checks them against the IPv4 subnets above.
  ['::', 96, 'ipv6', 'a loopback, unspecified or IPv4-compatible'],
  ['fc00::', 7, 'ipv6', 'a private (unique local)'],
  ['fe80::', 10, 'ipv6', 'a link-local'],
  ['fec0::', 10, 'ipv6', 'a site-local'],
  ['ff00::', 8, 'ipv6', 'a multicast'],
];

const specialLists = SPECIAL.map(([network, prefix, family, kind]) => {
  const list = new BlockList();
  list.addSubnet(network, prefix, family);
  return { list, kind };
});

const familyOf = (address: string): 'ipv4' | 'ipv6' => (isIP(address) === 6 ? 'ipv6' : 'ipv4');

/** What kind of special-use address this is (e.g. "a loopback"), or undefined for an ordinary public address. */
export function specialAddressKind(address: string): string | undefined {
  return specialLists.find(({ list }) => list.check(address, familyOf(address)))?.kind;
}

/** The operator's AX_SSO_ALLOWED_PRIVATE_HOSTS: host names, IP addresses, CIDRs, or `*` for everything. */
export class AllowList {
  private readonly all: boolean;
  private readonly hosts = new Set<string>();
  private readonly networks = new BlockList();

  constructor(entries: readonly string[]) {
    this.all = entries.includes('*');
    for (const raw of entries) {
      const entry = raw.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
      const [network = '', prefix] = entry.split('/');
      const family = isIP(network);
      if (family !== 0 && prefix !== undefined && /^\d{1,3}$/.test(prefix)) {
        this.networks.addSubnet(network, Number(prefix), family === 6 ? 'ipv6' : 'ipv4');
      } else if (family !== 0) {
        this.networks.addAddress(network, family === 6 ? 'ipv6' : 'ipv4');
      } else if (entry !== '' && entry !== '*') {
        this.hosts.add(entry.replace(/\.$/, ''));
      }
    }
  }

  /** The host name (as written in the URL, lower-case, no brackets) is listed, or the list is `*`. */
  allowsHost(host: string): boolean {
    return this.all || this.hosts.has(host.replace(/\.$/, '')) || (isIP(host) !== 0 && this.allowsAddress(host));
  }

  allowsAddress(address: string): boolean {
    return this.all || this.networks.check(address, familyOf(address));
  }
}
