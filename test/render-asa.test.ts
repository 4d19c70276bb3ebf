// The asa target read back by a small ASA CLI reader (test/helpers/asa.ts), which throws on
// what the ASA refuses (a reference before its definition, a name or remark over the limits,
// a nested IPv6 group, a line number past the end) and walks the access list as the ASA
// does. Least privilege: the list permits exactly the planned (host, port) flows, per
// address family, from exactly the given sources, and nothing else.
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { type Plan, plan } from '../src/core/planner.js';
import { type AsaConfig, type Family, evaluate, expand, permittedFlows, readAsa } from './helpers/asa.js';
import { catalogue } from './helpers/catalogue.js';
import { cli } from './helpers/cli.js';
import { type IotPort, type PlanVariant, describeRenderMatrix, keptFlows } from './helpers/render-variants.js';

const SOURCES: { label: string; flag: string | null; cidrs: string[] }[] = [
  { label: 'no --source', flag: null, cidrs: [] },
  { label: 'IPv4 sources', flag: '10.20.0.0/24,10.9.9.9', cidrs: ['10.20.0.0/24', '10.9.9.9/32'] },
  { label: 'IPv6 sources', flag: '2001:db8:20::/64,2001:db8:30::5', cidrs: ['2001:db8:20::/64', '2001:db8:30::5/128'] },
  { label: 'IPv4 + IPv6 sources', flag: '10.20.0.0/24,2001:db8:20::/64', cidrs: ['10.20.0.0/24', '2001:db8:20::/64'] },
];
const ACL = 'emaint-egress';
const IOT_HOST = 'a2etju7iem1tgc-ats.iot.eu-central-1.amazonaws.com';

const familyOf = (cidr: string): Family => (cidr.includes(':') ? 6 : 4);
/** The families the rules must cover: the sources', or both when any source may connect. */
const familiesOf = (cidrs: readonly string[]): Family[] =>
  cidrs.length === 0 ? [4, 6] : ([4, 6] as const).filter((f) => cidrs.some((c) => familyOf(c) === f));

/** An address inside a source network (its first host). */
function inside(cidr: string): string {
  const [net, prefix] = ipaddr.parseCIDR(cidr);
  if (prefix === (net.kind() === 'ipv4' ? 32 : 128)) return net.toString();
  const bytes = net.toByteArray();
  bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) + 1;
  return ipaddr.fromByteArray(bytes).toString();
}
const OUTSIDE: Record<Family, string> = { 4: '192.0.2.77', 6: '2001:db8:ffff::77' };

function argv(pv: PlanVariant, mode: string, iot: IotPort | null, source: string | null, ...extra: string[]): string[] {
  const a = ['render', '--agents', pv.agentsFlag, ...pv.options.map((o) => `--${o}`), '--target', 'asa', '--mode', mode, ...extra];
  if (iot !== null) a.push('--iot-port', iot);
  if (source !== null) a.push('--source', source);
  return a;
}

async function render(...args: string[]): Promise<{ text: string; stderr: string; config: AsaConfig }> {
  const r = await cli(...args);
  expect(r.code, r.stderr).toBe(0);
  return { text: r.stdout, stderr: r.stderr, config: readAsa(r.stdout) };
}

/** Every check of one rendering against the plan; the reader has already enforced the ASA's rules. */
function checkAgainstPlan(config: AsaConfig, p: Plan, iot: IotPort, cidrs: readonly string[]): void {
  const kept = keptFlows(p, iot) ?? [];
  const families = familiesOf(cidrs);
  const want = new Set(kept.flatMap((f) => families.map((fam) => `${fam}|${f.host}|${f.port}`)));
  expect(permittedFlows(config, ACL)).toEqual(want);

  const aces = (config.acls.get(ACL) ?? []).filter((e) => e.kind === 'ace');
  for (const e of aces) {
    expect(e.action).toBe('permit');
    expect(e.log, 'every entry logs its hits').toBe(true);
    const src = expand(config, e.source);
    const dstFamilies = new Set(expand(config, e.destination).fqdns.map((o) => o.family));
    // One family per entry: its source and its FQDN objects agree.
    expect(dstFamilies.size).toBe(1);
    const family = [...dstFamilies][0] as Family;
    if (cidrs.length === 0) expect(src.any).toEqual([family]);
    else expect(src.networks.map((n) => n.cidr).sort()).toEqual(cidrs.filter((c) => familyOf(c) === family).sort());
  }
  // Every entry has its remarks just above it, naming the ports and the agents.
  const list = config.acls.get(ACL) ?? [];
  list.forEach((e, i) => {
    if (e.kind !== 'ace') return;
    const above = list[i - 1];
    expect(above?.kind, 'a remark above each entry').toBe('remark');
  });

  // The access list as the ASA walks it: planned flows from every source pass ...
  const from = cidrs.length === 0 ? families.map((f) => OUTSIDE[f]) : cidrs.map(inside);
  for (const address of from) {
    const family = familyOf(address);
    for (const f of kept) expect(evaluate(config, ACL, { from: address, family, host: f.host, port: f.port }), `${address} ${f.host}:${f.port}`).toBe('permit');
    // ... an unplanned host, an unplanned port, and 8883 anywhere but the IoT endpoint do not.
    expect(evaluate(config, ACL, { from: address, family, host: 'example.org', port: 443 })).toBe('deny');
    for (const host of p.hosts) {
      expect(evaluate(config, ACL, { from: address, family, host, port: 80 })).toBe('deny');
      if (host !== IOT_HOST) expect(evaluate(config, ACL, { from: address, family, host, port: 8883 }), host).toBe('deny');
    }
  }
  // Another network of a source family, and a family without sources, get nothing.
  for (const family of [4, 6] as const) {
    if (cidrs.length === 0) continue;
    for (const f of kept) expect(evaluate(config, ACL, { from: OUTSIDE[family], family, host: f.host, port: f.port })).toBe('deny');
  }
}

describe('render --target asa', () => {
  describeRenderMatrix({
    argv,
    sources: SOURCES,
    claim: 'exactly the planned flows, per family, from the sources',
    body: async ({ pv, p, iot, kept, mode, src }) => {
      const { text, stderr, config } = await render(...argv(pv, mode, iot, src.flag));
      checkAgainstPlan(config, p, iot, src.cidrs);
      // One FQDN object per planned host and needed family, each with its family named.
      const families = familiesOf(src.cidrs);
      const objects = [...config.objects.values()];
      expect(objects.every((o) => o.family !== null)).toBe(true);
      expect(objects.map((o) => `${o.family}|${o.fqdn}`).sort()).toEqual(
        [...new Set(kept.map((f) => f.host))].flatMap((h) => families.map((f) => `${f}|${h}`)).sort(),
      );
      const commands = text.split('\n').filter((l) => !l.startsWith('!'));
      expect(commands.join('\n')).not.toContain('*');
      if (mode === 'wildcard') {
        expect(stderr).toMatch(/^warning: ASA FQDN objects take no \* wildcards; the ASA rules use the exact host names$/m);
        expect(text).toContain('! wildcard mode asked, but ASA FQDN objects take no * wildcards: exact host names used');
      } else {
        expect(stderr).not.toMatch(/wildcards/);
      }
    },
  });

  it('the IoT endpoint gets only the chosen port, and 8883 goes to it alone', async () => {
    const p = plan(catalogue, { agents: ['cca'] });
    for (const iot of ['443', '8883'] as const) {
      const { config } = await render('render', '--agents', 'cca', '--target', 'asa', '--iot-port', iot, '--source', '10.20.0.0/24');
      expect([...permittedFlows(config, ACL)].filter((x) => x.includes(IOT_HOST))).toEqual([`4|${IOT_HOST}|${iot}`]);
      checkAgainstPlan(config, p, iot, ['10.20.0.0/24']);
    }
  });

  it('takes the access list name and the nameif, and binds the list only in a comment', async () => {
    const { text, config } = await render('render', '--agents', 'rdms', '--target', 'asa', '--acl-name', 'inside_access_in', '--nameif', 'lan-1');
    expect([...config.acls.keys()]).toEqual(['inside_access_in']);
    expect(config.accessGroups).toEqual(['inside_access_in|in|lan-1']);
    expect(text).toMatch(/^! access-group inside_access_in in interface lan-1$/m);
    expect(text).toMatch(/^! {3}dns domain-lookup lan-1$/m);
    expect(text.split('\n').filter((l) => /^access-group/.test(l))).toEqual([]);
    // The entries are inserted from line 1 on, in order, so a deny below cannot hide them.
    const numbers = [...text.matchAll(/^access-list inside_access_in line (\d+) /gm)].map((m) => Number(m[1]));
    expect(numbers).toEqual(numbers.map((_, i) => i + 1));
  });

  it('the defaults are access list emaint-egress on interface inside', async () => {
    const { config } = await render('render', '--agents', 'rdms', '--target', 'asa');
    expect(config.accessGroups).toEqual(['emaint-egress|in|inside']);
  });

  it('refuses a bad access list name or nameif with one line naming the valid characters', async () => {
    for (const [flag, value, valid] of [
      ['--acl-name', '1st-list', 'a letter, then letters, digits, . _ -'],
      ['--acl-name', `a${'b'.repeat(64)}`, '64 at most'],
      ['--nameif', 'in side', 'a letter, then letters, digits, . _ -'],
      ['--nameif', `i${'n'.repeat(48)}`, '48 at most'],
    ] as const) {
      const r = await cli('render', '--agents', 'rdms', '--target', 'asa', flag, value);
      expect(r.code, `${flag} ${value}`).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(`${flag}: `);
      expect(r.stderr).toContain(valid);
    }
  });

  it('a long site name stays within the 100 characters of a remark, spread over several, whole', async () => {
    const site = `ACME ${'Utrecht '.repeat(9)}`.slice(0, 80).trim();
    const { config } = await render('render', '--agents', 'all', '--cca-activation', '--target', 'asa', '--site', site);
    const list = config.acls.get(ACL) ?? [];
    let remarks: string[] = [];
    for (const e of list) {
      if (e.kind === 'remark') remarks.push(e.text);
      else {
        expect(remarks.length).toBeGreaterThan(1);
        expect(remarks.join(' ')).toContain(site);
        remarks = [];
      }
    }
  });

  it("refuses a site name with '?' (the ASA CLI's help key) or outside printable ASCII, naming the platform", async () => {
    for (const [site, why] of [
      ['ACME HQ?', "holds '?', which opens the ASA CLI's help when pasted"],
      ['Zürich', 'holds U+00FC; this target writes printable ASCII only'],
    ] as const) {
      const r = await cli('render', '--agents', 'rdms', '--target', 'asa', '--site', site);
      expect(r.code, site).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`emaint-egress render: ASA: site name '${site}' ${why}\n`);
    }
  });

  it('quotes, backslashes and shell text in the site name are carried as remark text', async () => {
    const site = `O'Brien "HQ" \\ $(reboot) ; !x`;
    const { config } = await render('render', '--agents', 'rdms', '--target', 'asa', '--site', site);
    const remarks = (config.acls.get(ACL) ?? []).filter((e) => e.kind === 'remark').map((e) => (e.kind === 'remark' ? e.text : ''));
    expect(remarks.join(' ')).toContain(site);
  });
});

// The reader must catch broken output, or the tests above prove nothing.
describe('the ASA reader catches what the ASA would refuse', () => {
  const base = async () => (await cli('render', '--agents', 'all', '--cca-activation', '--target', 'asa', '--source', '10.20.0.0/24,2001:db8:20::/64')).stdout;

  it('accepts the real output', async () => {
    expect(readAsa(await base()).acls.get(ACL)?.length).toBeGreaterThan(0);
  });

  it('an entry before the groups it names', async () => {
    const text = await base();
    const ace = (text.split('\n').find((l) => l.includes(' extended permit ')) ?? '').replace(/ line \d+ /, ' ');
    expect(() => readAsa(`${ace}\n${text}`)).toThrow(/no network group defined above/);
  });

  it('a group member before its object, and an object defined twice', async () => {
    const text = await base();
    expect(() => readAsa(`object-group network early\n network-object object emaint-v4-gdlp01.c-wss.com\n${text}`)).toThrow(/no such object defined above/);
    expect(() => readAsa(`${text}object network emaint-src-v4\n fqdn v4 example.org\n`)).toThrow(/defined twice/);
  });

  it('a remark over 100 characters, a name over 64, a line number past the end', async () => {
    const text = await base();
    expect(() => readAsa(`${text}access-list ${ACL} remark ${'x'.repeat(101)}\n`)).toThrow(/remark longer than 100/);
    expect(() => readAsa(`${text}object network ${'n'.repeat(65)}\n fqdn v4 example.org\n`)).toThrow(/not an ASA object name/);
    expect(() => readAsa(text.replace(`access-list ${ACL} line 3 `, `access-list ${ACL} line 30 `))).toThrow(/line 30: emaint-egress has only 2 lines/);
  });

  it("a nested group with IPv6 entries, a '?', a wildcard FQDN", async () => {
    const text = await base();
    expect(() => readAsa(`${text}object-group network nest6\n network-object 2001:db8:99::/64\n group-object emaint-src-v6\n`)).toThrow(
      /IPv6 entries in a nested network group/,
    );
    expect(() => readAsa(`${text}access-list ${ACL} remark why?\n`)).toThrow(/opens the ASA CLI's help/);
    expect(() => readAsa(`object network w\n fqdn v4 *.srv.ygles.com\n`)).toThrow(/takes no wildcard/);
  });

  it('an extra port on the 443 group is an extra flow; a dropped member a missing one', async () => {
    const text = await base();
    const wider = readAsa(text.replace(' port-object eq 443\n', ' port-object eq 443\n port-object eq 8883\n'));
    expect([...permittedFlows(wider, ACL)]).toContain('4|gdlp01.c-wss.com|8883');
    const narrower = readAsa(text.replace(' network-object object emaint-v4-gdlp01.c-wss.com\n', ''));
    expect([...permittedFlows(narrower, ACL)]).not.toContain('4|gdlp01.c-wss.com|443');
    expect(evaluate(narrower, ACL, { from: '10.20.0.1', family: 4, host: 'gdlp01.c-wss.com', port: 443 })).toBe('deny');
  });
});
