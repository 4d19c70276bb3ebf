// The npm package (`npm pack`, which bundles first: .ci/build/bundle.mjs): only runtime files,
// no dependencies to fetch, a global install with no registry (--offline) that puts
// `emaint-egress` on the PATH, and, run from there with the project and its node_modules
// hidden (isolated.ts), the tested build's output, files and verdicts, a PAC file included.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plan } from '../../src/core/planner.js';
import { catalogue } from '../helpers/catalogue.js';
import { CheckSite, siteHosts } from '../helpers/check-site.js';
import type { JsonOut } from '../helpers/check-json.js';
import type { CliResult } from '../helpers/cli.js';
import { requireSystem } from '../helpers/system.js';
import { tempDirs } from '../helpers/tmp.js';
import { EPOCH, HOSTILE_FOLDER, VERSION, built, expectEveryTargetAsBuilt } from './built.js';
import { type IsolatedOptions, NODE, ROOT, isolated } from './isolated.js';

const ok = requireSystem('the npm package, installed', ['unshare', 'mount', 'ip', 'iptables', 'dnsmasq', 'openssl'], { netns: true });
const temp = tempDirs('ee-npm-');

interface Packed {
  filename: string;
  files: { path: string }[];
}

/** npm's --json answer: what its lifecycle scripts (prepack) print comes before it. */
function npmJson<T>(text: string): T {
  const start = text.search(/^[[{]$/m);
  if (start < 0) throw new Error(`npm printed no JSON: ${text}`);
  return JSON.parse(text.slice(start)) as T;
}

function npm(args: readonly string[], cwd = ROOT): string {
  const r = spawnSync('npm', args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });
  if (r.status !== 0) throw new Error(`npm ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

describe.skipIf(!ok)('the npm package', () => {
  let prefix = '';
  let cwd = '';
  let installed = '';
  /** `emaint-egress`, found on the PATH, with the project and its node_modules hidden. */
  const tool = (args: readonly string[], options: Partial<IsolatedOptions> = {}): CliResult =>
    isolated(['emaint-egress', ...args], {
      cwd,
      keepNode: true,
      ...options,
      env: { PATH: `${join(prefix, 'bin')}:${dirname(NODE)}`, NO_COLOR: '1', SOURCE_DATE_EPOCH: EPOCH, ...options.env },
    });

  beforeAll(() => {
    const out = temp();
    // npm pack bundles first (prepack); its JSON names the tarball.
    const [packed] = npmJson<Packed[]>(npm(['pack', '--json', '--pack-destination', out]));
    if (!packed) throw new Error('npm pack wrote no tarball');
    // Installed under a hostile folder name: the bundle finds its chunks, the PAC worker and
    // quickjs.wasm from its own URL, which must not be read as a path, nor a path as a URL.
    prefix = join(temp(), HOSTILE_FOLDER);
    mkdirSync(prefix);
    // --offline: the registry is never asked; a package that needed it would fail here.
    npm(['install', '--global', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', join(out, packed.filename)], out);
    installed = join(prefix, 'lib', 'node_modules', 'emaint-egress');
    cwd = temp();
  }, 300_000);

  it('holds only runtime files (npm pack --dry-run)', () => {
    const [dry] = npmJson<Packed[]>(npm(['pack', '--dry-run', '--json', '--ignore-scripts']));
    const paths = (dry?.files ?? []).map((f) => f.path).sort();
    // data/prometheus/: the alerting rules and scrape configs partners load (serve), not their tests.
    const runtime =
      /^(README\.md|package\.json|data\/catalogue\.json|dist\/catalogue\.sha256|dist\/bundle\/[\w.-]+\.(mjs|wasm)|data\/prometheus\/[\w/.-]+(?<!\.test)\.yml)$/;
    expect(paths.filter((p) => !runtime.test(p))).toEqual([]);
    for (const need of [
      'dist/bundle/emaint-egress.mjs',
      'dist/bundle/pac-worker.mjs',
      'dist/bundle/quickjs.wasm',
      'dist/catalogue.sha256',
      'data/catalogue.json',
      'data/prometheus/emaint-egress.rules.yml',
    ]) {
      expect(paths).toContain(need);
    }
    // The templates are in the bundle, compiled at build time: their sources do not ship.
    expect(paths.filter((p) => p.startsWith('templates/'))).toEqual([]);
  });

  it('declares no dependencies: everything it runs is in the bundle', () => {
    const pkg = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(pkg['dependencies']).toBeUndefined();
    expect(pkg['optionalDependencies']).toBeUndefined();
    expect(pkg['peerDependencies']).toBeUndefined();
    expect(existsSync(join(installed, 'node_modules'))).toBe(false);
  });

  it('puts emaint-egress on the PATH, printing what the tested build prints', () => {
    expect(readdirSync(join(prefix, 'bin'))).toEqual(['emaint-egress']);
    expect(tool(['--version'])).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
    const dir = temp();
    for (const args of [['agents'], ['plan', '--agents', 'all', '--cca-activation', '--json'], ['plan', '--agents', 'cca,nope']]) {
      expect(tool(args), args.join(' ')).toEqual(built(args, dir));
    }
  });

  it('renders every target into the same files as the tested build', () => {
    const mineDir = temp();
    expectEveryTargetAsBuilt((args) => tool(args, { cwd: mineDir }), ['--agents', 'all'], { mineDir, builtDir: temp() });
  });

  it('validates the shipped catalogue in full once it differs from the one the build validated', () => {
    const file = join(installed, 'data', 'catalogue.json');
    const original = readFileSync(file, 'utf8');
    try {
      const doc = JSON.parse(original) as { agents: { id: string; name: string }[] };
      (doc.agents[0] as { name: string }).name = 'A renamed agent';
      writeFileSync(file, JSON.stringify(doc));
      const renamed = tool(['agents']);
      expect(renamed.code).toBe(0);
      expect(renamed.stdout).toContain('A renamed agent');
      (doc.agents[0] as { id: string }).id = 'Not An Id';
      writeFileSync(file, JSON.stringify(doc));
      const broken = tool(['agents']);
      expect(broken.code).toBe(70);
      expect(broken.stdout).toBe('');
      expect(broken.stderr).toMatch(/^emaint-egress: invalid catalogue at agents\.0\.id: .*\n$/);
    } finally {
      writeFileSync(file, original);
    }
    expect(tool(['agents']).stdout).not.toContain('A renamed agent');
  });

  describe('check at a site in a network namespace', () => {
    const full = plan(catalogue, { agents: catalogue.agents.map((a) => a.id), options: ['cca-activation'] });
    const dropped = full.hosts[2] as string;
    let site: CheckSite;
    beforeAll(async () => {
      site = await CheckSite.start({ ports: [443, 8883], hosts: siteHosts(full.hosts, (h) => (h === dropped ? { drop: true } : {})) });
    }, 30_000);
    afterAll(async () => site?.close());
    const verdicts = (r: CliResult) => {
      expect(r.stderr).toBe('');
      return (JSON.parse(r.stdout) as JsonOut).results.map((x) => `${x.host}:${x.port} ${x.status} ${x.route}`).sort();
    };

    it("gives the tested build's verdicts, with a PAC file in the bundle's sandbox too", () => {
      const pac = join(cwd, 'site.pac');
      writeFileSync(pac, `function FindProxyForURL(url, host) {\n  return dnsDomainIs(host, '${full.hosts[0]}') ? 'PROXY 127.0.0.1:9' : 'DIRECT';\n}\n`);
      for (const extra of [[], ['--pac', pac]]) {
        const args = ['check', '--agents', 'all', '--cca-activation', '--timeout', '1500', '--json', ...extra];
        const v = verdicts(tool(args, { netns: site.ns.name, env: { NODE_EXTRA_CA_CERTS: site.pki.caFile } }));
        expect(v, extra.join(' ')).toEqual(verdicts(site.run(args)));
        expect(v.filter((x) => x.includes(' ok ')).length).toBeGreaterThan(full.flows.length / 2);
      }
    });
  });
});
