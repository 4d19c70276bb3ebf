// The pure parts of rendering: site option parsing, the rule set, escaping, the
// template guard, and the all-or-nothing file writer.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FieldError } from '../src/core/errors.js';
import { renderTarget } from '../src/commands/render.js';
import { type TemplateSet, assertSafeTemplate, createEngine, loadTemplateEngine } from '../src/core/render/engine.js';
import { templateModule } from '../src/core/render/precompile.js';
import { iptablesComment, nftComment, panosQuoted, xmlComment, xmlText } from '../src/core/render/escape.js';
import { defaultSite } from '../src/core/render/options.js';
import { panosName } from '../src/core/render/panos.js';
import { SET_TIMEOUT_MAX, parseSetTimeout, showSetTimeout } from '../src/core/render/options.js';
import { setNames } from '../src/core/render/words.js';
import { plan } from '../src/core/planner.js';
import { buildRules, portGroups } from '../src/core/rules.js';
import { firstNameserver, parseDnsServer, parseHostPort, parseLabel, parseSources } from '../src/core/site.js';
import { loadTemplates } from '../src/io/templates.js';
import { writeFilesAtomically } from '../src/io/write-files.js';
import { catalogue } from './helpers/catalogue.js';

const all = catalogue.agents.map((a) => a.id);
const IOT = 'a2etju7iem1tgc-ats.iot.eu-central-1.amazonaws.com';

describe('site options', () => {
  it('parses IPv4 and IPv6 sources, normalised and deduplicated', () => {
    expect(parseSources(' 10.1.2.0/24, 192.0.2.7 ,2001:0DB8:0::/48,10.1.2.0/24').map((s) => [s.cidr, s.family])).toEqual([
      ['10.1.2.0/24', 4],
      ['192.0.2.7/32', 4],
      ['2001:db8::/48', 6],
    ]);
  });
  it.each(['10.1.2', '0x0a.0.0.1', '1.2.3.4.5', 'fe80::1%eth0', '10.0.0.0/', '10.0.0.0/x', 'example.com', '::/129', '10.0.0.1/24'])('refuses source %j', (s) =>
    expect(() => parseSources(s)).toThrow(/--source/),
  );
  it('parses host:port for --proxy, IPv6 in brackets', () => {
    expect(parseHostPort('Proxy.Example.test:8080', '--proxy')).toEqual({ host: 'proxy.example.test', port: 8080, text: 'proxy.example.test:8080' });
    expect(parseHostPort('[2001:db8::1]:3128', '--proxy').text).toBe('[2001:db8::1]:3128');
    for (const bad of ['host', ':80', 'a b:80', 'h:0', 'h:65536', '[2001:db8::1]', '10.0.0.1:80:80', 'x_y:80', '1.2.3:80']) {
      expect(() => parseHostPort(bad, '--proxy'), bad).toThrow(/--proxy/);
    }
  });
  it('parses --dns-server as an address with an optional port', () => {
    expect(parseDnsServer('10.0.0.53')).toEqual({ address: '10.0.0.53', family: 4, port: 53 });
    expect(parseDnsServer('127.0.0.1:5353')).toEqual({ address: '127.0.0.1', family: 4, port: 5353 });
    expect(parseDnsServer('::1')).toEqual({ address: '::1', family: 6, port: 53 });
    expect(parseDnsServer('[::1]:5353')).toEqual({ address: '::1', family: 6, port: 5353 });
    expect(() => parseDnsServer('dns.example.test')).toThrow(/not an IP address/);
  });
  it('reads the first usable nameserver of resolv.conf', () => {
    expect(firstNameserver('# c\nsearch x\nnameserver fe80::1%eth0\nnameserver 10.0.0.2\n')).toEqual({ address: 'fe80::1', family: 6, port: 53 });
    expect(firstNameserver('nameserver bogus\nnameserver 10.0.0.2')).toEqual({ address: '10.0.0.2', family: 4, port: 53 });
    expect(firstNameserver('search example.test\n')).toBeNull();
  });
  it("reads the set timeout as seconds or with a unit, within ipset's range; none or 0 never expires", () => {
    for (const [text, seconds] of [
      ['1d', 86400],
      [' 12H ', 43200],
      ['90m', 5400],
      ['45s', 45],
      ['2', 2],
      [String(SET_TIMEOUT_MAX), 2147483],
      ['none', null],
      ['0', null],
    ] as const) {
      expect(parseSetTimeout(text, 'T'), text).toBe(seconds);
    }
    for (const bad of ['1', '2147484', '25d', '1w', '-5', '1.5h', '', 'h', '1 d', '99999999999']) {
      expect(() => parseSetTimeout(bad, 'T'), bad).toThrow(/^T: '.*' is not valid; valid: 2s to 2147483s /);
    }
    // The shortest exact form, as a profile keeps it; it reads back to the same value.
    for (const seconds of [86400, 43200, 5400, 45, 2147483, null]) expect(parseSetTimeout(showSetTimeout(seconds), 'T')).toBe(seconds);
    expect([86400, 5400, 90, null].map(showSetTimeout)).toEqual(['1d', '90m', '90s', 'none']);
  });
  it('keeps a site label printable and on one line', () => {
    expect(parseLabel('  ACME "HQ" </descr>  ')).toBe('ACME "HQ" </descr>');
    for (const bad of ['', 'a\nb', 'a\rb', 'tab\there', 'bidi\u202e', 'x'.repeat(81)]) expect(() => parseLabel(bad), JSON.stringify(bad)).toThrow(/--site/);
  });
});

describe('rule set', () => {
  const p = plan(catalogue, { agents: all, options: ['cca-activation'] });
  it('exact mode: one rule per planned flow, same hosts and ports', () => {
    const r = buildRules(catalogue, p, { mode: 'exact', iotPort: 'both' });
    expect(r.rules.map((x) => `${x.name}:${x.port}`)).toEqual(p.flows.map((f) => `${f.host}:${f.port}`));
    expect(r.warnings).toEqual([]);
  });
  it('--iot-port keeps only the chosen port for the IoT endpoint', () => {
    const only443 = buildRules(catalogue, p, { mode: 'exact', iotPort: '443' });
    expect(only443.rules.filter((x) => x.name === IOT).map((x) => x.port)).toEqual([443]);
    const only8883 = buildRules(catalogue, plan(catalogue, { agents: ['cca', 'backup'] }), { mode: 'exact', iotPort: '8883' });
    expect(only8883.rules.filter((x) => x.name === IOT).map((x) => x.port)).toEqual([8883]);
    // Other hosts keep their ports.
    expect(only443.rules.length).toBe(p.flows.length - 1);
  });
  it('an IoT port of 8883 is refused when a chosen agent reaches the IoT host on 443 only: a field error the caller words', () => {
    let err: unknown;
    try {
      buildRules(catalogue, p, { mode: 'exact', iotPort: '8883' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FieldError);
    expect((err as FieldError).field).toBe('iotPort');
    expect((err as FieldError).reason).toBe(
      `8883: cdca-v2-cca, meap-cca reach ${IOT} on port 443 only (Canon's document gives no other port for them); valid here: 443, both`,
    );
    // The core names no flag: the CLI adds --iot-port, the app "IoT port".
    expect((err as FieldError).message).not.toContain('--');
  });
  it('wildcard mode: wildcards where they cover, the uncovered host by name, with warnings', () => {
    const r = buildRules(catalogue, p, { mode: 'wildcard', iotPort: 'both' });
    expect(r.destinations.map((d) => d.name)).toEqual(['*.amazonaws.com', IOT, 'gdlp01.c-wss.com', '*.srv.ygles.com', '*.c-cdsknn.net', '*.ugwdevice.net']);
    // The wildcards are for HTTPS only: 8883 stays with the IoT endpoint, never all of AWS.
    const aws = r.destinations.find((d) => d.name === '*.amazonaws.com');
    expect(aws?.ports).toEqual([443]);
    expect(aws?.hosts).toHaveLength(3);
    expect(r.destinations.find((d) => d.name === IOT)?.ports).toEqual([8883]);
    expect(r.rules.filter((x) => x.kind === 'wildcard').every((x) => x.port === 443)).toBe(true);
    expect(r.warnings.find((w) => w.startsWith('*.amazonaws.com'))).toMatch(/data-exfiltration/);
    expect(r.warnings).toContain('gdlp01.c-wss.com: no vendor wildcard covers it; allowed by its exact name');
  });
  it('port groups pair names with exactly the ports they need', () => {
    const groups = portGroups(buildRules(catalogue, p, { mode: 'exact', iotPort: 'both' }));
    expect(groups.map((g) => g.ports)).toEqual([[443], [443, 8883]]);
    expect(groups[1]?.destinations.map((d) => d.name)).toEqual([IOT]);
  });
});

describe('escaping', () => {
  it('XML text and comments', () => {
    expect(xmlText(`<a href="x">&'`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;');
    expect(() => xmlText('bell\u0007')).toThrow(/XML cannot hold/);
    expect(xmlComment('a -- b --> c-')).toBe('a - - b - -> c- ');
    expect(xmlComment('a---b')).not.toMatch(/--/);
  });
  it('iptables comments: quoted, escaped, cut to 255 bytes on a character boundary', () => {
    expect(iptablesComment('say "hi" \\o/')).toBe('"say \\"hi\\" \\\\o/"');
    const long = iptablesComment('é'.repeat(200));
    expect(Buffer.byteLength(long.slice(1, -1))).toBe(254);
    expect(() => iptablesComment('a\nb')).toThrow();
  });
  it('nft comments: no double quotes, at most 128 bytes', () => {
    expect(() => nftComment('a "b"')).toThrow(/nft cannot quote/);
    expect(Buffer.byteLength(nftComment('x'.repeat(300)))).toBe(130);
  });
  it('PAN-OS values: double quotes, single quotes when needed, refused when both', () => {
    expect(panosQuoted('plain text')).toBe('"plain text"');
    expect(panosQuoted('say "hi"')).toBe(`'say "hi"'`);
    expect(() => panosQuoted(`it's "x"`)).toThrow(/both/);
  });
});

describe('names', () => {
  it('set names are unique, short and readable', () => {
    const p = plan(catalogue, { agents: all, options: ['cca-activation'] });
    for (const [prefix, sep, max] of [
      ['em4-', '-', 31],
      ['emaint_v6_', '_', 52],
    ] as const) {
      const names = setNames(p.hosts, prefix, sep, max);
      expect(new Set(names).size).toBe(p.hosts.length);
      for (const n of names) {
        expect(n.length).toBeLessThanOrEqual(max);
        expect(n.endsWith(sep)).toBe(false);
      }
    }
  });
  it('PAN-OS names stay within 63 characters and unique', () => {
    const a = panosName(`emaint-${'a'.repeat(80)}.example.test`);
    const b = panosName(`emaint-${'a'.repeat(80)}.example.tests`);
    expect(a.length).toBeLessThanOrEqual(63);
    expect(a).not.toBe(b);
    expect(panosName('emaint-host.example.test')).toBe('emaint-host_example_test');
  });
});

describe('template guard', () => {
  const escapers = new Set(['xml']);
  beforeAll(() => loadTemplateEngine());
  it('accepts printing through an escaper with triple-stash', () => {
    expect(() => assertSafeTemplate('t', '{{#each xs}}<a>{{{xml this}}}</a>{{/each}}', escapers)).not.toThrow();
  });
  it.each([
    ['{{name}}', /line 1: \{\{name\}\} uses HTML escaping/],
    ['{{{name}}}', /must call exactly one escaper with one value/],
    ['{{{xml a b}}}', /must call exactly one escaper/],
    ['{{{xml a=b}}}', /must call exactly one escaper/],
    ['{{{@root.x y}}}', /must call exactly one escaper/],
    ['{{> partial}}', /PartialStatement is not allowed/],
    ['{{#with x}}{{/with}}', /block helper #with is not allowed/],
    ['{{{xml (lookup a b)}}}', /sub-expressions/],
    // handlebars' own helpers print their result raw: only the engine's escapers may print.
    ['\n\n{{{lookup a}}}', /line 3: \{\{\{lookup \.\.\.\}\}\} is not one of its escapers: xml/],
    ['{{{log a}}}', /log .* is not one of its escapers/],
  ])('refuses %j', (source, message) => {
    expect(() => assertSafeTemplate('t', source, escapers)).toThrow(message);
  });
  it('an engine refuses an unsafe template before rendering anything', () => {
    const engine = createEngine('t', { 'x.hbs': 'ok {{value}}' }, { xml: xmlText });
    expect(() => engine.render('x.hbs', { value: '<b>' })).toThrow(/HTML escaping/);
  });
  it('a misspelt field is an error, not an empty string', () => {
    const engine = createEngine('t', { 'x.hbs': '{{{xml vaule}}}' }, { xml: xmlText });
    expect(() => engine.render('x.hbs', { value: 'v' })).toThrow(/expected text, got undefined/);
  });
  it('a template name that is not one of the set is missing, also "constructor"', () => {
    const engine = createEngine('t', { 'x.hbs': '{{{xml value}}}' }, { xml: xmlText });
    expect(() => engine.render('constructor', {})).toThrow('template t/constructor is missing');
  });
});

describe('templates compiled at build time', () => {
  beforeAll(() => loadTemplateEngine());
  /** What .ci/build/templates.mjs writes for one template, loaded as the bundle would. */
  async function compiled(source: string): Promise<TemplateSet> {
    const code = templateModule('t', { 'x.hbs': source });
    return ((await import(`data:text/javascript,${encodeURIComponent(code)}`)) as { default: TemplateSet }).default;
  }

  it('render as the same template given as source does', async () => {
    const source = '{{#each xs}}<a n="{{{xml this}}}"/>{{else}}none{{/each}}{{#if y}}{{{xml y}}}{{/if}}';
    const escapers = { xml: xmlText };
    const data = { xs: ['a&b', '<c>'], y: '"q"' };
    const fromSource = createEngine('t', { 'x.hbs': source }, escapers).render('x.hbs', data);
    expect(createEngine('t', await compiled(source), escapers).render('x.hbs', data)).toBe(fromSource);
    expect(fromSource).toBe('<a n="a&amp;b"/><a n="&lt;c&gt;"/>&quot;q&quot;');
  });

  it('are checked against the engine that runs them: a helper that is not its escaper is refused', async () => {
    // The shape is fine at build time; the engine below has no `descr`.
    const set = await compiled('<a>\n{{{descr value}}}</a>');
    const engine = createEngine('t', set, { xml: xmlText });
    expect(() => engine.render('x.hbs', { value: '<b>' })).toThrow('template t/x.hbs, line 2: {{{descr ...}}} is not one of its escapers: xml');
  });

  it('stay strict: a misspelt field is an error', async () => {
    const engine = createEngine('t', await compiled('{{{xml vaule}}}'), { xml: xmlText });
    expect(() => engine.render('x.hbs', { value: 'v' })).toThrow(/expected text, got undefined/);
  });

  it.each([
    ['{{name}}', /uses HTML escaping/],
    ['{{> partial}}', /PartialStatement is not allowed/],
  ])('an unsafe shape fails the build: %s', (source, message) => {
    expect(() => templateModule('t', { 'x.hbs': source })).toThrow(message);
  });

  it.each(['__proto__', 'x".hbs', 'X.hbs', '.hbs'])('a file name that is not a plain key fails the build: %j', (name) => {
    expect(() => templateModule('t', Object.fromEntries([[name, '{{{xml a}}}']]))).toThrow(/lower-case letters, digits, dots and dashes, ending \.hbs/);
  });
});

describe('renderTarget', () => {
  it('looks hosts up only for targets that use addresses', async () => {
    const asked: string[] = [];
    const services = {
      templates: loadTemplates,
      resolveHosts: (hosts: readonly string[]) => {
        asked.push(...hosts);
        return Promise.resolve({ server: '127.0.0.1:53', at: '2026-11-21T09:00:00.000Z', hosts: new Map() });
      },
    };
    // Every option at its default: a new target's option needs no change here.
    const site = defaultSite({ sources: [], label: null });
    const req = {
      agents: ['rdms'],
      options: [],
      mode: 'exact' as const,
      iotPort: 'both' as const,
      site,
      resolve: { address: '127.0.0.1', family: 4 as const, port: 53 },
      meta: { tool: 't', toolVersion: '0', generatedAt: '2026-11-21T09:00:00.000Z' },
    };
    await renderTarget({ ...req, target: 'pfsense' }, catalogue, services);
    expect(asked).toEqual([]);
    await renderTarget({ ...req, target: 'nftables' }, catalogue, services);
    expect(asked).toEqual(['a02.c-cdsknn.net', 'device.c-cdsknn.net', 'device02.c-cdsknn.net']);
  });

  // A resolver may answer with hundreds of addresses for a name: every line of the files still
  // stays within the 1024 bytes the README promises, with every address in its set.
  it('a lookup with 250 addresses per family: every line within 1024 bytes, every address written', async () => {
    const v4 = Array.from({ length: 250 }, (_, i) => `198.18.0.${i + 1}`);
    const v6 = Array.from({ length: 250 }, (_, i) => `2001:db8:ffff:ffff:ffff:ffff:ffff:${(i + 0xf000).toString(16)}`);
    const answer = {
      addresses: [...v4.map((address) => ({ address, family: 4 as const, ttl: 60 })), ...v6.map((address) => ({ address, family: 6 as const, ttl: 60 }))],
      error: null,
      failed: [],
      special: [],
      sinkhole: [],
    };
    const services = {
      templates: loadTemplates,
      resolveHosts: (hosts: readonly string[]) =>
        Promise.resolve({ server: '127.0.0.1:53', at: '2026-11-21T09:00:00.000Z', hosts: new Map(hosts.map((h) => [h, answer])) }),
    };
    const req = {
      agents: ['rdms'],
      options: [],
      mode: 'exact' as const,
      iotPort: 'both' as const,
      site: defaultSite({ sources: [], label: null }),
      resolve: { address: '127.0.0.1', family: 4 as const, port: 53 },
      meta: { tool: 't', toolVersion: '0', generatedAt: '2026-11-21T09:00:00.000Z' },
    };
    for (const target of ['iptables', 'nftables'] as const) {
      const out = await renderTarget({ ...req, target }, catalogue, services);
      for (const f of out.files) {
        for (const line of f.content.split('\n')) expect(Buffer.byteLength(line), `${target} ${f.name}: ${line.slice(0, 60)}`).toBeLessThanOrEqual(1024);
      }
      const all = out.files.map((f) => f.content).join('\n');
      for (const a of [...v4, ...v6]) expect(all, `${target}: ${a}`).toMatch(new RegExp(`[ {]${a.replace(/\./g, '\\.')}[ ,\\n]`));
    }
  });
});

describe('writing files', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  it('leaves nothing behind when a later file fails', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ee-write-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'blocker'), 'a file where a folder would go');
    expect(() =>
      writeFilesAtomically(
        dir,
        [
          { name: 'first.txt', content: 'one' },
          { name: 'sub/second.txt', content: 'two' },
          { name: 'blocker/third.txt', content: 'three' },
        ],
        false,
      ),
    ).toThrow();
    // Neither the first file, nor its temporary file, nor the subfolder made for the second.
    expect(readdirSync(dir)).toEqual(['blocker']);
  });

  it('writes into subfolders it makes (the app writes one per target)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ee-write-'));
    dirs.push(dir);
    const paths = writeFilesAtomically(
      dir,
      [
        { name: 'pfsense/a.xml', content: 'one' },
        { name: 'iptables/b.rules', content: 'two' },
      ],
      false,
    );
    expect(paths).toEqual([join(dir, 'pfsense/a.xml'), join(dir, 'iptables/b.rules')]);
    expect(readFileSync(join(dir, 'iptables/b.rules'), 'utf8')).toBe('two');
    expect(readdirSync(join(dir, 'pfsense'))).toEqual(['a.xml']);
  });
});
