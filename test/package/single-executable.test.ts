// The single executable (`npm run package`; `npm run test:package` builds it first) on a
// machine without Node.js: copied out of the project, run with an empty PATH and nothing of
// Node, npm or this project to be found (isolated.ts), it must do what the tested build
// (dist/cli/main.js) does: the same output for agents and plan, the same files for every
// render target, the same verdicts at a site in a network namespace, also with a PAC file
// (its sandbox's engine and worker come from the executable) and with no /etc at all; and
// the app must start in a real terminal. No traffic leaves the test's namespaces.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plan } from '../../src/core/planner.js';
import { catalogue } from '../helpers/catalogue.js';
import { CheckSite, siteHosts } from '../helpers/check-site.js';
import type { JsonOut } from '../helpers/check-json.js';
import type { CliResult } from '../helpers/cli.js';
import { requireSystem } from '../helpers/system.js';
import { tempDirs } from '../helpers/tmp.js';
import { EPOCH, HOSTILE_FOLDER, VERSION, built, expectEveryTargetAsBuilt } from './built.js';
import { EMPTY_PATH, HIDDEN, type IsolatedOptions, NODE, ROOT, isolated, isolatedCommand } from './isolated.js';

const EXECUTABLE = join(ROOT, 'dist', `emaint-egress-${process.platform}-${process.arch}`);
const ok = requireSystem('the single executable on a machine without Node.js', ['unshare', 'mount', 'ip', 'iptables', 'dnsmasq', 'openssl', 'tmux'], {
  netns: true,
});
const temp = tempDirs('ee-sea-');

let bin = '';
let cwd = '';

/** The executable on the isolated machine. */
function sea(args: readonly string[], options: Partial<IsolatedOptions> = {}): CliResult {
  return isolated([bin, ...args], { cwd, ...options, env: { NO_COLOR: '1', SOURCE_DATE_EPOCH: EPOCH, ...options.env } });
}

describe.skipIf(!ok)('the single executable', () => {
  beforeAll(() => {
    if (!existsSync(EXECUTABLE)) throw new Error(`${EXECUTABLE} is missing: run npm run test:package (it runs npm run package first)`);
    // Under a hostile folder name: the executable reads nothing beside itself, whatever its path.
    const dir = join(temp(), HOSTILE_FOLDER);
    mkdirSync(dir);
    bin = join(dir, 'emaint-egress');
    copyFileSync(EXECUTABLE, bin);
    spawnSync('chmod', ['755', bin]);
    cwd = temp();
  });

  it('runs where Node.js, npm, the project and its node_modules are not to be found', () => {
    const r = isolated(['/bin/sh', '-c', `command -v node; ls -A ${HIDDEN.join(' ')}; ${NODE} --version`], { cwd });
    expect(r.stdout).toBe('');
    expect(r.code).not.toBe(0);
    expect(HIDDEN).toContain(ROOT.replace(/\/$/, ''));
    expect(readdirSync(EMPTY_PATH)).toEqual([]);
  });

  it('prints the same version, agents and plans as the tested build', () => {
    const dir = temp();
    for (const args of [
      ['--version'],
      ['agents'],
      ['agents', '--json'],
      ['plan', '--agents', 'all', '--cca-activation'],
      ['plan', '--agents', 'all', '--lan', '--json'],
    ]) {
      const mine = sea(args);
      expect(mine.code, args.join(' ')).toBe(0);
      expect(mine, args.join(' ')).toEqual(built(args, dir));
    }
    expect(sea(['--version']).stdout.trim()).toBe(VERSION);
  });

  it('renders every target into the same files as the tested build', () => {
    const mineDir = temp();
    expectEveryTargetAsBuilt((args) => sea(args, { cwd: mineDir }), ['--agents', 'all', '--cca-activation'], { mineDir, builtDir: temp() });
  });

  it('says bad input in one line with exit code 2, and as a Nagios plugin UNKNOWN with 3', () => {
    const bad = sea(['plan', '--agents', 'cca,nope']);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/^emaint-egress plan: --agents: unknown agent 'nope'; valid: .*\n$/);
    expect(bad).toEqual(built(['plan', '--agents', 'cca,nope'], temp()));
    const nagios = sea(['check', '--format', 'nagios', '--agents', 'nope']);
    expect(nagios.code).toBe(3);
    expect(nagios.stdout).toMatch(/^EGRESS UNKNOWN: .*unknown agent 'nope'.*\n$/);
  });

  describe('check at a site in a network namespace', () => {
    const full = plan(catalogue, { agents: catalogue.agents.map((a) => a.id), options: ['cca-activation'] });
    const [dropped, missing] = [full.hosts[2] as string, full.hosts[3] as string];
    let site: CheckSite;
    beforeAll(async () => {
      site = await CheckSite.start({ ports: [443, 8883], missing: [missing], hosts: siteHosts(full.hosts, (h) => (h === dropped ? { drop: true } : {})) });
    }, 30_000);
    afterAll(async () => site?.close());

    const ARGS = ['check', '--agents', 'all', '--cca-activation', '--timeout', '1500', '--json'];
    const atSite = (args: readonly string[], options: Partial<IsolatedOptions> = {}) =>
      sea(args, { netns: site.ns.name, env: { NODE_EXTRA_CA_CERTS: site.pki.caFile }, ...options });
    const verdicts = (r: CliResult) => {
      expect(r.stderr).toBe('');
      const out = JSON.parse(r.stdout) as JsonOut;
      return out.results.map((x) => `${x.host}:${x.port} ${x.status}${x.route === 'direct' ? '' : ` via ${x.route}`}`).sort();
    };

    it("gives every flow the tested build's verdict, through the site's resolver", () => {
      const mine = atSite(ARGS);
      const reference = site.run(ARGS);
      expect(mine.code).toBe(1);
      expect(reference.code).toBe(1);
      const v = verdicts(mine);
      expect(v).toEqual(verdicts(reference));
      // The site's own failures, and most flows getting out: the comparison is not of two empty runs.
      for (const host of [dropped, missing]) expect(v.filter((x) => x.startsWith(`${host}:`) && !x.endsWith(' ok'))).not.toEqual([]);
      expect(v.filter((x) => x.endsWith(' ok')).length).toBeGreaterThan(full.flows.length / 2);
    });

    it('without /etc (no resolv.conf, hosts, nsswitch.conf): the platform resolver, said once, and the same verdicts', () => {
      const text = atSite(['check', '--agents', 'all', '--cca-activation', '--timeout', '1500'], { noEtc: true });
      expect(text.code).toBe(1);
      const said = `${text.stdout}${text.stderr}`.match(/no nameserver in \/etc\/resolv\.conf/g) ?? [];
      expect(said).toHaveLength(1);
      const json = atSite(ARGS, { noEtc: true });
      const summary = (JSON.parse(json.stdout) as { summary: { resolver: string; notes: string[] } }).summary;
      expect(summary.resolver).toBe('platform');
      expect(summary.notes.filter((n) => n.includes('/etc/resolv.conf'))).toHaveLength(1);
      // glibc without resolv.conf asks 127.0.0.1, where the site's dnsmasq answers.
      expect(verdicts(json)).toEqual(verdicts(site.run(ARGS)));
    });

    it('runs a PAC file in its sandbox from the embedded engine and worker', () => {
      const pac = join(cwd, 'site.pac');
      writeFileSync(
        pac,
        `function FindProxyForURL(url, host) {\n  if (dnsDomainIs(host, '${full.hosts[0]}')) return 'PROXY 127.0.0.1:9';\n  return 'DIRECT';\n}\n`,
      );
      const args = [...ARGS, '--pac', pac];
      const v = verdicts(atSite(args));
      expect(v).toEqual(verdicts(site.run(args)));
      expect(v.filter((x) => x.startsWith(`${full.hosts[0]}:`)).every((x) => x.endsWith('proxy-error via proxy 127.0.0.1:9'))).toBe(true);
      writeFileSync(pac, 'function FindProxyForURL(url, host) { for (;;) {} }\n');
      const hung = atSite(['check', '--agents', 'cca', '--timeout', '500', '--json', '--pac', pac]);
      const out = JSON.parse(hung.stdout) as JsonOut;
      expect(out.results.every((r) => r.status === 'proxy-error' && /did not finish within 500 ms/.test(r.detail))).toBe(true);
    });
  });

  it('starts the app in a real terminal, and Ctrl-C ends it with code 130', async () => {
    const socket = `ee-sea-${process.pid}`;
    const status = join(temp(), 'status');
    const tmux = (...args: string[]) => spawnSync('tmux', ['-L', socket, ...args], { encoding: 'utf8', env: { ...process.env, TMUX: '' } });
    const q = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
    const app = isolatedCommand([bin], { cwd, env: { TERM: 'xterm-256color' } })
      .map(q)
      .join(' ');
    const started = tmux(
      '-f',
      '/dev/null',
      'new-session',
      '-d',
      '-s',
      'app',
      '-x',
      '80',
      '-y',
      '24',
      '--',
      'sh',
      '-c',
      `${app}; echo $? > ${q(status)}; sleep 600`,
    );
    expect(started.status, started.stderr).toBe(0);
    try {
      let screen = '';
      for (const deadline = Date.now() + 15_000; !screen.includes('Which agents are in use?') && Date.now() < deadline; await sleep(100)) {
        screen = tmux('capture-pane', '-p', '-t', 'app').stdout;
      }
      expect(screen).toContain('Which agents are in use?');
      expect(screen).toMatch(/\[1 Agents\] › 2 Site › 3 Plan › 4 Check › 5 Rules/);
      for (const a of catalogue.agents) expect(screen).toContain(a.id);
      tmux('send-keys', '-t', 'app', 'C-c');
      for (const deadline = Date.now() + 10_000; !existsSync(status) && Date.now() < deadline; ) await sleep(100);
      expect(readFileSync(status, 'utf8').trim()).toBe('130');
    } finally {
      tmux('kill-server');
    }
  });
});
