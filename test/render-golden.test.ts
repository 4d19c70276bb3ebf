// Golden files: the full output of every target, in both modes, for one fixed plan.
// A change to any template or renderer shows up here as a diff to review. Each is rendered
// twice: from the template sources (compiled here), and from the templates the build
// compiled (dist/templates/, what the tool ships): both must give the golden file.
// Regenerate on purpose only: UPDATE_GOLDEN=1 npx vitest run test/render-golden.test.ts
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderTarget } from '../src/commands/render.js';
import { type TemplateSet, loadTemplateEngine } from '../src/core/render/engine.js';
import { defaultSite } from '../src/core/render/options.js';
import { templateModule } from '../src/core/render/precompile.js';
import type { Resolution, Site } from '../src/core/render/target.js';
import { TARGETS } from '../src/core/render/target.js';
import { MODES } from '../src/core/rules.js';
import { parseHostPort, parseSources } from '../src/core/site.js';
import { templateSources } from '../src/io/shipped.js';
import { loadTemplates } from '../src/io/templates.js';
import { catalogue } from './helpers/catalogue.js';

const GOLDEN = fileURLToPath(new URL('./golden/', import.meta.url));
const BUILT = fileURLToPath(new URL('../dist/templates/', import.meta.url));
const update = process.env['UPDATE_GOLDEN'] === '1';

// The defaults, then the options these golden files show set: a new option keeps its default.
const site: Site = {
  ...defaultSite({ sources: parseSources('10.20.0.0/24,2001:db8:20::/64'), label: 'ACME Utrecht, floor 2' }),
  interface: 'lan',
  hook: 'forward',
  position: { at: 'top' },
  nftTable: { family: 'inet', name: 'filter' },
  proxy: parseHostPort('proxy.example.test:3128', '--proxy'),
  pacRoute: 'proxy',
  fromZone: 'trust',
  toZone: 'untrust',
  srcintf: 'internal',
  dstintf: 'wan1',
  logSetting: 'Forward to Panorama',
  profileGroup: 'best-practice',
  deviceGroup: null,
  addressTimeout: 86400,
  aclName: 'inside_access_in',
  nameif: 'inside',
};

/** A fixed answer for --resolve (documentation addresses), including one failure. */
function fixedResolution(hosts: readonly string[]): Promise<Resolution> {
  return Promise.resolve({
    server: '192.0.2.53:53',
    at: '2026-11-21T09:00:00.000Z',
    hosts: new Map(
      hosts.map((h, i) => [
        h,
        i === 3
          ? { addresses: [], error: 'no answer from 192.0.2.53:53 within 3000 ms', failed: [], special: [], sinkhole: [] }
          : {
              addresses: [
                { address: `198.51.100.${i + 1}`, family: 4 as const, ttl: 60 },
                ...(i % 2 === 0 ? [{ address: `2001:db8:100::${(i + 1).toString(16)}`, family: 6 as const, ttl: 300 }] : []),
              ],
              error: null,
              failed: [],
              special: [],
              sinkhole: [],
            },
      ]),
    ),
  });
}

const targetsUsingAddresses = new Set(['iptables', 'nftables']);

/** The templates `npm run build` compiled (npm test builds before vitest runs). */
const built = async (target: string): Promise<TemplateSet> => ((await import(`${BUILT}${target}.js`)) as { default: TemplateSet }).default;

describe('the templates the build compiled', () => {
  beforeAll(() => loadTemplateEngine());
  it('are the current sources, compiled: one module per target, no other', () => {
    expect(readdirSync(BUILT).sort()).toEqual(TARGETS.map((t) => `${t}.js`).sort());
    for (const target of TARGETS) {
      expect(readFileSync(`${BUILT}${target}.js`, 'utf8'), `dist/templates/${target}.js is stale: npm run build`).toBe(
        templateModule(target, templateSources(target)),
      );
    }
  });
});

const FORMS = { source: loadTemplates, built } as const;

describe('golden files', () => {
  for (const target of TARGETS) {
    for (const [form, templates] of Object.entries(FORMS))
      for (const mode of MODES) {
        it(`${target}, ${mode} mode, ${form} templates`, async () => {
          const out = await renderTarget(
            {
              agents: catalogue.agents.map((a) => a.id),
              options: ['cca-activation'],
              target,
              mode,
              iotPort: 'both',
              site,
              resolve: targetsUsingAddresses.has(target) ? { address: '192.0.2.53', family: 4, port: 53 } : null,
              meta: { tool: 'emaint-egress', toolVersion: 'GOLDEN', generatedAt: '2026-11-21T09:00:00.000Z' },
            },
            catalogue,
            { templates, resolveHosts: fixedResolution },
          );
          const dir = `${GOLDEN}${target}-${mode}/`;
          const files = [
            ...out.files.map((f) => ({ name: f.name, content: f.content })),
            { name: 'warnings.txt', content: out.warnings.map((w) => `${w}\n`).join('') },
          ];
          if (update && form === 'source') {
            rmSync(dir, { recursive: true, force: true });
            mkdirSync(dir, { recursive: true });
            for (const f of files) writeFileSync(dir + f.name, f.content);
          }
          expect(existsSync(dir), `${dir} missing: run UPDATE_GOLDEN=1 npx vitest run test/render-golden.test.ts`).toBe(true);
          expect(files.map((f) => f.name).sort()).toEqual(readdirSync(dir).sort());
          for (const f of files) expect(f.content, `${target}-${mode}/${f.name}`).toBe(readFileSync(dir + f.name, 'utf8'));
        });
      }
  }
});
