// The report: saved runs (one per site or network), the rules files that go with them, and
// what changed since an earlier run, as one model that the HTML and Markdown renderers
// print. Pure and deterministic: the same runs, files and time give the same model.
//
// Text from the runs (site names, details, certificate issuers, PAC answers) is kept as it
// is here; each renderer escapes every value it prints.
import type { Catalogue } from '../catalogue.js';
import type { SavedRun } from '../saved-run.js';
import { type ChangesSection, changesSection } from './changes.js';
import { type Fleet, fleetOf } from './fleet.js';
import { type RulesFile, type RulesFileInput, rulesFile } from './rules-files.js';
import { type SiteReport, siteReport } from './site.js';

export type { ChangesSection } from './changes.js';
export type { Fleet } from './fleet.js';
export type { SiteReport } from './site.js';

/** A saved run and the file it was read from (the report names it). */
export interface ReportRun {
  file: string;
  run: SavedRun;
}

export interface ReportInput {
  tool: { name: string; version: string };
  /** When the report was made, ISO 8601. */
  generatedAt: string;
  /** The catalogue the flows are traced to (provenance, vendor wildcards). */
  catalogue: Catalogue;
  /** At least one; several make a fleet report. */
  runs: readonly ReportRun[];
  /** An earlier run of the one site: the report says what changed since. */
  since: ReportRun | null;
  /** The folder of rules files, what was found in it and what the reader should know of it, or null. */
  rules: RulesDir | null;
}

export interface RulesDir {
  dir: string;
  files: readonly RulesFileInput[];
  /** What the folder says of itself (an interrupted write). */
  warnings: readonly string[];
}

export interface RulesSection {
  dir: string;
  files: RulesFile[];
  /** The folder's own warnings, and files whose header names a catalogue or agents that no
   *  reported run checked. */
  warnings: string[];
}

export interface ReportModel {
  title: string;
  tool: { name: string; version: string };
  generatedAt: string;
  /** With several runs: the sites side by side, and the causes that recur. */
  fleet: Fleet | null;
  sites: SiteReport[];
  changes: ChangesSection | null;
  rules: RulesSection | null;
}

export function reportModel(input: ReportInput): ReportModel {
  const [first] = input.runs;
  if (first === undefined) throw new Error('a report needs at least one saved run');
  if (input.since !== null && input.runs.length !== 1) throw new Error('a report compares with an earlier run only for one run');
  const sites = input.runs.map((r, i) => siteReport(r, i, input.runs, input.catalogue));
  const title = sites.length === 1 ? `eMaintenance egress report: ${sites[0]?.name ?? ''}` : `eMaintenance egress report: ${sites.length} sites`;
  return {
    title,
    tool: { ...input.tool },
    generatedAt: input.generatedAt,
    fleet: sites.length > 1 ? fleetOf(sites) : null,
    sites,
    changes: input.since === null ? null : changesSection(input.since, first, sites[0]?.id ?? ''),
    rules: input.rules === null ? null : rulesSection(input.rules, input.runs),
  };
}

function rulesSection(rules: RulesDir, runs: readonly ReportRun[]): RulesSection {
  const files = rules.files.map(rulesFile);
  const mismatches: string[] = [...rules.warnings];
  const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));
  const list = (xs: readonly string[]) => xs.join(', ') || 'none';
  for (const f of files) {
    const h = f.header;
    if (h === null) continue;
    const kin = runs.filter(({ run }) => (h.catalogue === null || h.catalogue === run.catalogue.version) && same(h.agents, run.agents));
    if (kin.length === 0) {
      mismatches.push(
        `${f.name} was made for catalogue ${h.catalogue ?? '?'} and agents ${h.agents.join(', ') || '?'}; ` +
          `the runs checked ${runs.map(({ run }) => `catalogue ${run.catalogue.version} and agents ${run.agents.join(', ')}`).join('; ')}`,
      );
      continue;
    }
    // The same agents, but the options and the site's endpoints decide what the rules allow too.
    const hosts = (run: SavedRun) => run.endpoints.map((e) => e.host);
    if (kin.some(({ run }) => same(h.options, run.options) && same(h.endpoints, hosts(run)))) continue;
    const what = (options: readonly string[], endpoints: readonly string[]) => `options ${list(options)} and site endpoints ${list(endpoints)}`;
    mismatches.push(
      `${f.name} was made for ${what(h.options, h.endpoints)}; the runs with its agents checked ` +
        kin.map(({ run }) => what(run.options, hosts(run))).join('; '),
    );
  }
  return { dir: rules.dir, files, warnings: mismatches };
}
