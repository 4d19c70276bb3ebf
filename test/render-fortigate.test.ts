// The fortigate target read back by a small FortiOS script reader (test/helpers/fortios.ts):
// well-formed blocks, objects defined before use, names within FortiOS's limits, and
// exactly the planned flows: each policy's group members on its service's ports.
import { describe, expect, it } from 'vitest';
import { plan } from '../src/core/planner.js';
import { catalogue } from './helpers/catalogue.js';
import { cli } from './helpers/cli.js';
import { type FortiObject, readFortiOs } from './helpers/fortios.js';

async function script(...args: string[]): Promise<{ text: string; objects: FortiObject[] }> {
  const r = await cli('render', '--target', 'fortigate', ...args);
  expect(r.code, r.stderr).toBe(0);
  return { text: r.stdout, objects: readFortiOs(r.stdout) };
}

/** host|port pairs the policies allow (wildcards as *.domain|443). */
function allowed(objects: readonly FortiObject[]): Set<string> {
  const byName = new Map(objects.map((o) => [`${o.table}|${o.name}`, o]));
  const out = new Set<string>();
  for (const p of objects.filter((o) => o.table === 'firewall policy')) {
    const group = byName.get(`firewall addrgrp|${p.props.get('dstaddr')?.[0]}`);
    const service = byName.get(`firewall service custom|${p.props.get('service')?.[0]}`);
    expect(group, 'the policy names a group defined above it').toBeDefined();
    expect(service).toBeDefined();
    // Defined before use: the group and the service come before the policy in the script.
    expect(objects.indexOf(group as FortiObject)).toBeLessThan(objects.indexOf(p));
    expect(objects.indexOf(service as FortiObject)).toBeLessThan(objects.indexOf(p));
    for (const m of group?.props.get('member') ?? []) {
      const a = byName.get(`firewall address|${m}`);
      expect(a, `member ${m} is an address`).toBeDefined();
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

  it('500 sources go in parts (set, then append member), and IPv6 sources are refused naming the platform', async () => {
    const sources = Array.from({ length: 500 }, (_, i) => `10.${Math.floor(i / 200)}.${i % 200}.0/24`).join(',');
    const { text, objects } = await script('--agents', 'rdms', '--source', sources);
    expect(objects.find((o) => o.name === 'emaint-sources')?.props.get('member')).toHaveLength(500);
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(1024);
    const v6 = await cli('render', '--target', 'fortigate', '--agents', 'rdms', '--source', '2001:db8::/48');
    expect(v6.code).toBe(2);
    expect(v6.stderr).toMatch(/fortigate: IPv6 sources \(2001:db8::\/48\) need address6 objects, which this target does not write yet; give IPv4 sources\n$/);
  });
});
