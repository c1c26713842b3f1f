import { BlockList, isIP } from 'node:net';

/**
 * The address ranges a production callback must not reach (SPEC §6): anything that is not a public unicast
 * address, where a callback URL could make the platform POST into its own network. Each range carries the
 * name of its rule, for the operator's error message. node:net's BlockList matches an IPv4-mapped IPv6
 * address (::ffff:10.0.0.1) against the IPv4 ranges too.
 */
const RANGES: [rule: string, ranges: [network: string, prefix: number][]][] = [
  ['unspecified', [['0.0.0.0', 8], ['::', 128]]],
  ['loopback', [['127.0.0.0', 8], ['::1', 128]]],
  ['private (10/8, 172.16/12, 192.168/16)', [['10.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16]]],
  ['carrier-grade NAT (100.64/10)', [['100.64.0.0', 10]]],
  ['link-local', [['169.254.0.0', 16], ['fe80::', 10]]],
  ['unique-local (fc00::/7)', [['fc00::', 7]]],
  ['multicast', [['224.0.0.0', 4], ['ff00::', 8]]],
  [
    'reserved (protocol, documentation, benchmarking or future use)',
    [
      ['192.0.0.0', 24],
      ['192.0.2.0', 24],
      ['198.18.0.0', 15],
      ['198.51.100.0', 24],
      ['203.0.113.0', 24],
      ['240.0.0.0', 4],
      ['::', 96], // IPv4-compatible (deprecated)
      ['100::', 64], // discard-only
      ['2001:db8::', 32],
      ['fec0::', 10], // site-local (deprecated)
    ],
  ],
];

const RULES = RANGES.map(([rule, ranges]) => {
  const list = new BlockList();
  for (const [network, prefix] of ranges) list.addSubnet(network, prefix, network.includes(':') ? 'ipv6' : 'ipv4');
  return { rule, list };
});

/** NAT64's well-known prefix (64:ff9b::/96) carries an IPv4 address in its last 32 bits. */
const NAT64 = new BlockList();
NAT64.addSubnet('64:ff9b::', 96, 'ipv6');

/**
 * Why `address` (an IP literal) is not a public address: the name of the rule it falls under, or undefined
 * when it is public. Anything that is not an IP address at all is refused too.
 */
export function nonPublicRule(address: string): string | undefined {
  const family = isIP(address);
  if (family === 0) return 'not an IP address';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const found = RULES.find(({ list }) => list.check(address, type));
  if (found) return found.rule;
  if (type === 'ipv6' && NAT64.check(address, 'ipv6')) return nonPublicRule(embeddedIpv4(address));
  return undefined;
}

/** The IPv4 address in the last 32 bits of an IPv6 address (written in either notation). */
function embeddedIpv4(address: string): string {
  const tail = address.split(':').slice(-2);
  if (tail[1]?.includes('.')) return tail[1];
  const [high, low] = tail.map((group) => parseInt(group || '0', 16));
  return [high! >> 8, high! & 255, low! >> 8, low! & 255].join('.');
}
