// Golden files of the Markdown report, from the saved runs of real checks in
// test/fixtures/report/ (see report-site.test.ts) and rules rendered for the same site: one
// site with what changed and its rules folder, three networks as a fleet, and the hostile run.
// A change to the model or the renderer shows up here as a diff to review.
// Regenerate on purpose only: UPDATE_GOLDEN=1 npx vitest run test/report-golden.test.ts
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderTarget } from '../src/commands/render.js';
import { defaultSite } from '../src/core/render/options.js';
import type { TargetId } from '../src/core/render/target.js';
import { type ReportRun, reportModel } from '../src/core/report/model.js';
import { reportMarkdown } from '../src/core/report/render-md.js';
import type { RulesFileInput } from '../src/core/report/rules-files.js';
import { parseHostPort } from '../src/core/site.js';
import { parseSavedRun } from '../src/core/saved-run.js';
import { loadTemplates } from '../src/io/templates.js';
import { catalogue } from './helpers/catalogue.js';

const GOLDEN = fileURLToPath(new URL('./golden/report/', import.meta.url));
const FIXTURES = fileURLToPath(new URL('./fixtures/report/', import.meta.url));
const update = process.env['UPDATE_GOLDEN'] === '1';
const META = { tool: 'emaint-egress', toolVersion: 'GOLDEN', generatedAt: '2026-11-21T09:00:00.000Z' };
const TOOL = { name: 'emaint-egress', version: 'GOLDEN' };

/** A fixture run, validated as `report` reads it, named as a user would give it. */
function run(name: string): ReportRun {
  return { file: `runs/${name}.json`, run: parseSavedRun(JSON.parse(readFileSync(`${FIXTURES}${name}.json`, 'utf8'))) };
}

/** The rules the site applies: nftables and a PAC file for the runs' agents and endpoint, as render writes them. */
async function rules(r: ReportRun): Promise<RulesFileInput[]> {
  const out: RulesFileInput[] = [];
  for (const target of ['nftables', 'pac'] as TargetId[]) {
    const rendered = await renderTarget(
      {
        agents: r.run.agents,
        options: r.run.options,
        endpoints: r.run.endpoints,
        target,
        mode: 'exact',
        iotPort: 'both',
        site: { ...defaultSite({ sources: [], label: 'ACME Utrecht' }), proxy: parseHostPort('proxy.example.test:3128', '--proxy') },
        resolve: null,
        meta: META,
      },
      catalogue,
      { templates: (t) => loadTemplates(t), resolveHosts: () => Promise.reject(new Error('no lookups here')) },
    );
    for (const f of rendered.files) {
      const bytes = Buffer.from(f.content);
      out.push({ name: f.name, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), head: f.content.slice(0, 4096) });
    }
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

function golden(name: string, actual: string): void {
  const path = `${GOLDEN}${name}`;
  if (update || !existsSync(path)) {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(path, actual);
  }
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

describe('report golden files (Markdown)', () => {
  it('one site: summary, what changed since the earlier run, path, flows, allow-list, provenance, rules files', async () => {
    const customer = run('customer');
    const model = reportModel({
      tool: TOOL,
      generatedAt: META.generatedAt,
      catalogue,
      runs: [customer],
      since: run('earlier'),
      rules: { dir: 'rules/', files: await rules(customer), warnings: [] },
    });
    golden('customer.md', reportMarkdown(model));
  });

  it('three networks: the fleet summary, then a section per site', () => {
    const model = reportModel({
      tool: TOOL,
      generatedAt: META.generatedAt,
      catalogue,
      runs: [run('customer'), run('eindhoven'), run('reference')],
      since: null,
      rules: null,
    });
    golden('fleet.md', reportMarkdown(model));
  });

  it('the hostile run: its site name and PAC answer escaped', () => {
    const model = reportModel({ tool: TOOL, generatedAt: META.generatedAt, catalogue, runs: [run('hostile')], since: null, rules: null });
    golden('hostile.md', reportMarkdown(model));
  });
});
