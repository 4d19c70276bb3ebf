import { describe, expect, it } from 'vitest';
import { ASSUMED_PORT, PlanError, plan, planLan } from '../src/core/planner.js';
import { catalogue } from './helpers/catalogue.js';

const ALL = catalogue.agents.map((a) => a.id);
const hostsOf = (agents: string[], options: string[] = []) => plan(catalogue, { agents, options }).hosts;

describe('agents', () => {
  it('has exactly the agent modes of the eMaintenance document, in its order', () => {
    expect(ALL).toEqual(['cca', 'cdca-v1', 'cdca-v2', 'cdca-v2-cca', 'meap-cca', 'meap-http', 'erds', 'rdms', 'backup']);
  });

  it('describes CDCA as a PC agent for up to 1000 devices and RMT. DIAG. MEAP for up to 31', () => {
    const byId = new Map(catalogue.agents.map((a) => [a.id, a]));
    for (const id of ['cdca-v1', 'cdca-v2', 'cdca-v2-cca']) expect(byId.get(id)?.description).toMatch(/PC.*1000 devices/);
    for (const id of ['meap-cca', 'meap-http']) expect(byId.get(id)?.description).toMatch(/up to 31/);
  });
});

describe('hosts per agent', () => {
  it.each([
    ['cca', 8],
    ['cdca-v1', 1],
    ['cdca-v2', 10],
    ['cdca-v2-cca', 14],
    ['meap-cca', 11],
    ['meap-http', 2],
    ['erds', 2],
    ['rdms', 3],
    ['backup', 14],
  ])('%s needs %i hosts', (agent, count) => {
    expect(hostsOf([agent])).toHaveLength(count);
  });

  it('all agents together need 21 distinct hosts in 22 flows, the IoT host on 443 and 8883', () => {
    const p = plan(catalogue, { agents: ALL });
    expect(p.hosts).toHaveLength(21);
    expect(p.flows).toHaveLength(22);
    const iot = p.flows.filter((f) => f.host === 'a2etju7iem1tgc-ats.iot.eu-central-1.amazonaws.com');
    expect(iot.map((f) => f.port)).toEqual([443, 8883]);
    // Only the lists that say "poort 443 of poort 8883" ask for 8883.
    expect(iot[1]?.agents).toEqual(['cca', 'backup']);
    expect(p.flows.filter((f) => f.host !== iot[0]?.host).every((f) => f.port === 443)).toBe(true);
  });

  it('untangles the two-column CDCA v2 table: CCA mode adds exactly the four CCA cloud hosts', () => {
    const standard = new Set(hostsOf(['cdca-v2']));
    const ccaMode = hostsOf(['cdca-v2-cca']);
    expect(ccaMode.filter((h) => !standard.has(h)).sort()).toEqual([
      'a2etju7iem1tgc-ats.iot.eu-central-1.amazonaws.com',
      'cognito-identity.eu-central-1.amazonaws.com',
      'hbp-ec1l.srv.ygles.com',
      'kinesis.eu-central-1.amazonaws.com',
    ]);
    expect([...standard].every((h) => ccaMode.includes(h))).toBe(true);
  });

  it('untangles the two-column MEAP and backup tables', () => {
    expect(hostsOf(['meap-http']).sort()).toEqual(['a01.ugwdevice.net', 'b01.ugwdevice.net']);
    const backup = hostsOf(['backup']);
    expect(backup).toEqual(expect.arrayContaining(['dcf-ec1.srv.ygles.com', 'cnvextdata-an1s.srv.ygles.com', 'a01.ugwdevice.net']));
    expect(backup).not.toContain('mds-ec1.srv.ygles.com');
    expect(hostsOf(['meap-cca'])).toContain('mds-ec1.srv.ygles.com');
    expect(hostsOf(['meap-cca'])).not.toContain('gdlp01.c-wss.com');
  });
});

describe('ports', () => {
  it('assumes 443 where the document names no port, and says so', () => {
    const p = plan(catalogue, { agents: ['cdca-v1'] });
    expect(p.flows).toHaveLength(1);
    expect(p.flows[0]).toMatchObject({ host: 'b01.ugwdevice.net', port: ASSUMED_PORT, portStated: false });
    expect(p.flows[0]?.provenance[0]?.portStated).toBe(false);
  });

  it('marks a port stated when any agent that needs the flow states it', () => {
    const p = plan(catalogue, { agents: ['cdca-v1', 'erds'] });
    const b01 = p.flows.find((f) => f.host === 'b01.ugwdevice.net');
    expect(b01?.portStated).toBe(true);
    expect(b01?.provenance.map((c) => [c.agent, c.portStated])).toEqual([
      ['cdca-v1', false],
      ['erds', true],
    ]);
  });
});

describe('the eRDS remote CCA activation option', () => {
  it('is off by default and adds exactly one host to eRDS', () => {
    const without = hostsOf(['erds']);
    const withIt = hostsOf(['erds'], ['cca-activation']);
    expect(withIt.filter((h) => !without.includes(h))).toEqual(['cnvextdata-an1s.srv.ygles.com']);
    expect(withIt).toHaveLength(without.length + 1);
  });

  it('records which option a flow comes from', () => {
    const p = plan(catalogue, { agents: ['erds', 'backup'], options: ['cca-activation'] });
    const f = p.flows.find((x) => x.host === 'cnvextdata-an1s.srv.ygles.com');
    expect(f?.agents).toEqual(['erds', 'backup']);
    expect(f?.options).toEqual(['cca-activation']);
    expect(f?.provenance.map((c) => c.option)).toEqual(['cca-activation', undefined]);
  });

  it('is refused when eRDS is not chosen, and unknown options are refused', () => {
    expect(() => plan(catalogue, { agents: ['cca'], options: ['cca-activation'] })).toThrow(/applies to agent erds/);
    expect(() => plan(catalogue, { agents: ['erds'], options: ['nope'] })).toThrow(/unknown option 'nope'; valid: cca-activation/);
  });
});

describe('planner', () => {
  it('gives one flow per (host, protocol, port), listing every agent that needs it', () => {
    const p = plan(catalogue, { agents: ALL });
    const keys = p.flows.map((f) => `${f.host}|${f.protocol}|${f.port}`);
    expect(new Set(keys).size).toBe(keys.length);
    const rgt = p.flows.find((f) => f.host === 'rgt.srv.ygles.com');
    expect(rgt?.agents).toEqual(['cca', 'cdca-v2', 'cdca-v2-cca', 'meap-cca', 'backup']);
    expect(rgt?.provenance).toHaveLength(5);
  });

  it('is deterministic: order and repeats of the request do not matter', () => {
    const a = plan(catalogue, { agents: ALL });
    const b = plan(catalogue, { agents: [...ALL].reverse().concat(['cca', 'rdms']) });
    expect(b).toEqual(a);
    // Grouped by domain: every *.srv.ygles.com host stands together.
    const ygles = a.flows.map((f, i) => (f.host.endsWith('.srv.ygles.com') ? i : -1)).filter((i) => i >= 0);
    expect((ygles.at(-1) ?? Number.NaN) - (ygles[0] ?? Number.NaN) + 1).toBe(ygles.length);
  });

  it('carries the client-certificate fact and ALPN for the AWS IoT endpoint only', () => {
    const p = plan(catalogue, { agents: ALL });
    const mtls = p.flows.filter((f) => f.clientCertificate);
    expect(mtls.map((f) => `${f.host}:${f.port}`)).toEqual([
      'a2etju7iem1tgc-ats.iot.eu-central-1.amazonaws.com:443',
      'a2etju7iem1tgc-ats.iot.eu-central-1.amazonaws.com:8883',
    ]);
    expect(mtls.map((f) => f.alpn)).toEqual(['x-amzn-mqtt-ca', null]);
    expect(mtls[0]?.notes[0]?.text).toMatch(/TLS inspection breaks it/);
  });

  it('refuses an empty or unknown agent list, naming the valid ids', () => {
    expect(() => plan(catalogue, { agents: [] })).toThrow(PlanError);
    expect(() => plan(catalogue, { agents: ['cca', 'nope'] })).toThrow(/unknown agent 'nope'; valid: cca, cdca-v1/);
  });

  it('does not share state between plans', () => {
    const a = plan(catalogue, { agents: ['cca'] });
    a.flows[0]?.agents.push('mutated');
    a.flows[0]?.notes.push({ text: 'x', reference: 'y' });
    const b = plan(catalogue, { agents: ['cca'] });
    expect(b.flows[0]?.agents).toEqual(['cca']);
    expect(b.flows.flatMap((f) => f.notes).some((n) => n.text === 'x')).toBe(false);
  });
});

describe('vendor wildcards', () => {
  it('cover every host but one, gdlp01.c-wss.com', () => {
    const p = plan(catalogue, { agents: ALL });
    expect(p.uncovered).toEqual(['gdlp01.c-wss.com']);
    expect(Object.fromEntries(p.wildcards.map((w) => [w.pattern, w.covers.length]))).toEqual({
      '*.srv.ygles.com': 12,
      '*.amazonaws.com': 3,
      '*.c-cdsknn.net': 3,
      '*.ugwdevice.net': 2,
    });
    expect(p.wildcards.find((w) => w.pattern === '*.amazonaws.com')?.risk).toMatch(/all of AWS/);
  });
});

describe('LAN plane', () => {
  it('gives CDCA and MEAP hosts their device-side flows; eRDS, which runs on the device, gets none', () => {
    const cdca = planLan(catalogue, ['cdca-v2']);
    const ports = cdca.filter((l) => l.agents !== null).map((l) => `${l.protocol}/${l.port}`);
    expect(ports.sort()).toEqual(['tcp/443', 'tcp/47546', 'tcp/9007', 'udp/11427', 'udp/161', 'udp/427', 'udp/47545'].sort());
    expect(cdca.filter((l) => l.agents !== null).every((l) => l.from === 'agent-host' && l.to === 'device')).toBe(true);
    expect(planLan(catalogue, ['erds']).some((l) => l.agents !== null)).toBe(false);
  });

  it('includes RSOK VNC from the support PC and iWEMC on UDP 47545, marking the assumed transport', () => {
    const lan = planLan(catalogue, ['cca']);
    expect(lan.find((l) => l.id === 'rsok-vnc')).toMatchObject({ from: 'support-pc', to: 'device', port: 5900, protocolStated: false });
    expect(lan.find((l) => l.id === 'iwemc-firmware')).toMatchObject({ protocol: 'udp', port: 47545, protocolStated: true });
  });
});
