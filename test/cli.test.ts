import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../src/cli/program.js';
import { catalogue } from './helpers/catalogue.js';
import { BIN, bin, cli, cliOn } from './helpers/cli.js';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
const VALID = 'valid: cca, cdca-v1, cdca-v2, cdca-v2-cca, meap-cca, meap-http, erds, rdms, backup, or all';

describe('agents', () => {
  it('lists every agent id with its name and description', async () => {
    const r = await cli('agents');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    for (const a of catalogue.agents) {
      expect(r.stdout).toMatch(new RegExp(`^${a.id} +${a.name.replace(/[.()&]/g, '\\$&')}$`, 'm'));
    }
    expect(r.stdout).toContain('--cca-activation');
  });

  it('--json gives ids, names and descriptions', async () => {
    const r = await cli('agents', '--json');
    const body = JSON.parse(r.stdout);
    expect(body.catalogue.version).toBe(catalogue.version);
    expect(body.agents.map((a: { id: string }) => a.id)).toEqual(catalogue.agents.map((a) => a.id));
    expect(body.agents[0]).toEqual({
      id: 'cca',
      name: catalogue.agents[0]?.name,
      description: catalogue.agents[0]?.description,
      options: [],
    });
  });
});

describe('plan', () => {
  it('--json has the catalogue version, the agents and one entry per flow', async () => {
    const r = await cli('plan', '--agents', 'all', '--json');
    expect(r.code).toBe(0);
    const body = JSON.parse(r.stdout);
    expect(body.catalogue.version).toBe(catalogue.version);
    expect(body.agents).toHaveLength(9);
    expect(body.flows).toHaveLength(22);
    expect(new Set(body.flows.map((f: { host: string }) => f.host)).size).toBe(21);
    for (const f of body.flows) {
      expect(f).toMatchObject({ host: expect.any(String), protocol: 'tcp', port: expect.any(Number), agents: expect.any(Array) });
      expect(f.provenance.length).toBeGreaterThan(0);
    }
    expect(body).not.toHaveProperty('lan');
  });

  it('takes ids in any case, and all', async () => {
    expect(JSON.parse((await cli('plan', '--agents', 'CCA,eRDS', '--json')).stdout).agents).toEqual(['cca', 'erds']);
    expect(JSON.parse((await cli('plan', '--agents', 'All', '--json')).stdout).agents).toHaveLength(9);
  });

  it('takes ids with spaces and repeats, and --cca-activation adds the eRDS activation host', async () => {
    const plain = JSON.parse((await cli('plan', '--agents', ' erds , erds', '--json')).stdout);
    const activated = JSON.parse((await cli('plan', '--agents', 'erds', '--cca-activation', '--json')).stdout);
    expect(plain.agents).toEqual(['erds']);
    expect(activated.flows.length).toBe(plain.flows.length + 1);
    expect(activated.flows.map((f: { host: string }) => f.host)).toContain('cnvextdata-an1s.srv.ygles.com');
    expect(activated.options).toEqual(['cca-activation']);
  });

  it('prints a readable table: a row per flow, assumed ports marked, the uncovered host named', async () => {
    const r = await cli('plan', '--agents', 'cdca-v2,cca');
    expect(r.code).toBe(0);
    const rows = r.stdout.split('\n').filter((l) => /^\S+\.\S+ +tcp\/\d+/.test(l));
    expect(rows).toHaveLength(JSON.parse((await cli('plan', '--agents', 'cdca-v2,cca', '--json')).stdout).flows.length);
    expect(r.stdout).toMatch(/^gdlp01\.c-wss\.com +tcp\/443\* +cdca-v2$/m);
    expect(r.stdout).toMatch(/^a2etju7iem1tgc-ats\.iot\.eu-central-1\.amazonaws\.com +tcp\/8883 +\[1\] +cca$/m);
    expect(r.stdout).toMatch(/No wildcard covers gdlp01\.c-wss\.com/);
    expect(r.stdout).toMatch(/exempt this\s+host from inspection/);
  });

  it('fits a terminal: no line wider than it, and every agent still listed', async () => {
    for (const columns of [80, 100]) {
      for (const argv of [['plan', '--agents', 'all', '--lan'], ['agents']]) {
        const r = await cliOn(columns, ...argv);
        const long = r.stdout.split('\n').filter((l) => l.length > columns);
        expect(long, `${argv.join(' ')} at ${columns} columns`).toEqual([]);
      }
    }
    const narrow = (await cliOn(80, 'plan', '--agents', 'all')).stdout;
    expect(narrow).toMatch(/^rgt\.srv\.ygles\.com +tcp\/443\n {4}cca, cdca-v2, cdca-v2-cca, meap-cca, backup$/m);
    // Piped (no terminal width): one line per row, for grep.
    expect((await cli('plan', '--agents', 'all')).stdout).toMatch(/^rgt\.srv\.ygles\.com +tcp\/443 +cca, cdca-v2, cdca-v2-cca, meap-cca, backup$/m);
  });

  it('--lan adds the LAN-side flows for the chosen agents', async () => {
    const body = JSON.parse((await cli('plan', '--agents', 'cdca-v1', '--lan', '--json')).stdout);
    expect(body.lan.map((l: { id: string }) => l.id)).toContain('collect-snmp');
    const text = (await cli('plan', '--agents', 'cdca-v1', '--lan')).stdout;
    expect(text).toMatch(/^agent-host +device +udp\/161 +SNMP +cdca-v1$/m);
  });
});

describe('bad input: one line on stderr naming the valid values, exit 2, nothing on stdout', () => {
  it.each([
    [['plan'], /^emaint-egress plan: missing --agents <ids> \(or --profile FILE\); valid: cca.*, or all$/],
    [['plan', '--agents'], /argument missing; valid: cca.*, or all$/],
    [['plan', '--agents', 'foo'], new RegExp(`unknown agent 'foo'; ${VALID}$`)],
    [['plan', '--agents', ''], /--agents is empty; valid: cca/],
    [['plan', '--agents', 'all,ccca'], /unknown agent 'ccca'; valid: cca/],
    [['plan', '--agents', 'cca,,erds'], /empty item in 'cca,,erds'; valid: cca/],
    [['plan', '--agents', 'cca', '--bogus'], /unknown option '--bogus'; valid options: --agents, --cca-activation, --profile, --catalogue, --lan, --json$/],
    [['plan', '--agents', 'cca', 'extra'], /unexpected argument 'extra'; plan takes only options: --agents/],
    [['plna'], /unknown command 'plna' \(Did you mean plan\?\); valid commands: agents, plan, check, render, serve, diff, report$/],
    [
      ['plan', '--agents', 'rdms', '--cca-activation'],
      /^emaint-egress plan: --cca-activation applies to agent erds; add erds to the agents or drop --cca-activation$/,
    ],
    [['agents', '--x'], /unknown option '--x'; valid options: --json$/],
  ])('%j', async (argv, message) => {
    const r = await cli(...argv);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')).toHaveLength(2); // one line and its newline
    expect(r.stderr.trimEnd()).toMatch(message);
  });

  it('never echoes control or bidi characters from the user', async () => {
    for (const argv of [
      ['plan', '--agents', 'cca,\u001b[2J\u001b[31mred\u202e\nnext'],
      ['plan', '--agents', 'cca', '--bo\u001b[2Jgus'],
      ['pl\u001b]0;title\u0007an'],
    ]) {
      const r = await cli(...argv);
      expect(r.code).toBe(2);
      expect(r.stderr.trimEnd()).not.toMatch(/[\u0000-\u001f\u007f\u202e]/);
      expect(r.stderr).toContain('\\u001b');
    }
  });
});

describe('help and version', () => {
  it.each([[['--help']], [['plan', '--help']], [['agents', '-h']], [['help', 'plan']]])('%j prints usage, exit 0', async (argv) => {
    const r = await cli(...argv);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: emaint-egress/);
    expect(r.stderr).toBe('');
  });

  it('no command and no terminal: one line naming --agents, exit 2 (the app never starts)', async () => {
    const r = await cli();
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^emaint-egress: the app needs a terminal \(stdin is not a terminal\); pass --agents <ids> or --profile FILE to print the plan, or run a command: agents, plan, check, render, serve, diff, report; valid: cca, .*, or all\n$/,
    );
  });

  it('--version prints the package version', async () => {
    expect(await cli('--version')).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });
});

describe('the built executable', () => {
  it('is a node script with a shebang', () => {
    expect(readFileSync(BIN, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('stops quietly when its reader goes away (| head)', async () => {
    const child = spawn(process.execPath, [BIN, 'render', '--agents', 'all', '--target', 'squid'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy(); // the reader is gone before the first write
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('plans, and exits 2 with nothing on stdout on bad input', () => {
    const ok = bin('plan', '--agents', 'rdms', '--json');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).flows).toHaveLength(3);
    const bad = bin('plan', '--agents', 'nope');
    expect(bad).toMatchObject({ code: 2, stdout: '' });
    expect(bad.stderr).toMatch(/^emaint-egress plan: --agents: unknown agent 'nope'; valid: /);
    expect(bad.stderr).not.toMatch(/\bat .*\.js:\d+/); // no stack trace
  });
});

describe('a broken catalogue', () => {
  it('is one line on stderr and exit 70 (a broken installation, not a failing flow), with no stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emaint-cli-'));
    const file = join(dir, 'catalogue.json');
    writeFileSync(file, JSON.stringify({ ...JSON.parse(JSON.stringify(catalogue)), version: 'x' }));
    for (const argv of [['plan', '--agents', 'cca'], ['--version'], []]) {
      let stdout = '';
      let stderr = '';
      const code = await run(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) }, { cataloguePath: file });
      expect(code).toBe(70);
      expect(stdout).toBe('');
      expect(stderr).toMatch(/^emaint-egress: invalid catalogue at version: .+\n$/);
    }
  });
});
