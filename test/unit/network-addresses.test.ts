import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { nonPublicRule } from '../../src/domain/network-addresses.js';

describe('non-public addresses (callbacks in production mode)', () => {
  test('names the rule of every non-public range, IPv4-mapped and NAT64 forms included', () => {
    const cases: [string, string][] = [
      ['127.0.0.1', 'loopback'],
      ['::1', 'loopback'],
      ['::ffff:127.0.0.1', 'loopback'],
      ['::ffff:7f00:1', 'loopback'],
      ['10.255.255.255', 'private (10/8, 172.16/12, 192.168/16)'],
      ['172.31.0.1', 'private (10/8, 172.16/12, 192.168/16)'],
      ['192.168.0.1', 'private (10/8, 172.16/12, 192.168/16)'],
      ['::ffff:192.168.0.1', 'private (10/8, 172.16/12, 192.168/16)'],
      ['64:ff9b::a00:1', 'private (10/8, 172.16/12, 192.168/16)'],
      ['100.127.255.255', 'carrier-grade NAT (100.64/10)'],
      ['169.254.169.254', 'link-local'],
      ['fe80::1', 'link-local'],
      ['fc00::1', 'unique-local (fc00::/7)'],
      ['fdff::1', 'unique-local (fc00::/7)'],
      ['0.0.0.0', 'unspecified'],
      ['::', 'unspecified'],
      ['239.255.255.250', 'multicast'],
      ['ff02::1', 'multicast'],
      ['255.255.255.255', 'reserved (protocol, documentation, benchmarking or future use)'],
      ['2001:db8::1', 'reserved (protocol, documentation, benchmarking or future use)'],
      ['pos.example', 'not an IP address'],
    ];
    for (const [address, rule] of cases) assert.equal(nonPublicRule(address), rule, address);
  });

  test('lets public addresses through, next to the edges of the ranges', () => {
    for (const address of ['8.8.8.8', '172.32.0.1', '172.15.255.255', '100.128.0.1', '11.0.0.1', '::ffff:8.8.8.8', '64:ff9b::808:808', '2606:4700::1111']) {
      assert.equal(nonPublicRule(address), undefined, address);
    }
  });
});
