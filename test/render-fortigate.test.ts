// The fortigate target read back by a small FortiOS script reader (test/helpers/fortios.ts):
// well-formed blocks, objects defined before use, names within FortiOS's limits, and
// exactly the planned flows: each policy's group members on its service's ports.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { plan } from '../src/core/planner.js';
import { catalogue } from './helpers/catalogue.js';
import { cli } from './helpers/cli.js';
import { type FortiObject, readFortiOs } from './helpers/fortios.js';
import { tempDirs } from './helpers/tmp.js';

const tmp = tempDirs('ee-fortigate-');

/** FortiOS's limits on what the script names (the CLI reference's "Maximum length"): a
 *  policy's name 35 characters; addresses, groups and services 79 (the script keeps to 63). */
const POLICY_NAME_MAX = 35;

async function script(...args: string[]): Promise<{ text: string; objects: FortiObject[] }> {
  const r = await cli('render', '--target', 'fortigate', ...args);
  expect(r.code, r.stderr).toBe(0);
  return { text: r.stdout, objects: readFortiOs(r.stdout) };
}

/** host|port pairs the policies allow (wildcards as *.domain|443), per family. */
function allowed(objects: readonly FortiObject[], family: 4 | 6 = 4): Set<string> {
  const [grp, addr, src, dst] = family === 4 ? ['addrgrp', 'address', 'srcaddr', 'dstaddr'] : ['addrgrp6', 'address6', 'srcaddr6', 'dstaddr6'];
  const byName = new Map(objects.map((o) => [`${o.table}|${o.name}`, o]));
  const out = new Set<string>();
  for (const p of objects.filter((o) => o.table === 'firewall policy' && o.props.has(dst))) {
    // FortiOS wants the families apart: a policy's source and destination are the same family.
    expect(p.props.has(family === 4 ? 'dstaddr6' : 'dstaddr'), p.name).toBe(false);
    const srcName = p.props.get(src)?.[0];
    if (srcName !== 'all') expect(byName.get(`firewall ${grp}|${srcName}`), `${p.name} ${src}`).toBeDefined();
    const group = byName.get(`firewall ${grp}|${p.props.get(dst)?.[0]}`);
    const service = byName.get(`firewall service custom|${p.props.get('service')?.[0]}`);
    expect(group, 'the policy names a group defined above it').toBeDefined();
    expect(service).toBeDefined();
    // Defined before use: the group and the service come before the policy in the script.
    expect(objects.indexOf(group as FortiObject)).toBeLessThan(objects.indexOf(p));
    expect(objects.indexOf(service as FortiObject)).toBeLessThan(objects.indexOf(p));
    for (const m of group?.props.get('member') ?? []) {
      const a = byName.get(`firewall ${addr}|${m}`);
      expect(a, `member ${m} is an ${addr}`).toBeDefined();
      expect(objects.indexOf(a as FortiObject)).toBeLessThan(objects.indexOf(group as FortiObject));
      const pattern = a?.props.get('fqdn')?.[0] ?? a?.props.get('wildcard-fqdn')?.[0];
      for (const port of service?.props.get('tcp-portrange') ?? []) out.add(`${pattern}|${port}`);
    }
    expect(p.props.get('action')).toEqual(['accept']);
    expect(p.props.get('schedule')).toEqual(['always']);
    expect(p.props.get('logtraffic')).toEqual(['all']);
  }
  return out;
}

describe('render --target fortigate', () => {
  it('allows exactly the planned flows, with names within 63 characters and comments within 255', async () => {
    const p = plan(catalogue, { agents: catalogue.agents.map((a) => a.id), options: ['cca-activation'] });
    const { objects } = await script('--agents', 'all', '--cca-activation', '--source', '10.20.0.0/24');
    expect(allowed(objects)).toEqual(new Set(p.flows.map((f) => `${f.host}|${f.port}`)));
    for (const o of objects.filter((x) => x.table !== 'firewall policy')) expect(o.name.length, o.name).toBeLessThanOrEqual(63);
    for (const o of objects) for (const c of [...(o.props.get('comment') ?? []), ...(o.props.get('comments') ?? [])]) expect(c.length).toBeLessThanOrEqual(255);
    const policy = objects.find((o) => o.table === 'firewall policy');
    expect(policy?.props.get('srcaddr')).toEqual(['emaint-sources']);
    expect(policy?.props.get('srcintf')).toEqual(['any']);
  });

  it('wildcard mode: wildcard-fqdn addresses on 443, the IoT endpoint by name on 8883, and the exemption lines', async () => {
    const { text, objects } = await script('--agents', 'cca', '--mode', 'wildcard', '--srcintf', 'internal', '--dstintf', 'wan1');
    const pairs = allowed(objects);
    expect(pairs).toContain('*.amazonaws.com|443');
    expect(pairs).toContain('a2etju7iem1tgc-ats.iot.eu-central-1.amazonaws.com|8883');
    expect([...pairs].filter((x) => x.endsWith('|8883'))).toEqual(['a2etju7iem1tgc-ats.iot.eu-central-1.amazonaws.com|8883']);
    expect(objects.find((o) => o.table === 'firewall policy')?.props.get('dstintf')).toEqual(['wan1']);
    expect(text).toContain('#                   set address "emaint-a2etju7iem1tgc-ats.iot.eu-central-1.amazonaws.com"');
    expect(objects.some((o) => o.name === 'emaint-a2etju7iem1tgc-ats.iot.eu-central-1.amazonaws.com')).toBe(true);
  });

  // A site endpoint's ports name its policy: six five-digit ports (the most a profile takes),
  // or four of four digits, in both families, still give names FortiOS takes, and distinct ones.
  it('site endpoints with many ports: every policy name within 35 characters, every name unique', async () => {
    const file = join(tmp(), 'site.json');
    const endpoints = [
      { host: 'fw.canon-regional.example', ports: [65530, 65531, 65532, 65533, 65534, 65535], reason: 'r', requestedBy: 'w' },
      { host: 'diag.canon-regional.example', ports: [8080, 8443, 9443, 10443], reason: 'r', requestedBy: 'w' },
      { host: 'logs.canon-regional.example', ports: [8080, 8443, 9443, 10444], reason: 'r', requestedBy: 'w' },
    ];
    writeFileSync(file, JSON.stringify({ format: 'emaint-egress-profile', version: 1, agents: ['cca'], endpoints }));
    const { objects } = await script('--profile', file, '--source', '10.20.0.0/24,2001:db8:20::/48');
    const policies = objects.filter((o) => o.table === 'firewall policy').map((o) => o.props.get('name')?.[0] ?? '');
    expect(policies).toHaveLength(2 * 5);
    for (const n of policies) expect(n.length, n).toBeLessThanOrEqual(POLICY_NAME_MAX);
    expect(new Set(policies).size).toBe(policies.length);
    for (const o of objects.filter((x) => x.table !== 'firewall policy')) expect(o.name.length, o.name).toBeLessThanOrEqual(63);
  });

  it('500 sources go in parts (set, then append member)', async () => {
    const sources = Array.from({ length: 500 }, (_, i) => `10.${Math.floor(i / 200)}.${i % 200}.0/24`).join(',');
    const { text, objects } = await script('--agents', 'rdms', '--source', sources);
    expect(objects.find((o) => o.name === 'emaint-sources')?.props.get('member')).toHaveLength(500);
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(1024);
  });

  it('IPv6 sources: address6 fqdn objects, addrgrp6 groups and srcaddr6/dstaddr6 policies for exactly the planned flows', async () => {
    const p = plan(catalogue, { agents: catalogue.agents.map((a) => a.id), options: ['cca-activation'] });
    const planned = new Set(p.flows.map((f) => `${f.host}|${f.port}`));
    const { objects } = await script('--agents', 'all', '--cca-activation', '--source', '10.20.0.0/24,2001:db8:20::/48');
    expect(allowed(objects, 4)).toEqual(planned);
    expect(allowed(objects, 6)).toEqual(planned);
    const src6 = objects.find((o) => o.table === 'firewall address6' && o.name === 'emaint6-src-1');
    expect(src6?.props.get('ip6')).toEqual(['2001:db8:20::/48']);
    // Names are unique across address, address6 and their groups, as FortiOS wants.
    const names = objects.filter((o) => o.table !== 'firewall policy' && o.table !== 'firewall service custom').map((o) => o.name);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n.length, n).toBeLessThanOrEqual(63);
    // IPv6 only: no IPv4 policy at all (srcaddr all would open IPv4 to every device).
    const only6 = await script('--agents', 'rdms', '--source', '2001:db8::/48');
    expect(only6.objects.filter((o) => o.table === 'firewall policy').every((o) => o.props.has('srcaddr6') && !o.props.has('srcaddr'))).toBe(true);
    expect(only6.objects.some((o) => o.table === 'firewall address')).toBe(false);
  });

  it('wildcard mode with IPv6 sources: address6 takes no wildcard, so the IPv6 policies keep the exact hosts; the exemption names the address6 too', async () => {
    const { text, objects } = await script('--agents', 'cca', '--mode', 'wildcard', '--source', '10.20.0.0/24,2001:db8:20::/48');
    expect(allowed(objects, 4)).toContain('*.amazonaws.com|443');
    const exact = plan(catalogue, { agents: ['cca'], options: [] });
    expect(allowed(objects, 6)).toEqual(new Set(exact.flows.map((f) => `${f.host}|${f.port}`)));
    expect(objects.filter((o) => o.table === 'firewall address6').every((o) => o.props.get('type')?.[0] !== 'wildcard-fqdn')).toBe(true);
    expect(text).toContain('address6 takes no wildcard-fqdn: the IPv6 policies allow the exact hosts.');
    expect(text).toContain('#                   set address6 "emaint6-a2etju7iem1tgc-ats.iot.eu-central-1.amazonaws.com"');
  });
});
