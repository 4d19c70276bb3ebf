// `render` at the command line: stdout or --out, --force, atomic writes, and one-line
// errors with exit 2 for bad input.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bin, cli } from './helpers/cli.js';
import { TARGETS } from '../src/core/render/target.js';

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'ee-render-cli-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) {
    chmodSync(d, 0o755);
    rmSync(d, { recursive: true, force: true });
  }
});

describe('render output', () => {
  it('prints a single-file target to stdout, warnings to stderr', async () => {
    const r = await cli('render', '--agents', 'cca', '--target', 'pfsense', '--mode', 'wildcard');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^<\?xml version="1.0"\?>\n/);
    expect(r.stderr).toBe('warning: pfSense aliases do not accept * wildcards; the pfSense rules use the exact host names\n');
  });

  it('refuses a multi-file target without --out, naming the files', async () => {
    const r = await cli('render', '--agents', 'cca', '--target', 'iptables');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'emaint-egress render: --target iptables writes 3 files (emaint-egress.ipset, emaint-egress.rules, emaint-egress.iptables.dnsmasq.conf); pass --out DIR\n',
    );
  });

  it('writes into a new folder and says how to apply each file', async () => {
    const out = join(tmp(), 'a', 'b');
    const r = await cli('render', '--agents', 'cca', '--target', 'nftables', '--out', out);
    expect(r.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['emaint-egress.nft', 'emaint-egress.nftables.dnsmasq.conf']);
    expect(r.stdout).toContain(`Wrote 2 files to ${out}:`);
    expect(r.stdout).toContain('nft -f emaint-egress.nft');
  });

  it('replaces nothing without --force, and replaces with it', async () => {
    const out = tmp();
    writeFileSync(join(out, 'emaint-egress.pac'), 'mine');
    const args = ['render', '--agents', 'cca', '--target', 'pac', '--proxy', 'p.example.test:8080', '--out', out];
    const refused = await cli(...args);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(`emaint-egress render: ${join(out, 'emaint-egress.pac')} already exists; pass --force to replace\n`);
    expect(readFileSync(join(out, 'emaint-egress.pac'), 'utf8')).toBe('mine');
    const forced = await cli(...args, '--force');
    expect(forced.code).toBe(0);
    expect(readFileSync(join(out, 'emaint-egress.pac'), 'utf8')).toMatch(/FindProxyForURL/);
    expect(readdirSync(out)).toEqual(['emaint-egress.pac']);
  });

  it('writes all files or none: one existing file stops the whole set', async () => {
    const out = tmp();
    writeFileSync(join(out, 'emaint-egress.rules'), 'keep');
    const r = await cli('render', '--agents', 'cca', '--target', 'iptables', '--out', out);
    expect(r.code).toBe(2);
    expect(readdirSync(out)).toEqual(['emaint-egress.rules']);
    expect(readFileSync(join(out, 'emaint-egress.rules'), 'utf8')).toBe('keep');
  });

  it('a failed write replaces nothing and leaves no temporary file', async () => {
    if (process.getuid?.() === 0) {
      // Root ignores folder permissions; a folder in the way of a file fails the rename instead.
      const out = tmp();
      mkdirSync(join(out, 'emaint-egress.nft'));
      writeFileSync(join(out, 'emaint-egress.nftables.dnsmasq.conf'), 'old');
      const r = await cli('render', '--agents', 'cca', '--target', 'nftables', '--out', out, '--force');
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/emaint-egress\.nft is a folder/);
      expect(readdirSync(out).sort()).toEqual(['emaint-egress.nft', 'emaint-egress.nftables.dnsmasq.conf']);
      expect(readFileSync(join(out, 'emaint-egress.nftables.dnsmasq.conf'), 'utf8')).toBe('old');
      return;
    }
    const out = tmp();
    chmodSync(out, 0o555);
    const r = await cli('render', '--agents', 'cca', '--target', 'nftables', '--out', out);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(readdirSync(out)).toEqual([]);
  });

  it('--out pointing at a file is a one-line error', async () => {
    const file = join(tmp(), 'f');
    writeFileSync(file, 'x');
    const r = await cli('render', '--agents', 'cca', '--target', 'pfsense', '--out', file);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`emaint-egress render: --out ${file} is not a folder\n`);
  });

  it('the built executable writes the same bytes as the in-process run', async () => {
    process.env['SOURCE_DATE_EPOCH'] = '1795000000';
    try {
      const args = ['render', '--agents', 'all', '--target', 'squid', '--mode', 'wildcard'];
      const a = bin(...args);
      const b = await cli(...args);
      expect(a.code).toBe(0);
      expect(a.stdout).toBe(b.stdout);
      expect(a.stderr).toBe(b.stderr);
    } finally {
      delete process.env['SOURCE_DATE_EPOCH'];
    }
  });

  it('SOURCE_DATE_EPOCH fixes the header time', async () => {
    process.env['SOURCE_DATE_EPOCH'] = '1795000000';
    try {
      const r = await cli('render', '--agents', 'cca', '--target', 'squid');
      expect(r.stdout).toContain('# generated: 2026-11-18T11:06:40.000Z');
    } finally {
      delete process.env['SOURCE_DATE_EPOCH'];
    }
  });
});

describe('render: bad input is one line on stderr, exit 2, nothing on stdout', () => {
  const cases: [string[], RegExp][] = [
    [['--target', 'pfsense'], /missing --agents <ids> \(or --profile FILE\); valid: cca, .*, or all$/],
    [['--agents', 'cca'], new RegExp(`missing --target <target>; valid: ${TARGETS.join(', ')}$`)],
    [['--agents', 'cca', '--target', 'cisco'], new RegExp(`--target: 'cisco' is not valid; valid: ${TARGETS.join(', ')}$`)],
    [['--agents', 'cca', '--target', 'pfsense', '--mode', 'loose'], /--mode: 'loose' is not valid; valid: exact, wildcard$/],
    [['--agents', 'cca', '--target', 'pfsense', '--iot-port', '80'], /--iot-port: '80' is not valid; valid: 443, 8883, both$/],
    [
      ['--agents', 'cdca-v2-cca', '--target', 'pfsense', '--iot-port', '8883'],
      /--iot-port 8883: cdca-v2-cca reaches a2etju7iem1tgc-ats\.iot\.eu-central-1\.amazonaws\.com on port 443 only .*; valid here: 443, both$/,
    ],
    [['--agents', 'cca', '--target', 'pfsense', '--source', '10.0.0.5/24'], /--source: '10\.0\.0\.5\/24' has host bits set; did you mean 10\.0\.0\.0\/24\?$/],
    [['--agents', 'cca', '--target', 'pfsense', '--source', '010.0.0.1'], /--source: '010\.0\.0\.1' is not an address or network; expected IPv4 or IPv6/],
    [['--agents', 'cca', '--target', 'pfsense', '--source', '10.0.0.0/33'], /has a bad prefix length; valid: 0 to 32$/],
    [['--agents', 'cca', '--target', 'pfsense', '--source', '10.0.0.0/8,,'], /--source has an empty item/],
    [
      ['--agents', 'cca', '--target', 'pfsense', '--interface', 'lan; rm'],
      /--interface: 'lan; rm' is not valid; expected pfSense's internal interface name: lan, wan or optN/,
    ],
    // A description is not an interface: pfSense's filter code would drop both rules.
    [
      ['--agents', 'cca', '--target', 'pfsense', '--interface', 'LAN'],
      /--interface: 'LAN' is not valid; expected pfSense's internal interface name: lan, wan or optN \(Interfaces > Assignments; not the description\)$/,
    ],
    [['--agents', 'cca', '--target', 'pfsense', '--interface', 'opt0'], /--interface: 'opt0' is not valid/],
    [['--agents', 'cca', '--target', 'pfsense', '--hook', 'output'], /--hook applies to --target iptables or nftables, not pfsense$/],
    [['--agents', 'cca', '--target', 'iptables', '--hook', 'input', '--out', '/nonexistent-never'], /--hook: 'input' is not valid; valid: output, forward$/],
    [
      ['--agents', 'cca', '--target', 'nftables', '--nft-table', 'bridge filter', '--out', '/nonexistent-never'],
      /--nft-table: 'bridge filter' is not valid; expected "\[inet\|ip\|ip6\] name"/,
    ],
    [
      ['--agents', 'cca', '--target', 'nftables', '--nft-table', 'ip filter', '--source', '2001:db8::/64', '--out', '/nonexistent-never'],
      /--nft-table ip filter: an ip table cannot hold the IPv6 sources \(2001:db8::\/64\); use an inet table, or leave them out$/,
    ],
    // IPv4 and IPv6 sources with an ip table: the IPv6 ones would be lost without a word.
    [
      ['--agents', 'cca', '--target', 'nftables', '--nft-table', 'ip filter', '--source', '10.1.0.0/24,2001:db8::/64', '--out', '/nonexistent-never'],
      /--nft-table ip filter: an ip table cannot hold the IPv6 sources \(2001:db8::\/64\)/,
    ],
    [
      ['--agents', 'cca', '--target', 'nftables', '--nft-table', 'ip6 filter', '--source', '10.1.0.0/24,2001:db8::/64', '--out', '/nonexistent-never'],
      /--nft-table ip6 filter: an ip6 table cannot hold the IPv4 sources \(10.1.0.0\/24\)/,
    ],
    [
      ['--agents', 'cca', '--target', 'iptables', '--position', 'before:x', '--out', '/nonexistent-never'],
      /--position: 'before:x' is not valid; valid: top, bottom, before:<an iptables rule number \(iptables -L --line-numbers\)>$/,
    ],
    [
      ['--agents', 'cca', '--target', 'pfsense', '--position', 'top', '--out', '/nonexistent-never'],
      /--position applies to --target iptables or nftables or panos, not pfsense$/,
    ],
    // ipset refuses timeouts above 2147483 s; dnsmasq reads a cap of 0 s as none, so 2 s is the least.
    [
      ['--agents', 'cca', '--target', 'iptables', '--set-timeout', '25d', '--out', '/nonexistent-never'],
      /--set-timeout: '25d' is not valid; valid: 2s to 2147483s \(about 24\.8 days, ipset's limit\), as seconds or with s, m, h or d \(e\.g\. 12h\), or none$/,
    ],
    [
      ['--agents', 'cca', '--target', 'nftables', '--set-timeout', '1', '--out', '/nonexistent-never'],
      /--set-timeout: '1' is not valid; valid: 2s to 2147483s/,
    ],
    [['--agents', 'cca', '--target', 'nftables', '--set-timeout', '1w', '--out', '/nonexistent-never'], /--set-timeout: '1w' is not valid/],
    [['--agents', 'cca', '--target', 'pfsense', '--set-timeout', '1h'], /--set-timeout applies to --target iptables or nftables, not pfsense$/],
    [['--agents', 'cca', '--target', 'pac'], /--proxy is needed for pac: the proxy the PAC file names: http:\/\/host:port \(or host:port\)$/],
    // One proxy syntax: http://host:port as in check, or host:port; never credentials in a PAC file.
    [
      ['--agents', 'cca', '--target', 'pac', '--proxy', 'http://u:pw@p.example:3128'],
      /--proxy: a PAC file names a proxy without credentials; give http:\/\/host:port$/,
    ],
    [['--agents', 'cca', '--target', 'pac', '--proxy', 'proxy.example.test'], /--proxy: 'proxy\.example\.test' has no port/],
    [['--agents', 'cca', '--target', 'pac', '--proxy', 'proxy:99999'], /--proxy: 'proxy:99999' has a bad port; valid: 1 to 65535$/],
    [['--agents', 'cca', '--target', 'pac', '--proxy', 'p:80', '--pac-route', 'sideways'], /--pac-route: 'sideways' is not valid; valid: proxy, direct$/],
    [['--agents', 'cca', '--target', 'pfsense', '--resolve'], /--resolve applies to --target iptables or nftables, not pfsense$/],
    [['--agents', 'cca', '--target', 'iptables', '--dns-server', '10.0.0.53', '--out', '/nonexistent-never'], /--dns-server is used by --resolve/],
    [
      ['--agents', 'cca', '--target', 'iptables', '--resolve', '--dns-server', 'dns.example.test', '--out', '/nonexistent-never'],
      /--dns-server: 'dns\.example\.test' is not an IP address/,
    ],
    [['--agents', 'cca', '--target', 'pfsense', '--site', 'a\nb'], /--site: 'a\\u000ab' contains control characters/],
    [['--agents', 'cca', '--target', 'panos', '--site', `it's "quoted"`], /PAN-OS description: .* contains both ' and "/],
    [['--agents', 'cca', '--target', 'pfsense', '--force'], /--force applies to --out/],
    [['--agents', 'rdms', '--cca-activation', '--target', 'pfsense'], /--cca-activation applies to agent erds/],
  ];
  for (const [args, message] of cases) {
    it(JSON.stringify(args), async () => {
      const r = await cli('render', ...args);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.split('\n')).toHaveLength(2);
      expect(r.stderr.trimEnd()).toMatch(message);
      expect(existsSync('/nonexistent-never')).toBe(false);
    });
  }
});
