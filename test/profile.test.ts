// Site profiles: the document (parse, normalise, write), the file (bounded read, atomic
// write, one-line errors), --profile on plan/check/render (flags given win), and the
// program with no command (the plan for --agents/--profile when the app cannot start).
// Traffic goes only to loopback: the DNS test server on 127.0.0.1; a guard refuses the rest.
import dgram from 'node:dgram';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { whyNoApp } from '../src/cli/app-command.js';
import { run } from '../src/cli/program.js';
import { InputError } from '../src/core/errors.js';
import { PROFILE_FORMAT, PROFILE_VERSION, ProfileError, type SiteAnswers, dnsServerText, parseProfile, profileJson } from '../src/core/profile.js';
import { plan } from '../src/core/planner.js';
import { readProfile, writeProfile } from '../src/io/profile-file.js';
import { catalogue } from './helpers/catalogue.js';
import { type CliResult, cli } from './helpers/cli.js';
import { A, type Asked, reply, serverPair } from './helpers/dns-server.js';
import { guardTraffic } from './helpers/traffic-guard.js';
import { tempDirs } from './helpers/tmp.js';
import { TARGETS } from '../src/core/render/target.js';

const VALID_AGENTS = 'cca, cdca-v1, cdca-v2, cdca-v2-cca, meap-cca, meap-http, erds, rdms, backup';
const VALID_FIELDS = 'format, version, site, agents, options, sources, proxy, dnsServer, mode, iotPort, targets, settings, out, endpoints';
const VALID_TARGETS = TARGETS.join(', ');
const PROXY_HINT = 'expected http://[user@]host:port (e.g. http://proxy.example.com:8080)';
const DNS_HINT = 'expected an IP address with an optional port (e.g. 10.0.0.53, 10.0.0.53:5353, [2001:db8::53]:53)';
/** Anything that could move the cursor, end the line or reorder it, shown raw. */
const RAW_UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
/** ANSI colour and screen clear, bidi override, newline, carriage return, bell, line separator. */
const HOSTILE = 'x\u001b[31m\u001b[2J\u202e\n\r\u0007\u2028y';
const SECRET = 'hunter2';
/** A fixed clock, so two renders of the same answers are byte-identical. */
const NOW = () => new Date('2025-03-04T05:06:07.000Z');

// ---------------------------------------------------------------- files and runs

const tmp = tempDirs('ee-profile-');

/** A profile document: the required fields plus `extra`. */
function doc(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { format: PROFILE_FORMAT, version: PROFILE_VERSION, agents: ['cca'], ...extra };
}

/** Writes a profile (an object as JSON, a string as-is) into a fresh temporary folder. */
function profileFile(content: Record<string, unknown> | string, name = 'site.json'): string {
  const file = join(tmp(), name);
  writeFileSync(file, typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
  return file;
}

interface RunIo {
  env?: NodeJS.ProcessEnv;
  terminal?: { stdin: boolean; stdout: boolean };
}

/** The CLI in-process with the fixed clock, its own environment and terminal flags. */
async function runCli(argv: string[], io: RunIo = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await run(
    argv,
    { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), env: io.env ?? {}, ...(io.terminal ? { terminal: io.terminal } : {}) },
    { now: NOW },
  );
  return { code, stdout, stderr };
}

/** Bad input: exit 2, nothing on stdout, exactly one safe line on stderr. */
function expectUsageError(r: CliResult, start: string, message?: RegExp | string): void {
  expect(r.stdout).toBe('');
  expect(r.code).toBe(2);
  expect(r.stderr.endsWith('\n')).toBe(true);
  expect(r.stderr.split('\n')).toHaveLength(2); // one line and its newline
  expect(r.stderr.trimEnd()).not.toMatch(RAW_UNSAFE);
  expect(r.stderr.startsWith(start)).toBe(true);
  if (typeof message === 'string') expect(r.stderr).toContain(message);
  else if (message) expect(r.stderr.trimEnd()).toMatch(message);
}

/** The error `fn` throws, checked to be an InputError with a one-line, safe message. */
function thrown(fn: () => unknown): InputError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught, 'expected an error').toBeInstanceOf(InputError);
  const err = caught as InputError;
  expect(err.message).not.toMatch(RAW_UNSAFE);
  expect(err.message.trim()).not.toBe('');
  return err;
}

/** The ProfileError message readProfile gives for a file. */
function readError(path: string): string {
  const err = thrown(() => readProfile(path, catalogue));
  expect(err).toBeInstanceOf(ProfileError);
  return err.message;
}

/** The message parseProfile gives for a document. */
function parseError(d: unknown): string {
  return thrown(() => parseProfile(d, catalogue)).message;
}

// ---------------------------------------------------------------- the traffic guard

/** TCP connects and UDP sends (`sent`) and UDP connects (`routed`); anything off loopback is refused. */
const traffic = guardTraffic();

describe('the traffic guard', () => {
  it('refuses TCP and UDP off loopback before anything is sent', async () => {
    expect(() => net.connect({ host: '192.0.2.1', port: 9 })).toThrow(/test guard: no TCP to 192\.0\.2\.1/);
    const udp = dgram.createSocket('udp4');
    try {
      expect(() => udp.send(Buffer.from('x'), 9, '192.0.2.1')).toThrow(/test guard: no UDP to 192\.0\.2\.1/);
    } finally {
      await new Promise<void>((resolve) => udp.close(() => resolve()));
    }
    expect(traffic.sent).toEqual(['tcp 192.0.2.1:9', 'udp 192.0.2.1']);
  });
});

// ---------------------------------------------------------------- the document

/** A profile with every field, written in the untidy way a person might. */
const FULL = {
  format: PROFILE_FORMAT,
  version: PROFILE_VERSION,
  site: '  ACME Utrecht, floor 2 ',
  agents: ['RDMS', ' erds', 'cca', 'erds'],
  options: ['cca-activation'],
  sources: ['10.1.2.0/24', '2001:DB8:1::/64', '10.1.2.0/24', '192.0.2.7'],
  proxy: 'http://bob%40corp@Proxy.Example.COM:8080',
  dnsServer: '10.0.0.53:5353',
  mode: 'wildcard',
  iotPort: '8883',
  targets: ['pac', 'pfsense', 'pac', 'nftables'],
  settings: { nftables: { hook: 'FORWARD', position: 'before:7', 'nft-table': 'ip  site' }, pfsense: { interface: 'opt2' }, pac: { 'pac-route': 'DIRECT' } },
  out: 'rules/site 2',
  endpoints: [
    { host: 'Fw-EU.Canon-Regional.example', ports: [8443, 443], reason: '  regional firmware server, per Canon NL ', requestedBy: 'J. Jansen, Canon NL' },
    { host: 'diag.canon-regional.example', ports: [9000], protocol: 'tcp', reason: 'remote diagnostics', requestedBy: 'Canon NL service desk' },
  ],
};

describe('profile document: normalised, and written back the same', () => {
  it('normalises a full profile: agents in catalogue order, sources and targets deduplicated, proxy host lower case', () => {
    const a = parseProfile(FULL, catalogue);
    expect(a).toEqual<SiteAnswers>({
      site: 'ACME Utrecht, floor 2',
      agents: ['cca', 'erds', 'rdms'],
      options: ['cca-activation'],
      sources: [
        { address: '10.1.2.0', prefix: 24, family: 4, cidr: '10.1.2.0/24' },
        { address: '2001:db8:1::', prefix: 64, family: 6, cidr: '2001:db8:1::/64' },
        { address: '192.0.2.7', prefix: 32, family: 4, cidr: '192.0.2.7/32' },
      ],
      proxy: 'http://bob%40corp@proxy.example.com:8080',
      dnsServer: { address: '10.0.0.53', family: 4, port: 5353 },
      mode: 'wildcard',
      iotPort: '8883',
      targets: ['pac', 'pfsense', 'nftables'],
      // Each target's settings through its own declarations, kept in their canonical text.
      settings: { nftables: { hook: 'forward', position: 'before:7', 'nft-table': 'ip site' }, pfsense: { interface: 'opt2' }, pac: { 'pac-route': 'direct' } },
      out: 'rules/site 2',
      // Host names in lower case, ports in order, the texts trimmed; tcp the only protocol.
      endpoints: [
        {
          host: 'fw-eu.canon-regional.example',
          ports: [443, 8443],
          protocol: 'tcp',
          reason: 'regional firmware server, per Canon NL',
          requestedBy: 'J. Jansen, Canon NL',
        },
        { host: 'diag.canon-regional.example', ports: [9000], protocol: 'tcp', reason: 'remote diagnostics', requestedBy: 'Canon NL service desk' },
      ],
    });
    // The agent order is the catalogue's, not the file's.
    const order = catalogue.agents.map((x) => x.id);
    expect([...a.agents].sort((x, y) => order.indexOf(x) - order.indexOf(y))).toEqual(a.agents);
  });

  it('round-trips: profileJson → JSON.parse → parseProfile gives the same answers and the same text', () => {
    const a = parseProfile(FULL, catalogue);
    const text = profileJson(a);
    const b = parseProfile(JSON.parse(text), catalogue);
    expect(b).toEqual(a);
    expect(profileJson(b)).toBe(text);
    // Stable key order, 2-space indent, one trailing newline.
    expect(Object.keys(JSON.parse(text) as object)).toEqual([
      'format',
      'version',
      'site',
      'agents',
      'options',
      'sources',
      'proxy',
      'dnsServer',
      'mode',
      'iotPort',
      'targets',
      'settings',
      'out',
      'endpoints',
    ]);
    expect(text).toMatch(/^\{\n {2}"format": "emaint-egress-profile",\n {2}"version": 1,\n/);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.endsWith('\n\n')).toBe(false);
  });

  it('defaults: mode exact, iotPort both, no sources, no targets; null for the rest, and only those written back', () => {
    const a = parseProfile(doc(), catalogue);
    expect(a).toEqual<SiteAnswers>({
      site: null,
      agents: ['cca'],
      options: [],
      sources: [],
      proxy: null,
      dnsServer: null,
      mode: 'exact',
      iotPort: 'both',
      targets: [],
      settings: {},
      out: null,
      endpoints: [],
    });
    const back = JSON.parse(profileJson(a)) as Record<string, unknown>;
    expect(back).toEqual({ format: PROFILE_FORMAT, version: PROFILE_VERSION, agents: ['cca'], sources: [], mode: 'exact', iotPort: 'both', targets: [] });
    expect(parseProfile(back, catalogue)).toEqual(a);
    expect(parseProfile(doc({ sources: [], options: [], targets: [] }), catalogue)).toEqual(a);
  });

  it.each([
    ['10.0.0.53', { address: '10.0.0.53', family: 4, port: 53 }, '10.0.0.53'],
    ['10.0.0.53:53', { address: '10.0.0.53', family: 4, port: 53 }, '10.0.0.53'],
    ['10.0.0.53:5353', { address: '10.0.0.53', family: 4, port: 5353 }, '10.0.0.53:5353'],
    ['[2001:db8::53]:53', { address: '2001:db8::53', family: 6, port: 53 }, '2001:db8::53'],
    ['2001:DB8:0::53', { address: '2001:db8::53', family: 6, port: 53 }, '2001:db8::53'],
    ['[2001:db8::53]:5353', { address: '2001:db8::53', family: 6, port: 5353 }, '[2001:db8::53]:5353'],
  ] as const)('dnsServer %s is %j, written back as %s', (text, server, written) => {
    const a = parseProfile(doc({ dnsServer: text }), catalogue);
    expect(a.dnsServer).toEqual(server);
    expect(dnsServerText(server)).toBe(written);
    const back = JSON.parse(profileJson(a)) as { dnsServer: string };
    expect(back.dnsServer).toBe(written);
    expect(parseProfile(back, catalogue).dnsServer).toEqual(server);
  });

  it('keeps a proxy user, drops an empty password, never writes one', () => {
    const a = parseProfile(doc({ proxy: 'http://bob:@proxy.example.com:3128' }), catalogue);
    expect(a.proxy).toBe('http://bob@proxy.example.com:3128');
    expect(parseProfile(doc({ proxy: 'http://[2001:DB8::1]:3128' }), catalogue).proxy).toBe('http://[2001:db8::1]:3128');
    expect(parseProfile(doc({ proxy: 'http://10.0.0.1:3128/' }), catalogue).proxy).toBe('http://10.0.0.1:3128');
  });
});

// ---------------------------------------------------------------- bad documents

describe('bad profile documents: one line naming the field and the valid values', () => {
  it.each<[string, unknown, string]>([
    ['a list', [doc()], `expected a JSON object with the fields ${VALID_FIELDS}`],
    ['a string', 'cca', `expected a JSON object with the fields ${VALID_FIELDS}`],
    ['null', null, `expected a JSON object with the fields ${VALID_FIELDS}`],
    ['a number', 1, `expected a JSON object with the fields ${VALID_FIELDS}`],
    ['no agents', { format: PROFILE_FORMAT, version: PROFILE_VERSION }, '"agents": missing; a profile needs "format", "version" and "agents"'],
    ['empty agents', doc({ agents: [] }), `"agents" is empty; valid: ${VALID_AGENTS}`],
    ['an unknown agent', doc({ agents: ['cca', 'nope'] }), `"agents": unknown agent 'nope'; valid: ${VALID_AGENTS}`],
    ['an unknown option', doc({ agents: ['erds'], options: ['turbo'] }), `"options": unknown option 'turbo'; valid: cca-activation`],
    [
      'an option whose agent is not chosen',
      doc({ options: ['cca-activation'] }),
      '"options": --cca-activation applies to agent erds; add erds to the agents or drop --cca-activation',
    ],
    ['an unknown field', doc({ colour: 'red' }), `unknown field "colour"; valid fields: ${VALID_FIELDS}`],
    ['settings for an unknown target', doc({ settings: { cisco: { x: '1' } } }), `"settings": 'cisco' is not valid; valid: ${VALID_TARGETS}`],
    [
      'a setting the target does not have',
      doc({ settings: { pac: { hook: 'forward' } } }),
      '"settings.pac.hook": pac has no such setting; valid: proxy, pac-route',
    ],
    [
      'a pfSense interface description',
      doc({ settings: { pfsense: { interface: 'LAN' } } }),
      `"settings.pfsense.interface": 'LAN' is not valid; expected pfSense's internal interface name: lan, wan or optN (Interfaces > Assignments; not the description)`,
    ],
    [
      'a bad position',
      doc({ settings: { iptables: { position: 'before:x' } } }),
      `"settings.iptables.position": 'before:x' is not valid; valid: top, bottom, before:<an iptables rule number (iptables -L --line-numbers)>`,
    ],
    ['two unknown fields', doc({ colour: 'red', password: 'x' }), `unknown fields "colour", "password"; valid fields: ${VALID_FIELDS}`],
    ['another format', doc({ format: 'canon-profile' }), '"format" is not "emaint-egress-profile": not an emaint-egress site profile'],
    ['no format', { version: 1, agents: ['cca'] }, '"format" is not "emaint-egress-profile": not an emaint-egress site profile'],
    ['another version', doc({ version: 2 }), '"version" is not 1: a profile from another version of emaint-egress'],
    ['no version', { format: PROFILE_FORMAT, agents: ['cca'] }, '"version" is not 1: a profile from another version of emaint-egress'],
    ['a subnet with host bits set', doc({ sources: ['10.1.2.0/24', '10.1.2.5/24'] }), `"sources": '10.1.2.5/24' has host bits set; did you mean 10.1.2.0/24?`],
    [
      'an IPv6 subnet with host bits set',
      doc({ sources: ['2001:db8:1::1/64'] }),
      `"sources": '2001:db8:1::1/64' has host bits set; did you mean 2001:db8:1::/64?`,
    ],
    ['a bad prefix', doc({ sources: ['10.0.0.0/33'] }), `"sources": '10.0.0.0/33' has a bad prefix length; valid: 0 to 32`],
    [
      'a source that is no address',
      doc({ sources: ['lan'] }),
      `"sources": 'lan' is not an address or network; expected IPv4 or IPv6 addresses or networks, comma-separated (e.g. 10.1.2.0/24,2001:db8:1::/64)`,
    ],
    ['a resolver by name', doc({ dnsServer: 'dns.example.com' }), `"dnsServer": 'dns.example.com' is not an IP address; ${DNS_HINT}`],
    ['a resolver with a bad port', doc({ dnsServer: '10.0.0.53:99999' }), `"dnsServer": '10.0.0.53:99999' is not valid; ${DNS_HINT}`],
    ['a bad mode', doc({ mode: 'fuzzy' }), `"mode": 'fuzzy' is not valid; valid: exact, wildcard`],
    ['a bad iotPort', doc({ iotPort: '80' }), `"iotPort": '80' is not valid; valid: 443, 8883, both`],
    ['a bad target', doc({ targets: ['pfsense', 'sophos'] }), `"targets": 'sophos' is not valid; valid: ${VALID_TARGETS}`],
    [
      'an https proxy',
      doc({ proxy: 'https://proxy.example.com:8080' }),
      `"proxy": 'https://proxy.example.com:8080' uses 'https'; only http:// proxies are supported (the agents speak HTTP CONNECT); ${PROXY_HINT}`,
    ],
    ['a proxy without a port', doc({ proxy: 'http://proxy.example.com' }), `"proxy": 'http://proxy.example.com' has no port; ${PROXY_HINT}`],
    ['a site with an escape', doc({ site: 'ACME\u001b[31m' }), `"site": 'ACME\\u001b[31m' contains control characters; use printable text on one line`],
    ['a site on two lines', doc({ site: 'ACME\nUtrecht' }), `"site": 'ACME\\u000aUtrecht' contains control characters; use printable text on one line`],
    [
      'a site with a bidi override',
      doc({ site: 'ACME\u202eUtrecht' }),
      `"site": 'ACME\\u202eUtrecht' contains control characters; use printable text on one line`,
    ],
    ['an empty site', doc({ site: '  ' }), '"site" is empty; give a short site name, e.g. "ACME Utrecht, floor 2"'],
    ['a long site', doc({ site: 'x'.repeat(81) }), '"site" is longer than 80 characters'],
    ['an out on two lines', doc({ out: 'rules\nmore' }), `"out": 'rules\\u000amore' is not a folder path; give a path on one line, e.g. "rules"`],
    ['an out with an escape', doc({ out: 'rules\u001b[2J' }), `"out": 'rules\\u001b[2J' is not a folder path; give a path on one line, e.g. "rules"`],
    ['an out with DEL', doc({ out: 'rules\u007f' }), `"out": 'rules\\u007f' is not a folder path; give a path on one line, e.g. "rules"`],
    ['an empty out', doc({ out: ' ' }), `"out": ' ' is not a folder path; give a path on one line, e.g. "rules"`],
  ])('%s', (_name, d, message) => {
    expect(parseError(d)).toBe(message);
  });

  it('the same problems through readProfile are ProfileErrors starting with the file name', () => {
    for (const [d, message] of [
      [doc({ agents: ['nope'] }), `"agents": unknown agent 'nope'; valid: ${VALID_AGENTS}`],
      [doc({ sources: ['10.1.2.5/24'] }), `"sources": '10.1.2.5/24' has host bits set; did you mean 10.1.2.0/24?`],
      [doc({ dnsServer: 'dns.example.com' }), `"dnsServer": 'dns.example.com' is not an IP address; ${DNS_HINT}`],
      [doc({ site: 'a\nb' }), `"site": 'a\\u000ab' contains control characters; use printable text on one line`],
      [doc({ proxy: 'https://p.example.com:1' }), `"proxy": 'https://p.example.com:1' uses 'https'`],
      [doc({ iotPort: 'all' }), `"iotPort": 'all' is not valid; valid: 443, 8883, both`],
    ] as const) {
      const file = profileFile(d);
      const message2 = readError(file);
      expect(message2.startsWith(`profile ${file}: ${message}`)).toBe(true);
    }
  });

  // The class its documentation names for "a profile that cannot be used": a caller of
  // parseProfile that catches ProfileError must get every problem of the document.
  it('parseProfile throws a ProfileError for every bad document, whichever field is wrong', () => {
    const bad = {
      agents: doc({ agents: ['nope'] }),
      sources: doc({ sources: ['10.1.2.5/24'] }),
      dnsServer: doc({ dnsServer: 'dns.example.com' }),
      site: doc({ site: 'a\nb' }),
      proxy: doc({ proxy: 'https://p.example.com:1' }),
      mode: doc({ mode: 'fuzzy' }),
    };
    const names = Object.fromEntries(Object.entries(bad).map(([field, d]) => [field, thrown(() => parseProfile(d, catalogue)).name]));
    expect(names).toEqual(Object.fromEntries(Object.keys(bad).map((field) => [field, 'ProfileError'])));
  });

  // A field of the wrong JSON type is there, not missing: the message says what it should be.
  it.each<[string, unknown, RegExp]>([
    ['agents as a string', doc({ agents: 'cca' }), /^"agents": expected a list/],
    ['targets as a string', doc({ targets: 'pfsense' }), /^"targets": expected a list/],
    ['an agent as a number', doc({ agents: [1] }), /^"agents(\.0)?": expected/],
    ['iotPort as a number', doc({ iotPort: 443 }), /^"iotPort": .*443, 8883, both/],
  ])('%s is a wrong type, not "missing"', (_name, d, message) => {
    const m = parseError(d);
    expect(m).not.toContain('missing');
    expect(m).toMatch(message);
  });

  it.each([`http://bob:${SECRET}@proxy.example.com:8080`, `http://bob:${SECRET}@[2001:db8::1]:3128`, `http://bob:${SECRET}:more@proxy.example.com:8080`])(
    'refuses a proxy with a password (%s), without showing it',
    (proxy) => {
      const m = parseError(doc({ proxy }));
      expect(m).toBe('"proxy" holds a password; a profile never does: keep only the user (http://user@host:port) and set $EMAINT_PROXY_PASSWORD');
      expect(m).not.toContain(SECRET);
    },
  );

  it.each([
    `http://bob:${SECRET}@proxy.example.com`,
    `https://bob:${SECRET}@proxy.example.com:8080`,
    `socks5://bob:${SECRET}@proxy.example.com:1080`,
    `http://bob:${SECRET}@proxy.example.com:8080/path`,
    `http://bob:${SECRET}@bad host:8080`,
    `http://bob:hun@ter2@proxy.example.com:8080`,
    `http://bob:${SECRET}\u0007@proxy.example.com:8080`,
    `http://:${SECRET}@proxy.example.com:8080`,
    `http://bob:${SECRET}@${HOSTILE}:8080`,
  ])('a bad proxy URL with a password (%j) never shows the password', (proxy) => {
    const m = parseError(doc({ proxy }));
    expect(m.startsWith('"proxy"')).toBe(true);
    expect(m).not.toContain(SECRET);
    expect(m).not.toContain('hun@ter2');
    expect(m).not.toContain('ter2@');
  });

  it('a password in a profile file is not in the error either', () => {
    const file = profileFile(doc({ proxy: `http://bob:${SECRET}@proxy.example.com:8080` }));
    const m = readError(file);
    expect(m.startsWith(`profile ${file}: "proxy" holds a password`)).toBe(true);
    expect(m).not.toContain(SECRET);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['site', doc({ site: HOSTILE }), '"site"'],
    ['agents', doc({ agents: [HOSTILE] }), '"agents"'],
    ['options', doc({ agents: ['erds'], options: [HOSTILE] }), '"options"'],
    ['sources', doc({ sources: [HOSTILE] }), '"sources"'],
    ['sources, after a good one', doc({ sources: ['10.0.0.0/8', `10.${HOSTILE}`] }), '"sources"'],
    ['proxy', doc({ proxy: HOSTILE }), '"proxy"'],
    ['proxy host', doc({ proxy: `http://${HOSTILE}:8080` }), '"proxy"'],
    ['dnsServer', doc({ dnsServer: HOSTILE }), '"dnsServer"'],
    ['mode', doc({ mode: HOSTILE }), '"mode"'],
    ['iotPort', doc({ iotPort: HOSTILE }), '"iotPort"'],
    ['targets', doc({ targets: [HOSTILE] }), '"targets"'],
    ['out', doc({ out: HOSTILE }), '"out"'],
    ['an unknown field name', doc({ [HOSTILE]: 1 }), 'unknown field'],
    ['format', doc({ format: HOSTILE }), '"format"'],
    ['version', doc({ version: HOSTILE }), '"version"'],
  ])('a hostile %s never reaches the message raw', (_name, d, field) => {
    const m = parseError(d);
    expect(m).toContain(field);
    expect(m).not.toMatch(RAW_UNSAFE);
    if (!['format', 'version'].includes(_name)) expect(m).toContain('\\u001b[31m');
  });

  // "out" is "a path on one line": the line breaks and the controls site refuses, too.
  it.each([
    ['a C1 control (CSI)', 'rules\u009b31m'],
    ['NEXT LINE', 'rules\u0085more'],
    ['LINE SEPARATOR', 'rules\u2028more'],
    ['a bidi override', 'rules\u202eselur'],
  ])('an out with %s is refused, as a site with it is', (_name, out) => {
    expect(parseError(doc({ site: `ACME${out}` }))).toMatch(/^"site": .* contains control characters/);
    expect(parseError(doc({ out }))).toMatch(/^"out": .* is not a folder path/);
  });
});

// ---------------------------------------------------------------- the file

describe('profile files: bounded reads, atomic writes, one-line errors', () => {
  it('writeProfile writes profileJson atomically into a new folder; readProfile reads the same answers', () => {
    const answers = parseProfile(FULL, catalogue);
    const dir = join(tmp(), 'sites');
    const path = join(dir, 'acme.json');
    expect(writeProfile(path, answers)).toBe(path);
    expect(readFileSync(path, 'utf8')).toBe(profileJson(answers));
    expect(readProfile(path, catalogue)).toEqual(answers);
    // It replaces an existing profile, and leaves no temporary file.
    const other = parseProfile(doc({ agents: ['backup'] }), catalogue);
    writeProfile(path, other);
    expect(readProfile(path, catalogue)).toEqual(other);
    expect(readdirSync(dir)).toEqual(['acme.json']);
  });

  it('malformed JSON: "is not valid JSON", one line', () => {
    const file = profileFile('{"format": "emaint-egress-profile", "version": 1, "agents": ["cca"],,}');
    expect(readError(file)).toMatch(new RegExp(`^profile ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not valid JSON( \\(at character \\d+\\))?$`));
  });

  it('malformed JSON: the message says where, never what (a hand-typed secret stays out)', () => {
    const file = profileFile(`{"format": "emaint-egress-profile", "version": 1, "agents": ["cca"], "proxy": ${SECRET}}`);
    const m = readError(file);
    expect(m).toMatch(/ is not valid JSON( \(at character \d+\))?$/);
    expect(m).not.toContain(SECRET.slice(0, 4));
  });

  it('an empty file is not valid JSON', () => {
    const file = profileFile('');
    expect(readError(file)).toBe(`profile ${file} is not valid JSON`);
  });

  it('a byte-order mark before the JSON is fine', () => {
    const file = profileFile(`\uFEFF${JSON.stringify(doc({}))}`);
    expect(readProfile(file, catalogue).agents).toEqual(parseProfile(doc({}), catalogue).agents);
  });

  it('malformed JSON full of escapes and bidi overrides stays one safe line', () => {
    const file = profileFile(`{"agents": ["${HOSTILE}"], ${HOSTILE}}`);
    const m = readError(file);
    expect(m).toMatch(/ is not valid JSON( \(at character \d+\))?$/);
    const file2 = profileFile(`x${HOSTILE}${HOSTILE}`);
    expect(readError(file2)).toMatch(/ is not valid JSON( \(at character \d+\))?$/);
  });

  it('a file that does not exist', () => {
    const file = join(tmp(), 'nope.json');
    expect(readError(file)).toBe(`profile ${file}: cannot read it (ENOENT)`);
  });

  it('a folder', () => {
    const dir = tmp();
    expect(readError(dir)).toBe(`profile ${dir} is not a file`);
  });

  it('a file over 256 KiB is refused unread; one of exactly 256 KiB is read', () => {
    const body = JSON.stringify(doc());
    const exact = profileFile(body + ' '.repeat(256 * 1024 - body.length), 'exact.json');
    expect(readProfile(exact, catalogue).agents).toEqual(['cca']);
    const over = profileFile(body + ' '.repeat(256 * 1024 - body.length + 1), 'over.json');
    expect(readError(over)).toBe(`profile ${over} is larger than 256 KiB; a profile is a small JSON file`);
  });

  it('a hostile file name is escaped in every message', () => {
    const dir = join(tmp(), `site\u001b[31m\n\u202e`);
    mkdirSync(dir);
    const bad = join(dir, 'p.json');
    writeFileSync(bad, '{');
    const m = readError(bad);
    expect(m).toContain('site\\u001b[31m\\u000a\\u202e');
    expect(m).toContain('is not valid JSON');
    expect(readError(join(dir, 'missing.json'))).toContain('cannot read it (ENOENT)');
    expect(readError(dir)).toContain('is not a file');
  });
});

// ---------------------------------------------------------------- plan --profile

/** The site the CLI tests use: two agents and an option, every site answer set. */
const SITE = {
  format: PROFILE_FORMAT,
  version: PROFILE_VERSION,
  site: 'ACME Utrecht',
  agents: ['erds', 'cca'],
  options: ['cca-activation'],
  sources: ['10.1.2.0/24', '2001:db8:1::/64'],
  proxy: 'http://bob@proxy.example.com:8080',
  mode: 'exact',
  iotPort: '443',
  targets: ['pfsense', 'pac'],
};
/** The same answers as flags. */
const SITE_FLAGS = [
  '--agents',
  'erds,cca',
  '--cca-activation',
  '--source',
  '10.1.2.0/24,2001:db8:1::/64',
  '--mode',
  'exact',
  '--iot-port',
  '443',
  '--site',
  'ACME Utrecht',
];

describe('plan --profile', () => {
  it('prints the plan of the profile\u2019s agents and options, as --agents and the option flag would', async () => {
    const file = profileFile(SITE);
    for (const json of [[], ['--json']]) {
      const viaProfile = await cli('plan', '--profile', file, ...json);
      const viaFlags = await cli('plan', '--agents', 'erds,cca', '--cca-activation', ...json);
      expect(viaProfile.code).toBe(0);
      expect(viaProfile.stderr).toBe('');
      expect(viaProfile.stdout).toBe(viaFlags.stdout);
    }
    const body = JSON.parse((await cli('plan', '--profile', file, '--json')).stdout) as { agents: string[]; options: string[] };
    expect(body.agents).toEqual(['cca', 'erds']);
    expect(body.options).toEqual(['cca-activation']);
  });

  it('--agents replaces the profile\u2019s agents and its options', async () => {
    const file = profileFile(SITE);
    const r = await cli('plan', '--profile', file, '--agents', 'rdms', '--json');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe((await cli('plan', '--agents', 'rdms', '--json')).stdout);
    const body = JSON.parse(r.stdout) as { agents: string[]; options: string[] };
    expect(body.agents).toEqual(['rdms']);
    expect(body.options).toEqual([]);
  });

  it('an option flag adds to the profile\u2019s options', async () => {
    const file = profileFile(doc({ agents: ['erds'] }));
    const without = await cli('plan', '--profile', file, '--json');
    const added = await cli('plan', '--profile', file, '--cca-activation', '--json');
    expect(added.code).toBe(0);
    expect(JSON.parse(without.stdout).options).toEqual([]);
    expect(JSON.parse(added.stdout).options).toEqual(['cca-activation']);
    expect(added.stdout).toBe((await cli('plan', '--agents', 'erds', '--cca-activation', '--json')).stdout);
    // Given twice (profile and flag), it is there once.
    const twice = await cli('plan', '--profile', profileFile(SITE), '--cca-activation', '--json');
    expect(JSON.parse(twice.stdout).options).toEqual(['cca-activation']);
  });

  it.each<[string, Record<string, unknown> | string, string]>([
    ['malformed JSON', '{"agents": [', ' is not valid JSON'],
    ['an unknown agent', doc({ agents: ['nope'] }), `: "agents": unknown agent 'nope'; valid: ${VALID_AGENTS}`],
    ['an unknown field', doc({ colour: 'red' }), `: unknown field "colour"; valid fields: ${VALID_FIELDS}`],
    ['a password', doc({ proxy: `http://bob:${SECRET}@p.example.com:8080` }), ': "proxy" holds a password'],
    ['a hostile site', doc({ site: HOSTILE }), ': "site": \'x\\u001b[31m'],
  ])('a bad profile (%s): exit 2, one line naming the file, nothing on stdout', async (_name, content, message) => {
    const file = profileFile(content);
    const r = await cli('plan', '--profile', file);
    expectUsageError(r, `emaint-egress plan: profile ${file}`, `emaint-egress plan: profile ${file}${message}`);
    expect(r.stderr).not.toContain(SECRET);
  });

  it('a missing profile file: exit 2, one line', async () => {
    const file = join(tmp(), 'gone.json');
    expectUsageError(await cli('plan', '--profile', file), `emaint-egress plan: profile ${file}: cannot read it (ENOENT)`);
  });
});

// ---------------------------------------------------------------- render --profile

describe("render --profile: a target's own settings", () => {
  it("the profile's settings for the chosen target are its flags (flags given still win), byte for byte", async () => {
    const file = profileFile(
      doc({ agents: ['rdms'], sources: ['10.1.2.0/24'], settings: { iptables: { hook: 'output', position: 'before:3' }, pfsense: { interface: 'opt2' } } }),
    );
    const [a, b, c] = [tmp(), tmp(), tmp()];
    const viaProfile = await runCli(['render', '--profile', file, '--target', 'iptables', '--out', a]);
    const viaFlags = await runCli([
      'render',
      '--agents',
      'rdms',
      '--source',
      '10.1.2.0/24',
      '--target',
      'iptables',
      '--hook',
      'output',
      '--position',
      'before:3',
      '--out',
      b,
    ]);
    expect(viaProfile.code, viaProfile.stderr).toBe(0);
    expect(viaFlags.code, viaFlags.stderr).toBe(0);
    for (const f of readdirSync(b)) expect(readFileSync(join(a, f), 'utf8'), f).toBe(readFileSync(join(b, f), 'utf8'));
    expect(readFileSync(join(a, 'emaint-egress.rules'), 'utf8')).toContain('-I OUTPUT 3 -s 10.1.2.0/24 -j EMAINT-EGRESS');
    const given = await runCli(['render', '--profile', file, '--target', 'iptables', '--position', 'bottom', '--out', c]);
    expect(readFileSync(join(c, 'emaint-egress.rules'), 'utf8')).toContain('-A OUTPUT -s 10.1.2.0/24 -j EMAINT-EGRESS');
    expect(given.code).toBe(0);
    const pfsense = await runCli(['render', '--profile', file, '--target', 'pfsense']);
    expect(pfsense.stdout).toContain('<interface>opt2</interface>');
  });
});

describe('render --profile', () => {
  it.each(['pfsense', 'panos', 'nftables'])('--target %s: byte-identical to the same answers given as flags', async (target) => {
    const file = profileFile(SITE);
    const out = target === 'nftables' || target === 'panos' ? ['--out'] : [];
    const dirA = out.length ? [tmp()] : [];
    const dirB = out.length ? [tmp()] : [];
    const viaProfile = await runCli(['render', '--profile', file, '--target', target, ...out, ...dirA]);
    const viaFlags = await runCli(['render', ...SITE_FLAGS, '--target', target, ...out, ...dirB]);
    expect(viaProfile.code).toBe(0);
    expect(viaProfile.stderr).toBe(viaFlags.stderr);
    if (out.length) {
      const [a, b] = [dirA[0] as string, dirB[0] as string];
      expect(readdirSync(a).sort()).toEqual(readdirSync(b).sort());
      for (const f of readdirSync(a)) expect(readFileSync(join(a, f), 'utf8'), f).toBe(readFileSync(join(b, f), 'utf8'));
      const all = readdirSync(a)
        .map((f) => readFileSync(join(a, f), 'utf8'))
        .join('\n');
      expect(all).toContain('10.1.2.0/24');
    } else {
      expect(viaProfile.stdout).toBe(viaFlags.stdout);
      expect(viaProfile.stdout).toContain('ACME Utrecht');
      expect(viaProfile.stdout).toContain('10.1.2.0/24');
      // The profile's answers made a difference: without them the output is not the same.
      const bare = await runCli(['render', '--agents', 'erds,cca', '--cca-activation', '--target', target]);
      expect(bare.stdout).not.toBe(viaProfile.stdout);
    }
  });

  it('a flag given wins over the profile: --mode, --iot-port, --source, --site', async () => {
    const file = profileFile(SITE);
    const over = ['--mode', 'wildcard', '--iot-port', 'both', '--source', '10.9.0.0/16', '--site', 'Other site'];
    const viaProfile = await runCli(['render', '--profile', file, '--target', 'squid', ...over]);
    const viaFlags = await runCli(['render', '--agents', 'erds,cca', '--cca-activation', '--target', 'squid', ...over]);
    expect(viaProfile.code).toBe(0);
    expect(viaProfile).toEqual(viaFlags);
    expect(viaProfile.stdout).toContain('Other site');
    expect(viaProfile.stdout).toContain('10.9.0.0/16');
    expect(viaProfile.stdout).not.toContain('ACME Utrecht');
    expect(viaProfile.stdout).not.toContain('10.1.2.0/24');
    const notOver = await runCli(['render', '--profile', file, '--target', 'squid']);
    expect(notOver.stdout).not.toBe(viaProfile.stdout);
  });

  it('--mode wildcard over the profile\u2019s exact: the pfSense warning shows, as with flags', async () => {
    const file = profileFile(SITE);
    const viaProfile = await runCli(['render', '--profile', file, '--target', 'pfsense', '--mode', 'wildcard']);
    const viaFlags = await runCli(['render', ...SITE_FLAGS.filter((f) => f !== 'exact' && f !== '--mode'), '--mode', 'wildcard', '--target', 'pfsense']);
    expect(viaProfile.code).toBe(0);
    expect(viaProfile).toEqual(viaFlags);
    expect(viaProfile.stderr).toContain('pfSense aliases do not accept * wildcards');
  });

  it('a profile with exactly one target needs no --target; --target still wins', async () => {
    const file = profileFile({ ...SITE, targets: ['squid'] });
    const r = await runCli(['render', '--profile', file]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r).toEqual(await runCli(['render', ...SITE_FLAGS, '--target', 'squid']));
    const other = await runCli(['render', '--profile', file, '--target', 'pfsense']);
    expect(other.code).toBe(0);
    expect(other.stdout).toBe((await runCli(['render', ...SITE_FLAGS, '--target', 'pfsense'])).stdout);
  });

  it('a profile with two targets and no --target: exit 2 naming the valid targets', async () => {
    const file = profileFile(SITE);
    expectUsageError(
      await runCli(['render', '--profile', file]),
      'emaint-egress render: ',
      `emaint-egress render: missing --target <target>; valid: ${VALID_TARGETS}\n`,
    );
  });

  it('--target pac takes the profile\u2019s proxy as host:port (no user)', async () => {
    const file = profileFile(SITE);
    const viaProfile = await runCli(['render', '--profile', file, '--target', 'pac']);
    expect(viaProfile.code).toBe(0);
    expect(viaProfile.stderr).toBe('');
    expect(viaProfile.stdout).toBe((await runCli(['render', ...SITE_FLAGS, '--target', 'pac', '--proxy', 'proxy.example.com:8080'])).stdout);
    expect(viaProfile.stdout).toContain('PROXY proxy.example.com:8080');
    expect(viaProfile.stdout).not.toContain('bob');
    // A --proxy given wins over the profile's.
    const over = await runCli(['render', '--profile', file, '--target', 'pac', '--proxy', 'other.example.com:3128']);
    expect(over.stdout).toContain('PROXY other.example.com:3128');
    expect(over.stdout).not.toContain('proxy.example.com:8080');
  });

  it('a profile with only pac as target and a proxy renders the PAC file with no flags at all', async () => {
    const file = profileFile({ ...SITE, targets: ['pac'], proxy: 'http://[2001:db8::8]:3128' });
    const r = await runCli(['render', '--profile', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('PROXY [2001:db8::8]:3128');
  });

  it('a non-pac target ignores the profile\u2019s proxy, and a profile resolver without --resolve, without error', async () => {
    const file = profileFile({ ...SITE, dnsServer: '127.0.0.1:1' });
    for (const target of ['pfsense', 'squid']) {
      const r = await runCli(['render', '--profile', file, '--target', target]);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout).not.toContain('proxy.example.com');
      expect(r.stdout).toBe((await runCli(['render', ...SITE_FLAGS, '--target', target])).stdout);
    }
    const out = tmp();
    const nft = await runCli(['render', '--profile', file, '--target', 'nftables', '--out', out]);
    expect(nft.code).toBe(0);
    expect(traffic).toEqual({ sent: [], routed: [] });
  });

  it('a bad profile: exit 2, one line naming the file', async () => {
    const file = profileFile(doc({ targets: ['sophos'] }));
    expectUsageError(
      await runCli(['render', '--profile', file, '--target', 'pfsense']),
      `emaint-egress render: profile ${file}: "targets": 'sophos' is not valid; valid: ${VALID_TARGETS}`,
    );
  });

  describe('--resolve with the profile\u2019s dnsServer', () => {
    // A public unicast answer (never contacted: --resolve only writes it down). Documentation
    // ranges are reserved space, which --resolve leaves out as a sinkhole's answer.
    const servers = serverPair((q: Asked) => (q.type === 'A' ? reply(q, [A(q.name, '203.0.114.10')]) : reply(q, [])));
    const hosts = [...new Set(plan(catalogue, { agents: ['cca'] }).flows.map((f) => f.host))];

    it('asks the profile\u2019s resolver for every host and fills the sets', async () => {
      const file = profileFile(doc({ dnsServer: `127.0.0.1:${servers.dns.server.port}` }));
      const out = tmp();
      const r = await runCli(['render', '--profile', file, '--target', 'nftables', '--resolve', '--out', out]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(new Set(servers.dns.asked.map((q) => q.name))).toEqual(new Set(hosts));
      expect(servers.other.asked).toEqual([]);
      const nft = readdirSync(out)
        .map((f) => readFileSync(join(out, f), 'utf8'))
        .join('\n');
      expect(nft).toContain(`from 127.0.0.1:${servers.dns.server.port}`);
      expect(nft).toContain('203.0.114.10');
      expect(traffic.sent).toContain('udp 127.0.0.1');
      expect([...traffic.sent, ...traffic.routed].every((t) => /^udp 127\.0\.0\.1\b/.test(t))).toBe(true);
    });

    it('--dns-server given wins over the profile\u2019s', async () => {
      const file = profileFile(doc({ dnsServer: `127.0.0.1:${servers.dns.server.port}` }));
      const out = tmp();
      const r = await runCli([
        'render',
        '--profile',
        file,
        '--target',
        'iptables',
        '--resolve',
        '--dns-server',
        `127.0.0.1:${servers.other.server.port}`,
        '--out',
        out,
      ]);
      expect(r.code).toBe(0);
      expect(servers.dns.asked).toEqual([]);
      expect(new Set(servers.other.asked.map((q) => q.name))).toEqual(new Set(hosts));
      expect(readFileSync(join(out, 'emaint-egress.ipset'), 'utf8')).toContain(`from 127.0.0.1:${servers.other.server.port}`);
    });
  });
});

// ---------------------------------------------------------------- check --profile

describe('check --profile', () => {
  // Nothing exists: the check stops at DNS and never connects anywhere.
  const servers = serverPair((q) => reply(q, [], { rcode: 'NXDOMAIN' }));

  interface CheckJson {
    results: { host: string; status: string }[];
    summary: { resolver: string; total: number; failed: number; agents: string[]; options: string[] };
  }

  it('asks the profile\u2019s dnsServer: every flow is dns-error (NXDOMAIN), no TCP at all', async () => {
    const file = profileFile(doc({ agents: ['erds', 'rdms'], options: ['cca-activation'], dnsServer: `127.0.0.1:${servers.dns.server.port}` }));
    const r = await runCli(['check', '--profile', file, '--timeout', '1000', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const body = JSON.parse(r.stdout) as CheckJson;
    expect(body.summary.resolver).toBe(`127.0.0.1:${servers.dns.server.port}`);
    expect(body.summary.agents).toEqual(['erds', 'rdms']);
    expect(body.summary.options).toEqual(['cca-activation']);
    const flows = plan(catalogue, { agents: ['erds', 'rdms'], options: ['cca-activation'] }).flows;
    expect(body.results).toHaveLength(flows.length);
    expect(body.summary.failed).toBe(flows.length);
    expect(new Set(body.results.map((x) => x.status))).toEqual(new Set(['dns-error']));
    expect(new Set(servers.dns.asked.map((q) => q.name))).toEqual(new Set(flows.map((f) => f.host)));
    expect(servers.other.asked).toEqual([]);
    expect(traffic.sent.filter((t) => t.startsWith('tcp'))).toEqual([]);
    expect(traffic.sent).toContain('udp 127.0.0.1');
    expect([...traffic.sent, ...traffic.routed].every((t) => /^udp 127\.0\.0\.1\b/.test(t))).toBe(true);
  });

  it('--dns-server given wins over the profile\u2019s', async () => {
    const file = profileFile(doc({ agents: ['rdms'], dnsServer: `127.0.0.1:${servers.dns.server.port}` }));
    const r = await runCli(['check', '--profile', file, '--dns-server', `127.0.0.1:${servers.other.server.port}`, '--timeout', '1000', '--json']);
    expect(r.code).toBe(1);
    const body = JSON.parse(r.stdout) as CheckJson;
    expect(body.summary.resolver).toBe(`127.0.0.1:${servers.other.server.port}`);
    expect(new Set(body.results.map((x) => x.status))).toEqual(new Set(['dns-error']));
    expect(servers.dns.asked).toEqual([]);
    expect(servers.other.asked.length).toBeGreaterThan(0);
  });

  it('a bad profile: exit 2, one line, no traffic', async () => {
    const file = profileFile(doc({ dnsServer: 'resolver.example.com' }));
    const r = await runCli(['check', '--profile', file, '--json']);
    expectUsageError(r, `emaint-egress check: profile ${file}: "dnsServer": 'resolver.example.com' is not an IP address`);
    expect(traffic).toEqual({ sent: [], routed: [] });
    expect(servers.dns.asked).toEqual([]);
  });
});

// ---------------------------------------------------------------- no command

describe('the program with no command', () => {
  it.each<[{ stdin: boolean; stdout: boolean }, NodeJS.ProcessEnv, string | null]>([
    [{ stdin: false, stdout: true }, {}, 'stdin is not a terminal'],
    [{ stdin: false, stdout: false }, {}, 'stdin is not a terminal'],
    [{ stdin: true, stdout: false }, {}, 'stdout is not a terminal'],
    [{ stdin: true, stdout: false }, { CI: 'true' }, 'stdout is not a terminal'],
    [{ stdin: true, stdout: true }, { CI: 'true' }, 'CI is set'],
    [{ stdin: true, stdout: true }, { CI: '1' }, 'CI is set'],
    [{ stdin: true, stdout: true }, { CI: 'yes' }, 'CI is set'],
    // As ink (is-in-ci) reads it: CI present at all, or another CI variable.
    [{ stdin: true, stdout: true }, { CI: '' }, 'CI is set'],
    [{ stdin: true, stdout: true }, { CONTINUOUS_INTEGRATION: '1' }, 'CONTINUOUS_INTEGRATION is set'],
    [{ stdin: true, stdout: true }, { CI_JOB_ID: '42' }, 'CI_JOB_ID is set'],
    [{ stdin: true, stdout: true }, { CI: 'false', CI_JOB_ID: '42' }, null],
    [{ stdin: true, stdout: true }, { CI: '0' }, null],
    [{ stdin: true, stdout: true }, { CI: 'false' }, null],
    [{ stdin: true, stdout: true }, {}, null],
  ])('whyNoApp(%j, %j) is %j', (terminal, env, why) => {
    expect(whyNoApp(terminal, env)).toBe(why);
  });

  it('a terminal under CI: exit 2, one line saying CI is set and naming --agents', async () => {
    const r = await runCli([], { terminal: { stdin: true, stdout: true }, env: { CI: 'true' } });
    expectUsageError(r, 'emaint-egress: ');
    expect(r.stderr).toContain('CI is set');
    expect(r.stderr).toContain('--agents');
    expect(r.stderr).toContain(`valid: ${VALID_AGENTS}, or all`);
  });

  it('--agents without a terminal prints the same plan as `plan --agents`, exit 0', async () => {
    const expected = await cli('plan', '--agents', 'cca');
    expect(expected.code).toBe(0);
    expect(await runCli(['--agents', 'cca'])).toEqual({ code: 0, stdout: expected.stdout, stderr: '' });
    // Under CI on a terminal too.
    expect(await runCli(['--agents', 'cca'], { terminal: { stdin: true, stdout: true }, env: { CI: '1' } })).toEqual({
      code: 0,
      stdout: expected.stdout,
      stderr: '',
    });
  });

  it('--profile without a terminal prints the profile\u2019s plan', async () => {
    const file = profileFile(SITE);
    const r = await runCli(['--profile', file]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe((await cli('plan', '--profile', file)).stdout);
    expect(r.stdout).toBe((await cli('plan', '--agents', 'erds,cca', '--cca-activation')).stdout);
    // --agents replaces the profile's choice here as well.
    expect((await runCli(['--profile', file, '--agents', 'rdms'])).stdout).toBe((await cli('plan', '--agents', 'rdms')).stdout);
  });

  it('a bad --profile: exit 2, one line naming the file', async () => {
    const file = profileFile(doc({ agents: [HOSTILE] }));
    const r = await runCli(['--profile', file]);
    expectUsageError(r, `emaint-egress: profile ${file}: "agents": unknown agent 'x\\u001b[31m`);
    const missing = join(tmp(), 'none.json');
    expectUsageError(await runCli(['--profile', missing]), `emaint-egress: profile ${missing}: cannot read it (ENOENT)`);
  });

  it('an unknown command: exit 2, "unknown command \'nosuch\'" and the valid commands', async () => {
    const r = await runCli(['nosuch']);
    expectUsageError(r, "emaint-egress: unknown command 'nosuch'", /; valid commands: agents, plan, check, render, serve, diff, report\b/);
    expect(r.stderr).not.toContain('Did you mean');
  });

  it("a typo keeps commander's suggestion: (Did you mean plan?)", async () => {
    const r = await runCli(['plna']);
    expectUsageError(r, "emaint-egress: unknown command 'plna' (Did you mean plan?)");
  });
});

// ---------------------------------------------------------------- the site's own endpoints

describe("a profile's site endpoints: exact hosts beyond the catalogue, tcp, a bounded reason and requester", () => {
  const endpoint = (over: Record<string, unknown> = {}) => ({
    host: 'fw.canon-regional.example',
    ports: [443],
    reason: 'regional server',
    requestedBy: 'Canon NL',
    ...over,
  });
  const withEndpoints = (...list: Record<string, unknown>[]) => doc({ endpoints: list });

  it.each<[string, Record<string, unknown>, string]>([
    [
      'a wildcard host',
      withEndpoints(endpoint({ host: '*.canon-regional.example' })),
      `"endpoints.0.host": '*.canon-regional.example' is a wildcard; a site endpoint is one exact host (a wildcard would open every host under the domain): list each host`,
    ],
    [
      'an address',
      withEndpoints(endpoint({ host: '192.0.2.10' })),
      `"endpoints.0.host": '192.0.2.10' is an address; give the host name (the rules and the check follow names)`,
    ],
    [
      'an IPv6 address',
      withEndpoints(endpoint({ host: '2001:db8::1' })),
      `"endpoints.0.host": '2001:db8::1' is an address; give the host name (the rules and the check follow names)`,
    ],
    [
      'a host with an underscore',
      withEndpoints(endpoint({ host: 'fw_eu.example.com' })),
      `"endpoints.0.host": 'fw_eu.example.com' is not a host name; expected letters, digits and hyphens in dot-separated labels, e.g. eu-fw.example.com`,
    ],
    [
      'a single label',
      withEndpoints(endpoint({ host: 'intranet' })),
      `"endpoints.0.host": 'intranet' is not a host name; expected letters, digits and hyphens in dot-separated labels, e.g. eu-fw.example.com`,
    ],
    [
      'a trailing dot',
      withEndpoints(endpoint({ host: 'fw.example.com.' })),
      `"endpoints.0.host": 'fw.example.com.' is not a host name; expected letters, digits and hyphens in dot-separated labels, e.g. eu-fw.example.com`,
    ],
    [
      'a host the catalogue has',
      withEndpoints(endpoint({ host: 'camapi.srv.ygles.com' })),
      `"endpoints.0.host": camapi.srv.ygles.com is in the catalogue 1.0.0 (cca, cdca-v2, cdca-v2-cca, meap-cca, backup): choose the agent that needs it instead; site endpoints are for hosts the catalogue does not have`,
    ],
    [
      'a host twice',
      withEndpoints(endpoint(), endpoint({ host: 'FW.canon-regional.example', ports: [8443] })),
      '"endpoints.1.host": fw.canon-regional.example is listed twice; give it once, with all its ports',
    ],
    ['port 0', withEndpoints(endpoint({ ports: [0] })), '"endpoints.0.ports": 0 is not a port; valid: 1 to 65535'],
    ['port 65536', withEndpoints(endpoint({ ports: [443, 65536] })), '"endpoints.0.ports": 65536 is not a port; valid: 1 to 65535'],
    ['a fractional port', withEndpoints(endpoint({ ports: [443.5] })), '"endpoints.0.ports": 443.5 is not a port; valid: 1 to 65535'],
    ['no ports', withEndpoints(endpoint({ ports: [] })), '"endpoints.0.ports" is empty; give the TCP ports, e.g. [443]'],
    ['seven ports', withEndpoints(endpoint({ ports: [1, 2, 3, 4, 5, 6, 7] })), '"endpoints.0.ports" lists 7 ports; at most 6'],
    ['a port twice', withEndpoints(endpoint({ ports: [443, 443] })), '"endpoints.0.ports" names a port twice'],
    [
      'udp',
      withEndpoints(endpoint({ protocol: 'udp' })),
      `"endpoints.0.protocol": 'udp' is not supported; valid: tcp (every flow is an outbound TCP connection: the check tries TCP and TLS, the rules allow tcp)`,
    ],
    [
      'an empty reason',
      withEndpoints(endpoint({ reason: '  ' })),
      '"endpoints.0.reason" is empty; say why the site needs it, e.g. "regional firmware server, per Canon NL"',
    ],
    ['a long reason', withEndpoints(endpoint({ reason: 'x'.repeat(61) })), '"endpoints.0.reason" is longer than 60 characters'],
    ['a long requester', withEndpoints(endpoint({ requestedBy: 'é'.repeat(41) })), '"endpoints.0.requestedBy" is longer than 40 characters'],
    [
      'no requester',
      withEndpoints({ host: 'fw.example.com', ports: [443], reason: 'x' }),
      '"endpoints.0.requestedBy": missing; a profile needs "format", "version" and "agents"',
    ],
    [
      'an unknown field in one',
      withEndpoints(endpoint({ colour: 'red' })),
      '"endpoints.0": unknown field "colour"; valid fields: host, ports, protocol, reason, requestedBy',
    ],
    ['ports as text', withEndpoints(endpoint({ ports: '443' })), '"endpoints.0.ports": expected a list'],
  ])('refuses %s in one line naming the field', (_what, d, message) => {
    expect(parseError(d)).toBe(message);
  });

  it('refuses more than 100 endpoints', () => {
    const many = Array.from({ length: 101 }, (_, i) => endpoint({ host: `h${i}.example.com` }));
    expect(parseError(doc({ endpoints: many }))).toBe('"endpoints" lists 101 hosts; at most 100');
  });

  it.each([['reason'], ['requestedBy'], ['host'], ['protocol']])('a hostile %s never reaches the message raw', (field) => {
    const m = parseError(withEndpoints(endpoint({ [field]: HOSTILE })));
    expect(m).toContain(`"endpoints.0.${field}"`);
    expect(m).not.toMatch(RAW_UNSAFE);
  });

  it('keeps hostile but printable text as it is: quotes, backslashes, markup and shell words are data', () => {
    const reason = `"); DROP -- <b>x</b> \\ $(reboot) 'q' || |`;
    const a = parseProfile(withEndpoints(endpoint({ reason, requestedBy: '</descr> & "Canon"' })), catalogue);
    expect(a.endpoints[0]).toMatchObject({ reason, requestedBy: '</descr> & "Canon"' });
    expect(parseProfile(JSON.parse(profileJson(a)), catalogue)).toEqual(a);
  });
});
