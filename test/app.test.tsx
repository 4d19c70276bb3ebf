// The app, driven by keystrokes through ink-testing-library at 80x24: agents chosen, a bad
// subnet rejected inline, the plan, a check against a loopback test resolver with live
// progress and the failures grouped by cause, rule files written (the same bytes as
// `render`), the profile saved and read back by `plan --profile`. Ctrl-C at any step ends
// the app at once with nothing written. Traffic goes only to the loopback resolver.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { appServices } from '../src/cli/app-services.js';
import { run, toolVersion } from '../src/cli/program.js';
import { plan as planFlows } from '../src/core/planner.js';
import { dnsServerText } from '../src/core/profile.js';
import { targets } from '../src/core/render/index.js';
import { TARGETS } from '../src/core/render/target.js';
import { buildRules } from '../src/core/rules.js';
import { readProfile } from '../src/io/profile-file.js';
import { readRun } from '../src/io/run-file.js';
import { loadCatalogue } from '../src/io/catalogue-file.js';
import type { AppServices } from '../src/ui/services.js';
import { FIELDS } from '../src/ui/state/site.js';
import { MIN_SIZE } from '../src/ui/text-layout.js';
import type { WizardStart } from '../src/ui/state/wizard.js';
import { type Driven, KEY, driveApp, expectFits } from './helpers/app.js';
import { cli } from './helpers/cli.js';
import { A, reply, startServer, type TestServer } from './helpers/dns-server.js';
import { tempDirs } from './helpers/tmp.js';
import { guardTraffic } from './helpers/traffic-guard.js';

const catalogue = loadCatalogue();
const NOW = new Date('2026-11-21T10:00:00Z');
const CTRL_U = '\u0015';
const traffic = guardTraffic();

let dns: TestServer;
let services: AppServices;
const tmp = tempDirs('ee-app-');
const apps: Driven[] = [];

beforeAll(async () => {
  dns = await startServer();
  // The default resolver is the loopback one too, so no path of the app can leave this host.
  services = appServices(
    { catalogue, program: 'emaint-egress', toolVersion: toolVersion(), env: {}, now: () => NOW },
    { timeoutMs: 3000, defaultResolver: dns.server },
  );
});
afterAll(async () => {
  await dns.close();
});
afterEach(() => {
  for (const a of apps.splice(0)) a.unmount();
  expect(
    traffic.sent.every((t) => /^(tcp|udp) 127\./.test(t)),
    traffic.sent.join(', '),
  ).toBe(true);
});

// A profile file as a user saved it: the format header plus the given answers.
function writeProfile(file: string, answers: Record<string, unknown>): void {
  writeFileSync(file, JSON.stringify({ format: 'emaint-egress-profile', version: 1, ...answers }));
}

function start(answers: WizardStart['answers'] = null, loadedProfile: string | null = null): Driven {
  const app = driveApp(services, { catalogue, answers, loadedProfile, envPassword: undefined });
  apps.push(app);
  return app;
}

/** The CLI in-process at the app's clock, so generated headers match byte for byte. */
async function cliAt(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) }, { now: () => NOW });
  return { code, stdout, stderr };
}

/** Moves the agents cursor onto the row of this agent id. */
async function pickAgent(app: Driven, id: string): Promise<void> {
  const rows = catalogue.agents.flatMap((a) => [a.id, ...(a.options ?? []).map((o) => `+${o.id}`)]);
  await app.press(...Array<string>(rows.indexOf(id)).fill(KEY.down), KEY.space);
}

describe('the whole wizard, by keystrokes', () => {
  it('chooses agents, rejects a bad subnet inline, shows the plan, checks against the test resolver, writes the rules and the profile', async () => {
    // a02 and device do not exist; device02's answer waits until the test has seen the live progress.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    dns.handle(async (q) => {
      if (q.name === 'device02.c-cdsknn.net') {
        await held;
        return reply(q, [], { rcode: 'SERVFAIL' });
      }
      return reply(q, [], { rcode: 'NXDOMAIN' });
    });
    const resolver = dnsServerText(dns.server);
    const app = start();

    // 1. Agents
    expectFits(await app.waitFor('Which agents are in use? (0 chosen)'));
    expect(app.frame()).toContain('Typical: CCA on recent devices; CDCA v2 in CCA mode on a server');
    await app.press(KEY.enter);
    expect(await app.waitFor('✗ choose at least one agent')).toContain('[1 Agents]');
    await pickAgent(app, 'rdms');
    expect(await app.waitFor('[x] rdms')).toContain('(1 chosen)');
    await app.press(KEY.enter);

    // 2. Site details: a subnet with host bits set is refused inline, and enter stays put.
    await app.waitFor('Site details');
    await app.type('ACME Utrecht');
    await app.press(KEY.down);
    await app.type('10.20.0.5/24');
    expectFits(await app.waitFor("✗ subnets: '10.20.0.5/24' has host bits set; did you mean"));
    expect(app.frame()).toContain('10.20.0.0/24?');
    await app.press(KEY.enter);
    expect(await app.waitFor('✗ fix the marked field first')).toContain('[2 Site]');
    await app.press(KEY.backspace, KEY.backspace, KEY.backspace, KEY.backspace);
    await app.type('0/24');
    await app.waitFor('10.20.0.0/24');
    expect(app.frame()).not.toContain('did you mean');
    await app.press(KEY.down, KEY.down, KEY.down);
    await app.type(resolver);
    await app.press(KEY.enter);

    // 3. The plan
    const plan = await app.waitFor('The plan: 3 flows to 3 hosts, all outbound tcp (exact mode)');
    expectFits(plan);
    for (const host of ['a02.c-cdsknn.net', 'device.c-cdsknn.net', 'device02.c-cdsknn.net'])
      expect(plan).toMatch(new RegExp(`${host.replace(/\./g, '\\.')} +tcp/443 +rdms`));
    expect(plan).toContain('Needed by: rdms');
    await app.press(KEY.enter);

    // 4. Check: live progress per flow, then the verdict grouped by cause.
    expect(await app.waitFor('Check from this network')).toContain(`Resolver   ${resolver}`);
    await app.press(KEY.enter);
    const live = await app.waitFor('Checking: 2 of 3 done, 2 failed');
    expectFits(live);
    expect(live).toMatch(/· dns… +device02\.c-cdsknn\.net:443/);
    expect(live).toMatch(/✗ dns-error +a02\.c-cdsknn\.net:443/);
    release();
    const verdict = await app.waitFor('Check results');
    expectFits(verdict);
    expect(verdict).toContain(`3 of 3 flows fail (resolver ${resolver}, timeout 3000 ms per phase).`);
    expect(verdict).toContain('dns-error 3');
    expect(verdict).toContain('Causes and fixes');
    expect(verdict).toContain(`✗ the resolver ${resolver} says these names do not exist (NXDOMAIN)`);
    expect(verdict).toContain(`fix: make ${resolver} forward a02.c-cdsknn.net and device.c-cdsknn.net`);
    // Both causes fit on one screen here; the flows list below scrolls.
    expect(verdict).toContain(`✗ the resolver ${resolver} failed to resolve these names (SERVFAIL or`);
    await app.press(KEY.pageDown);
    expect(await app.waitFor(/dns-error +device02\.c-cdsknn\.net:443/)).toContain('Check results');
    await app.press(KEY.enter);

    // 5. Rules: two targets into a folder.
    const out = join(tmp(), 'rules');
    await app.waitFor('Rules: choose targets (0 chosen)');
    await app.press(KEY.space, KEY.down, KEY.space, KEY.tab, KEY.tab, CTRL_U);
    await app.type(out);
    expectFits(await app.waitFor('(2 chosen)'));
    await app.press(KEY.enter);
    const written = await app.waitFor('Wrote 4 files to');
    expectFits(written);
    expect(written).toContain(join(out, 'pfsense', 'emaint-egress.xml').slice(-40));
    expect(written).toContain('iptables-restore --noflush < emaint-egress.rules');

    // The files are what `render` writes for the same answers.
    const flags = ['--agents', 'rdms', '--source', '10.20.0.0/24', '--site', 'ACME Utrecht'];
    const pf = await cliAt('render', ...flags, '--target', 'pfsense');
    expect(pf.code).toBe(0);
    expect(readFileSync(join(out, 'pfsense', 'emaint-egress.xml'), 'utf8')).toBe(pf.stdout);
    const ipt = join(tmp(), 'ipt');
    expect((await cliAt('render', ...flags, '--target', 'iptables', '--out', ipt)).code).toBe(0);
    expect(readdirSync(join(out, 'iptables')).sort()).toEqual(readdirSync(ipt).sort());
    for (const name of readdirSync(ipt)) expect(readFileSync(join(out, 'iptables', name), 'utf8')).toBe(readFileSync(join(ipt, name), 'utf8'));

    // The profile, then the app ends.
    const profile = join(tmp(), 'acme.json');
    await app.press(CTRL_U);
    await app.type(profile);
    await app.press(KEY.enter);
    await app.waitFor('Saved. Next time: emaint-egress --profile');
    expect(await app.ended()).toBe('finished');
    const doc = JSON.parse(readFileSync(profile, 'utf8')) as Record<string, unknown>;
    expect(doc).toEqual({
      format: 'emaint-egress-profile',
      version: 1,
      site: 'ACME Utrecht',
      agents: ['rdms'],
      sources: ['10.20.0.0/24'],
      dnsServer: resolver,
      mode: 'exact',
      iotPort: 'both',
      targets: ['pfsense', 'iptables'],
      out,
    });
    // plan, check and render take the same profile.
    expect((await cli('plan', '--profile', profile)).stdout).toBe((await cli('plan', '--agents', 'rdms')).stdout);
  });
});

describe('answers from a profile', () => {
  it('fills every step, and saving goes back to the same file without asking', async () => {
    const dir = tmp();
    const file = join(dir, 'site.json');
    writeProfile(file, {
      site: 'Depot',
      agents: ['erds'],
      options: ['cca-activation'],
      sources: ['192.0.2.0/24'],
      proxy: 'http://svc@127.0.0.1:3128',
      mode: 'wildcard',
      iotPort: '443',
      targets: ['pac'],
      out: join(dir, 'out'),
    });
    const app = start(readProfile(file, catalogue), file);
    const agents = await app.waitFor('(1 chosen)');
    expect(agents).toContain('[x] erds');
    expect(agents).toContain('[x] + cca-activation');
    await app.press(KEY.enter);
    const site = await app.waitFor('Site details');
    expect(site).toMatch(/Site name +Depot/);
    expect(site).toMatch(/Subnets +192\.0\.2\.0\/24/);
    expect(site).toMatch(/Proxy +http:\/\/svc@127\.0\.0\.1:3128/);
    expect(site).toContain('[wildcard]');
    expect(site).toContain('[443]');
    await app.press(KEY.enter);
    await app.waitFor('(wildcard mode');
    await app.press(KEY.enter, 's');
    expect(await app.waitFor('Rules: choose targets (1 chosen)')).toContain('[x] pac');
    await app.press(KEY.enter);
    await app.waitFor('Wrote 1 file to');
    expect(readFileSync(join(dir, 'out', 'pac', 'emaint-egress.pac'), 'utf8')).toContain('PROXY 127.0.0.1:3128');
    // The loaded profile is the default, and saving over it needs no confirmation.
    expect(app.frame()).toContain(`Profile ${file}`.slice(0, 60));
    await app.press(KEY.enter);
    await app.waitFor('Saved.');
    expect(await app.ended()).toBe('finished');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({
      agents: ['erds'],
      options: ['cca-activation'],
      proxy: 'http://svc@127.0.0.1:3128',
      mode: 'wildcard',
      iotPort: '443',
    });
  });
});

describe('saving the run from the check step', () => {
  it('w saves the verdict as check --save would (site endpoint included); an earlier run is replaced once confirmed, another file never', async () => {
    dns.handle((q) => reply(q, [], { rcode: 'NXDOMAIN' }));
    const dir = tmp();
    const file = join(dir, 'site.json');
    const endpoint = { host: 'fw.canon-regional.example', ports: [443], reason: 'regional firmware server', requestedBy: 'J. Jansen' };
    writeProfile(file, { agents: ['rdms'], dnsServer: dnsServerText(dns.server), endpoints: [endpoint] });
    const app = start(readProfile(file, catalogue), file);
    await app.waitFor('(1 chosen)');
    await app.press(KEY.enter);
    await app.waitFor('Site details');
    await app.press(KEY.enter);
    const plan = await app.waitFor('The plan: 4 flows to 4 hosts');
    expect(plan).toMatch(/fw\.canon-regional\.example +tcp\/443 +site/);
    await app.press(KEY.enter);
    await app.waitFor('Check from this network');
    await app.press(KEY.enter);
    await app.waitFor('4 of 4 flows fail');
    expect(app.frame()).toContain('w save');
    await app.press('w');
    const prompt = await app.waitFor('› Run file');
    expect(prompt).toContain('emaint-run-20261121-1000.json');
    expectFits(prompt);
    const path = join(dir, 'runs', 'first.json');
    await app.press(CTRL_U);
    await app.type(path);
    await app.press(KEY.enter);
    expectFits(await app.waitFor('Saved the run to'));
    const run = readRun(path);
    expect(run).toMatchObject({
      agents: ['rdms'],
      startedAt: NOW.toISOString(),
      resolver: dnsServerText(dns.server).includes(':') ? dnsServerText(dns.server) : `${dnsServerText(dns.server)}:53`,
      profile: { path: file, document: { agents: ['rdms'] } },
      endpoints: [{ ...endpoint, protocol: 'tcp' }],
    });
    expect(run.flows.map((f) => [f.host, f.status])).toEqual([
      ['a02.c-cdsknn.net', 'dns-error'],
      ['device.c-cdsknn.net', 'dns-error'],
      ['device02.c-cdsknn.net', 'dns-error'],
      ['fw.canon-regional.example', 'dns-error'],
    ]);
    expect(run.flows.at(-1)?.site).toEqual({ reason: endpoint.reason, requestedBy: endpoint.requestedBy });
    // The CLI writes the same document for the same answers, but for how long each lookup took
    // (and the app's answers hold its rules folder, shown with its default on the rules step).
    const cliRun = join(dir, 'cli.json');
    expect((await cliAt('check', '--profile', file, '--timeout', '3000', '--save', cliRun)).code).toBe(1);
    const same = (r: typeof run) => ({
      ...r,
      seconds: 0,
      flows: r.flows.map((f) => ({ ...f, timings: null, attempts: [] })),
      profile: { ...r.profile, document: { ...r.profile?.document, out: undefined } },
    });
    expect(same(readRun(cliRun))).toEqual(same(run));

    // The same path again: asked first; enter is the yes.
    await app.press('w', CTRL_U);
    await app.type(path);
    await app.press(KEY.enter);
    expect(await app.waitFor('is an earlier run. Replace it?')).toContain('enter replace it');
    await app.press(KEY.enter);
    await app.waitFor('Saved the run to');
    // A file that is not a run (the profile) is never replaced.
    const profile = readFileSync(file, 'utf8');
    await app.press('w', CTRL_U);
    await app.type(file);
    await app.press(KEY.enter);
    expect(await app.waitFor('exists and is not a saved run')).toContain('✗');
    expect(readFileSync(file, 'utf8')).toBe(profile);
    // esc closes the prompt; the step's keys are back.
    await app.press(KEY.escape);
    await app.waitFor('w save');
    expect(app.frame()).not.toContain('› Run file');
  });
});

describe('nothing is replaced or half-written without the user saying so', () => {
  it('asks before replacing rule files; esc keeps them', async () => {
    const out = tmp();
    const existing = join(out, 'pfsense', 'emaint-egress.xml');
    const app = start({ agents: ['rdms'], targets: ['pfsense'], out });
    await app.press(KEY.enter, KEY.enter, KEY.enter, 's');
    await app.waitFor('Rules: choose targets (1 chosen)');
    // First write: nothing in the way.
    await app.press(KEY.enter);
    await app.waitFor('Wrote 1 file to');
    writeFileSync(existing, 'the site’s own edits\n');
    await app.press(KEY.escape);
    await app.waitFor('Rules: choose targets');
    await app.press(KEY.enter);
    const asking = await app.waitFor('1 file already exists. Replace it?');
    expect(asking).toContain(`  ${existing}`);
    expect(asking).toContain('enter replace · esc keep the files as they are');
    await app.press(KEY.escape);
    await app.waitFor(/Rules: choose targets[\s\S]*↑↓ move/);
    expect(readFileSync(existing, 'utf8')).toBe('the site’s own edits\n');
    await app.press(KEY.enter);
    await app.waitFor('Replace it?');
    await app.press(KEY.enter);
    await app.waitFor('Wrote 1 file to');
    expect(readFileSync(existing, 'utf8')).toContain('<aliases>');
  });

  it('asks before saving over a file other than the loaded profile', async () => {
    const dir = tmp();
    const other = join(dir, 'other.json');
    writeFileSync(other, 'keep me\n');
    const app = start({ agents: ['rdms'] });
    await app.press(KEY.enter, KEY.enter, KEY.enter, 's', KEY.enter);
    await app.waitFor('No rule files written (no target chosen).');
    await app.press(CTRL_U);
    await app.type(other);
    await app.press(KEY.enter);
    await app.waitFor('already exists. Replace it?');
    expect(readFileSync(other, 'utf8')).toBe('keep me\n');
    await app.press(KEY.enter);
    await app.waitFor('Saved.');
    expect(JSON.parse(readFileSync(other, 'utf8'))).toMatchObject({ agents: ['rdms'] });
  });

  it('a target the answers cannot serve is refused inline, and nothing is written', async () => {
    const out = tmp();
    const app = start({ agents: ['cca'], targets: ['pfsense', 'pac'], out });
    await app.press(KEY.enter, KEY.enter, KEY.enter, 's', KEY.enter);
    const refused = await app.waitFor('✗ the pac target routes through the site’s proxy');
    expectFits(refused);
    expect(readdirSync(out)).toEqual([]);
  });

  const steps: [string, (app: Driven) => Promise<void>][] = [
    ['agents', async (app) => void (await app.waitFor('Which agents'))],
    [
      'a site text field',
      async (app) => {
        await app.press(KEY.enter);
        await app.waitFor('Site details');
        await app.type('half-typed');
      },
    ],
    [
      'the plan',
      async (app) => {
        await app.press(KEY.enter, KEY.enter);
        await app.waitFor('The plan');
      },
    ],
    [
      'a running check',
      async (app) => {
        dns.handle(() => new Promise(() => {}));
        await app.press(KEY.enter, KEY.enter, KEY.enter, KEY.enter);
        await app.waitFor('Checking: 0 of 3 done');
      },
    ],
    [
      'the rules',
      async (app) => {
        await app.press(KEY.enter, KEY.enter, KEY.enter, 's');
        await app.waitFor('Rules');
      },
    ],
    [
      'the profile prompt',
      async (app) => {
        await app.press(KEY.enter, KEY.enter, KEY.enter, 's', KEY.enter);
        await app.waitFor('Wrote 1 file');
      },
    ],
  ];
  it.each(steps)('Ctrl-C at %s ends the app at once, with no profile written and no temporary file left', async (_name, reach) => {
    const out = tmp();
    const app = start({ agents: ['rdms'], targets: ['pfsense'], out: join(out, 'rules') });
    await reach(app);
    const before = listAll(out);
    await app.press(KEY.ctrlC);
    expect(await app.ended()).toBe('cancelled');
    expect(listAll(out)).toEqual(before);
    expect(before.every((p) => !p.includes('.tmp'))).toBe(true);
    expect(existsSync(join(process.cwd(), 'emaint-site.json'))).toBe(false);
  });
});

/** The frame with white space folded: wrapped text reads as one line. */
const folded = (frame: string) => frame.replace(/\s+/g, ' ');

describe('the plan in wildcard mode', () => {
  it('shows the wildcard domains, the planned hosts each lets through and their risks before anything is written', async () => {
    const out = tmp();
    const app = start({ agents: ['cca', 'meap-http'], mode: 'wildcard', targets: ['pac'], out });
    await app.press(KEY.enter, KEY.enter);
    const first = await app.waitFor('(wildcard mode)');
    expectFits(first);
    // The worst risk on the first screen; the rest a page down.
    expect(folded(first)).toContain('! *.amazonaws.com opens all of AWS, every service in every region');
    let screen = first;
    for (let pages = 0; app.frame().includes('more lines'); pages++) {
      expect(pages).toBeLessThan(5);
      const before = app.frame();
      await app.press(KEY.pageDown);
      await expect.poll(() => app.frame()).not.toBe(before);
      expectFits(app.frame());
      screen += app.frame();
    }
    const rules = buildRules(catalogue, planFlows(catalogue, { agents: ['cca', 'meap-http'], options: [] }), { mode: 'wildcard', iotPort: 'both' });
    expect(rules.warnings).toHaveLength(3);
    // Every warning the written rules carry, word for word: the risks of *.amazonaws.com and the others.
    for (const w of rules.warnings) expect(folded(screen)).toContain(`! ${w}`);
    for (const d of rules.destinations.filter((x) => x.kind === 'wildcard')) {
      expect(screen).toContain(`${d.name} · tcp/${d.ports.join(', ')}`);
      expect(folded(screen)).toContain(`planned host${d.hosts.length === 1 ? '' : 's'} ${d.hosts.join(', ')}`);
    }
    expect(readdirSync(out)).toEqual([]);
    // tab: the flows, as in exact mode; tab again: the wildcards.
    await app.press(KEY.tab);
    expect(await app.waitFor(/› cognito-identity\.eu-central-1\.amazonaws\.com +tcp\/443/)).toContain('tab the wildcards');
    await app.press(KEY.tab);
    await app.waitFor('opens all of AWS');
  });

  it('exact mode shows the flows only', async () => {
    const app = start({ agents: ['cca', 'meap-http'] });
    await app.press(KEY.enter, KEY.enter);
    await app.waitFor('(exact mode)');
    await app.press(KEY.tab);
    const screen = await app.waitFor(/› cognito-identity/);
    expect(screen).not.toMatch(/opens all of AWS|wildcard|tab/);
  });
});

describe('the check verdict, one flow at a time', () => {
  it('tab shows the flow under the cursor in full, wrapped, with its cause and fix; ↑↓ pick another (80x24 and 60x16)', async () => {
    // a02 is sinkholed (a detail longer than 80 columns), device answers loopback (refused), device02 does not exist.
    dns.handle((q) => {
      if (q.name === 'a02.c-cdsknn.net' && q.type === 'A') return reply(q, [A(q.name, '0.0.0.0')]);
      if (q.name === 'device.c-cdsknn.net' && q.type === 'A') return reply(q, [A(q.name, '127.0.0.1')]);
      return reply(q, [], { rcode: q.name === 'device02.c-cdsknn.net' ? 'NXDOMAIN' : 'NOERROR' });
    });
    const resolver = dnsServerText(dns.server);
    const detail = `${resolver} answers a02.c-cdsknn.net with 0.0.0.0 (unspecified): no host can be reached there (a DNS filter or sinkhole)`;
    expect(detail.length).toBeGreaterThan(80);
    for (const size of [
      { columns: 80, rows: 24 },
      { columns: 60, rows: 16 },
    ]) {
      const app = driveApp(services, { catalogue, answers: { agents: ['rdms'] }, loadedProfile: null, envPassword: undefined }, size);
      apps.push(app);
      await app.press(KEY.enter, KEY.enter, KEY.enter, KEY.enter);
      const summary = await app.waitFor('Check results');
      expect(folded(summary)).not.toContain(detail);
      await app.press(KEY.tab);
      const first = await app.waitFor('Check results: flow 1 of 3');
      expectFits(first, size);
      expect(first).toMatch(/› ✗ dns-error +a02\.c-cdsknn\.net:443/);
      expect(folded(first)).toContain(`✗ dns-error a02.c-cdsknn.net:443 · for rdms ${detail}`);
      // Its cause and fix, further down the detail on a small terminal.
      await app.press(KEY.pageDown);
      const fix = folded(await app.waitFor('fix: allow a02.c-cdsknn.net in the DNS filter'));
      expect(fix).toContain('answers these names with addresses no host can be reached at');
      expect(fix).not.toContain('NXDOMAIN');
      await app.press(KEY.down);
      const second = await app.waitFor('Check results: flow 2 of 3');
      expectFits(second, size);
      expect(folded(second)).toContain('✗ refused device.c-cdsknn.net:443 · for rdms');
      if (size.rows === 24) expect(folded(second)).toMatch(/Attempts 127\.0\.0\.1 refused in \d+ ms \(ECONNREFUSED\)/);
      await app.press(KEY.tab);
      await app.waitFor(/Check results\n/);
    }
  });
});

describe('the rules step', () => {
  it('a chooses every target, and again none', async () => {
    const app = start({ agents: ['rdms'] });
    await app.press(KEY.enter, KEY.enter, KEY.enter, 's');
    await app.waitFor('Rules: choose targets (0 chosen)');
    await app.press('a');
    const all = await app.waitFor(`(${TARGETS.length} chosen)`);
    expectFits(all);
    expect(all).toContain('a all/none');
    for (const t of TARGETS) expect(all).toMatch(new RegExp(`\\[x\\] ${t} `));
    await app.press('a');
    const none = await app.waitFor('(0 chosen)');
    for (const t of TARGETS) expect(none).toMatch(new RegExp(`\\[ \\] ${t} `));
  });

  it('the footer names ctrl-z where it has room', async () => {
    const app = start();
    expect(await app.waitFor('Which agents')).toContain('ctrl-c quit · ctrl-z suspend');
  });
});

describe("the rules step: each target's own settings", () => {
  /** Every file under a folder, by its path in it. */
  const filesIn = (dir: string) => Object.fromEntries(readdirSync(dir).map((n) => [n, readFileSync(join(dir, n), 'utf8')]));

  it('sets the iptables jump and position: the files are what render writes with the same settings, and the profile keeps them', async () => {
    const out = join(tmp(), 'rules');
    const app = start({ agents: ['rdms'], sources: [] });
    await app.press(KEY.enter, KEY.enter, KEY.enter, 's');
    await app.waitFor('Rules: choose targets (0 chosen)');
    await app.press(KEY.down, KEY.space);
    const listed = await app.waitFor(`Settings (${targets.iptables.options.length}): tab to change them`);
    expectFits(listed);
    expect(listed).toMatch(/iptables +Jump from chain +\[none\] +output +forward +\(default\)/);
    expect(listed).toMatch(/Position +\(default: top\)/);
    expect(listed).toContain('tab settings');
    await app.press(KEY.tab, KEY.right, KEY.right);
    const hook = await app.waitFor(/› iptables +Jump from chain +none +output +\[forward\]/);
    expectFits(hook);
    // Focused, the settings take the target list's rows: every one of them shows.
    expect(hook).toMatch(/Set timeout +\(default: 1d\)/);
    expect(hook).toContain('add the jump into the rules from this existing chain');
    expect(hook).toContain('←→ change');
    await app.press(KEY.down);
    await app.type('before:3');
    expect(await app.waitFor(/› +Position +before:3/)).not.toContain('✗');
    await app.press(KEY.tab, CTRL_U);
    await app.type(out);
    await app.press(KEY.enter);
    await app.waitFor('Wrote');
    const flags = ['--agents', 'rdms', '--target', 'iptables'];
    const byFlags = join(tmp(), 'flags');
    expect((await cliAt('render', ...flags, '--hook', 'forward', '--position', 'before:3', '--out', byFlags)).code).toBe(0);
    expect(filesIn(join(out, 'iptables'))).toEqual(filesIn(byFlags));
    // Not the defaults' files: the settings made a difference.
    const plain = join(tmp(), 'plain');
    expect((await cliAt('render', ...flags, '--out', plain)).code).toBe(0);
    expect(filesIn(plain)).not.toEqual(filesIn(byFlags));

    const profile = join(tmp(), 'site.json');
    await app.press(CTRL_U);
    await app.type(profile);
    await app.press(KEY.enter);
    expect(await app.ended()).toBe('finished');
    expect(JSON.parse(readFileSync(profile, 'utf8'))).toMatchObject({ settings: { iptables: { hook: 'forward', position: 'before:3' } } });
    const byProfile = join(tmp(), 'profile');
    expect((await cliAt('render', '--profile', profile, '--target', 'iptables', '--out', byProfile)).code).toBe(0);
    expect(filesIn(byProfile)).toEqual(filesIn(byFlags));
  });

  it('refuses a bad value inline under its label, and enter writes nothing (80x24 and 60x16)', async () => {
    for (const size of [
      { columns: 80, rows: 24 },
      { columns: 60, rows: 16 },
    ]) {
      const out = tmp();
      const app = driveApp(
        services,
        { catalogue, answers: { agents: ['rdms'], targets: ['pfsense'], out }, loadedProfile: null, envPassword: undefined },
        size,
      );
      apps.push(app);
      await app.press(KEY.enter, KEY.enter, KEY.enter, 's');
      // With the settings focused they have the rows (a short terminal shows only the targets before).
      await app.waitFor('Rules: choose targets');
      await app.press(KEY.tab);
      expectFits(await app.waitFor(/pfsense +pfSense interface +\(default: lan\)/), size);
      await app.type('LAN');
      const bad = await app.waitFor("✗ pfSense interface: 'LAN'");
      expectFits(bad, size);
      expect(bad).toMatch(/› pfsense +pfSense interface +LAN/);
      await app.press(KEY.enter);
      expectFits(await app.waitFor('✗ fix the marked setting first'), size);
      expect(readdirSync(out)).toEqual([]);
      expect(app.frame()).toContain('[5 Rules]');
    }
  });

  it("a profile's settings fill the fields; the PAC proxy shows the site's as its default; the files are render --profile's", async () => {
    const dir = tmp();
    const file = join(dir, 'site.json');
    writeProfile(file, {
      agents: ['rdms'],
      proxy: 'http://svc@127.0.0.1:3128',
      targets: ['pfsense', 'pac'],
      settings: { pfsense: { interface: 'opt1', import: 'rest-api' }, pac: { 'pac-route': 'direct' } },
      out: join(dir, 'out'),
    });
    const app = start(readProfile(file, catalogue), file);
    await app.press(KEY.enter, KEY.enter, KEY.enter, 's');
    const rules = await app.waitFor(`Settings (${targets.pfsense.options.length + targets.pac.options.length})`);
    expect(rules).toMatch(/pfsense +pfSense interface +opt1/);
    expect(rules).toMatch(/pfSense import +config-xml +\[rest-api\]/);
    expect(rules).not.toContain('svc');
    // Focused, the settings take the target list's rows: the PAC ones show too.
    await app.press(KEY.tab);
    const focused = await app.waitFor("the chosen targets' settings");
    expect(focused).toMatch(/pac +Proxy +\(default: site proxy http:\/\/127\.0\.0\.1:3128\)/);
    expect(focused).toMatch(/PAC route +proxy +\[direct\]/);
    expect(focused).not.toContain('svc');
    await app.press(KEY.enter);
    await app.waitFor('Wrote 2 files');
    for (const t of ['pfsense', 'pac']) {
      const want = join(tmp(), t);
      expect((await cliAt('render', '--profile', file, '--target', t, '--out', want)).code).toBe(0);
      expect(filesIn(join(dir, 'out', t))).toEqual(filesIn(want));
    }
    expect(Object.keys(filesIn(join(dir, 'out', 'pfsense')))).toEqual(['emaint-egress.pfsense-api.json']);
  });
});

describe('layout', () => {
  it('fits a 60x16 terminal at every step: long lists scroll', async () => {
    const size = { columns: 60, rows: 16 };
    const app = driveApp(services, { catalogue, answers: { agents: catalogue.agents.map((a) => a.id) }, loadedProfile: null, envPassword: undefined }, size);
    apps.push(app);
    expectFits(await app.waitFor('(9 chosen'), size);
    await app.press(KEY.enter);
    const site = await app.waitFor('Site details');
    expectFits(site, size);
    expectSiteFields(site);
    await app.press(KEY.enter);
    const plan = await app.waitFor('The plan: 22 flows');
    expectFits(plan, size);
    expect(plan).toMatch(/The plan: 22 flows to 21 hosts \(rows 1–\d+\)/);
    await app.press(KEY.pageDown, KEY.pageDown, KEY.pageDown);
    expectFits(await app.waitFor('b01.ugwdevice.net'), size);
    await app.press(KEY.enter);
    expectFits(await app.waitFor('Check from this network'), size);
    await app.press('s');
    expectFits(await app.waitFor('Rules'), size);
  });

  it('the site step with four fields in error still shows every field: the focused error whole, every other one at least marked (80x24, 60x16, 40x15)', async () => {
    for (const size of [{ columns: 80, rows: 24 }, { columns: 60, rows: 16 }, MIN_SIZE]) {
      const app = driveApp(services, { catalogue, answers: { agents: ['cca'] }, loadedProfile: null, envPassword: undefined }, size);
      apps.push(app);
      await app.press(KEY.enter);
      await app.waitFor('Site details');
      await app.type('x'.repeat(100));
      await app.press(KEY.down);
      await app.type('10.20.0.5/24');
      await app.press(KEY.down);
      await app.type('http://u@proxy:99999');
      await app.press(KEY.down, KEY.down);
      await app.type('1.2.3.4.5');
      await app.press(KEY.enter);
      const refused = await app.waitFor('✗ fix the marked field first');
      expectFits(refused, size);
      expectSiteFields(refused);
      // Enter went back to the first field in error; its error is there in full.
      expect(refused).toMatch(/^› Site name /m);
      // (At 40x15 one line of it: the fields and the step's error line take the other rows.)
      expect(folded(refused)).toContain(size === MIN_SIZE ? '✗ site name' : '✗ site name is longer than 80 characters');
      const rows = refused.split('\n');
      for (const label of ['Subnets', 'Proxy', 'DNS server']) {
        const at = rows.findIndex((r) => new RegExp(`^[›✗ ] ${label} {2,}`).test(r));
        const marked = rows[at]?.startsWith('✗') === true || /^ +✗ /.test(rows[at + 1] ?? '');
        expect(marked, `${size.columns}x${size.rows} ${label}:\n${refused}`).toBe(true);
      }
    }
  });

  it('fits 40x15, the smallest terminal it takes: each step with every row of its own', async () => {
    const size = MIN_SIZE;
    const app = driveApp(services, { catalogue, answers: { agents: ['cca', 'rdms'] }, loadedProfile: null, envPassword: undefined }, size);
    apps.push(app);
    const agents = await app.waitFor('Which agents are in use?');
    expectFits(agents, size);
    expect(agents).toMatch(/^› \[x\] cca /m);
    await app.press(KEY.enter);
    const site = await app.waitFor('Site details');
    expectFits(site, size);
    expectSiteFields(site);
    await app.press(KEY.enter);
    const plan = await app.waitFor('The plan: ');
    expectFits(plan, size);
    expect(plan).toMatch(/^ {2}HOST +PORT/m);
    expect(plan).toMatch(/^› cognito-ide/m);
    await app.press(KEY.enter);
    const ready = await app.waitFor('Check from this network');
    expectFits(ready, size);
    for (const row of ['Flows', 'Resolver', 'Route', 'Timeout']) expect(ready).toMatch(new RegExp(`^ {2}${row} +\\S`, 'm'));
    await app.press('s');
    expectFits(await app.waitFor('Rules: choose targets'), size);
  });

  it('below 40x15 it says how large a terminal it needs, and no key but ctrl-c acts', async () => {
    for (const size of [
      { columns: 40, rows: 14 },
      { columns: 39, rows: 24 },
      { columns: 20, rows: 5 },
    ]) {
      const app = driveApp(services, { catalogue, answers: { agents: ['cca'] }, loadedProfile: null, envPassword: undefined }, size);
      apps.push(app);
      const said = await app.waitFor('emaint-egress needs');
      expectFits(said, size);
      if (size.rows > 5) expect(folded(said)).toContain(`needs a terminal of at least 40x15; this one is ${size.columns}x${size.rows}`);
      await app.press(KEY.enter, KEY.enter, 'a', KEY.space);
      expect(app.frame()).toBe(said);
      expect(app.outcome()).toBeNull();
      await app.press(KEY.ctrlC);
      expect(await app.ended()).toBe('cancelled');
    }
  });

  it("a site endpoint's longest host name shows whole in the plan's detail at 80x24, nothing drawn over it", async () => {
    // A valid DNS name longer than the terminal is wide, with a reason that takes two lines.
    const host = `${'a'.repeat(63)}.${'b'.repeat(63)}.example`;
    const reason = 'the regional firmware server the devices of this site fetch their updates from, as the network team asked in ticket 4711';
    const app = driveApp(services, {
      catalogue,
      answers: { agents: ['rdms'], endpoints: [{ host, ports: [443], protocol: 'tcp', reason, requestedBy: 'J. Jansen' }] },
      loadedProfile: null,
      envPassword: undefined,
    });
    apps.push(app);
    await app.press(KEY.enter, KEY.enter);
    await app.waitFor('The plan: 4 flows');
    await app.press(KEY.down, KEY.down, KEY.down);
    const detail = await app.waitFor('Needed by: site');
    expectFits(detail);
    expect(detail.replaceAll('\n', '')).toContain(`${host} tcp/443`);
    expect(folded(detail)).toContain('Site-specific (not in the Canon catalogue): the regional firmware server');
  });
});

/** The site step's fields, each on a row of its own (none drawn over by another), in order. */
function expectSiteFields(frame: string): void {
  const rows = frame.split('\n');
  const at = FIELDS.map((f) => rows.findIndex((r) => new RegExp(`^[›✗ ] ${f.label} {2,}`).test(r)));
  expect(
    at.every((i) => i >= 0),
    frame,
  ).toBe(true);
  expect(at).toEqual([...at].sort((a, b) => a - b));
}

function listAll(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}
