// Plan variants and expectations shared by the structural render tests (pfSense, PAN-OS).
// The expectations are derived from the catalogue and plan here, independently of the
// renderers' own rule building.
import { expect } from 'vitest';
import type { Plan } from '../../src/core/planner.js';
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
