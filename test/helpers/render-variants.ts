// Plan variants and expectations shared by the structural render tests (pfSense, PAN-OS,
// OPNsense, ASA), and the matrix of cases they all run. The expectations are derived from
// the catalogue and plan here, independently of the renderers' own rule building.
import { describe, expect, it } from 'vitest';
import { type Plan, plan } from '../../src/core/planner.js';
import { catalogue } from './catalogue.js';
import { cli } from './cli.js';

export interface PlanVariant {
  label: string;
  /** The --agents value. */
  agentsFlag: string;
  agents: string[];
  options: string[];
}

const ALL = catalogue.agents.map((a) => a.id);

export const PLANS: PlanVariant[] = [
  { label: 'all + --cca-activation', agentsFlag: 'all', agents: ALL, options: ['cca-activation'] },
  { label: 'cca', agentsFlag: 'cca', agents: ['cca'], options: [] },
  { label: 'cdca-v1', agentsFlag: 'cdca-v1', agents: ['cdca-v1'], options: [] },
  { label: 'rdms,erds', agentsFlag: 'rdms,erds', agents: ['rdms', 'erds'], options: [] },
];
export const MODES = ['exact', 'wildcard'] as const;
export type Mode = (typeof MODES)[number];
export const IOT_PORTS = ['443', '8883', 'both'] as const;
export type IotPort = (typeof IOT_PORTS)[number];

/** Source sets for the pf-based targets (pfSense, OPNsense), with the address family
 *  (`ipprotocol`) their rules must then carry: both, or only the sources' one. */
export const PF_SOURCES: readonly { label: string; flag: string | null; cidrs: string[]; ipprotocol: string }[] = [
  { label: 'no --source', flag: null, cidrs: [], ipprotocol: 'inet46' },
  { label: 'IPv4 + IPv6 sources', flag: '10.20.0.0/24,2001:db8:20::/64', cidrs: ['10.20.0.0/24', '2001:db8:20::/64'], ipprotocol: 'inet46' },
  { label: 'IPv4 source', flag: '10.20.0.0/24', cidrs: ['10.20.0.0/24'], ipprotocol: 'inet' },
  { label: 'IPv6 source', flag: '2001:db8:20::/64', cidrs: ['2001:db8:20::/64'], ipprotocol: 'inet6' },
];

/** What the rules of a pf-based target must hold: exactly these `host|port` flows, only
 *  planned hosts, from exactly these sources, in this address family, on this interface. */
export interface PfExpectation {
  flows: Set<string>;
  hosts: Set<string>;
  sources: string[];
  ipprotocol: string;
  iface: string;
}

/** Hosts for which the catalogue gives alternative ports ("443 or 8883"), read from the catalogue itself. */
function alternativeHosts(): Set<string> {
  const out = new Set<string>();
  for (const a of catalogue.agents) {
    for (const e of [...a.endpoints, ...(a.options ?? []).flatMap((o) => o.endpoints)]) {
      if (e.ports !== undefined && e.ports.length > 1) out.add(e.host);
    }
  }
  return out;
}

/** The plan's flows after --iot-port, or null when the choice would cut an agent off a
 *  host it needs (the CLI must then refuse it). */
export function keptFlows(p: Plan, iotPort: IotPort): { host: string; port: number }[] | null {
  const alt = alternativeHosts();
  const kept = p.flows.filter((f) => iotPort === 'both' || !alt.has(f.host) || f.port === Number(iotPort));
  for (const host of alt) {
    const after = new Set(kept.filter((f) => f.host === host).flatMap((f) => f.agents));
    if (p.flows.some((f) => f.host === host && f.agents.some((a) => !after.has(a)))) return null;
  }
  return kept;
}

/** An --iot-port choice that would cut an agent off the IoT endpoint: one line, exit 2. */
export async function expectIotPortRefused(argv: readonly string[], iot: IotPort): Promise<void> {
  const r = await cli(...argv);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(new RegExp(`^emaint-egress render: --iot-port ${iot}: `));
}

/** The least-privilege verdict on the (host, port) pairs some rules open: the flows beyond
 *  the plan, and the planned flows they miss (empty: exactly the plan). */
export function flowProblems(pairs: ReadonlySet<string>, want: ReadonlySet<string>): string[] {
  const extra = [...pairs].filter((x) => !want.has(x));
  const missing = [...want].filter((x) => !pairs.has(x));
  return [
    ...(extra.length ? [`rules open flows the plan does not have: ${extra.join(', ')}`] : []),
    ...(missing.length ? [`rules miss planned flows: ${missing.join(', ')}`] : []),
  ];
}

/** One case of the matrix: a plan variant, an --iot-port the CLI accepts, a mode and a source set. */
export interface RenderCase<S> {
  pv: PlanVariant;
  p: Plan;
  iot: IotPort;
  /** The plan's flows after the --iot-port choice. */
  kept: { host: string; port: number }[];
  mode: Mode;
  src: S;
}

export interface RenderMatrix<S extends { label: string }> {
  /** The whole CLI argv for a plan variant, mode, --iot-port and --source value (the
   *  refused --iot-port choices are tried in exact mode without sources). */
  argv: (pv: PlanVariant, mode: Mode, iot: IotPort, source: string | null) => string[];
  sources: readonly S[];
  /** What every case asserts, the end of its test name. */
  claim: string;
  body: (c: RenderCase<S>) => Promise<void>;
}

/**
 * The target's matrix, inside its `render --target <id>` describe: for each plan variant a
 * describe; in it, each --iot-port that would cut an agent off the IoT endpoint is refused,
 * and each accepted one is rendered in every mode from every source set and checked by `body`.
 */
export function describeRenderMatrix<S extends { label: string }>(m: RenderMatrix<S>): void {
  for (const pv of PLANS) {
    const p = plan(catalogue, { agents: pv.agents, options: pv.options });
    describe(`agents ${pv.label}`, () => {
      for (const iot of IOT_PORTS) {
        const kept = keptFlows(p, iot);
        if (kept === null) {
          it(`--iot-port ${iot} is refused: it would cut an agent off the IoT endpoint`, () => expectIotPortRefused(m.argv(pv, 'exact', iot, null), iot));
          continue;
        }
        for (const mode of MODES) {
          for (const src of m.sources) {
            it(`--mode ${mode} --iot-port ${iot}, ${src.label}: ${m.claim}`, () => m.body({ pv, p, iot, kept, mode, src }));
          }
        }
      }
    });
  }
}
