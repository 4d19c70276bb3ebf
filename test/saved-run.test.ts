// The saved-run format without a site: a run made from the check's own types survives the
// round trip through its JSON, remote text is stored escaped and read back whole, and
// `check --save` refuses (before any traffic) a path that holds anything but an earlier run.
// The checks here ask a resolver on 127.0.0.1:1, which nothing answers.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { plan } from '../src/core/planner.js';
import { RUN_FORMAT, parseSavedRun, savedRun } from '../src/core/saved-run.js';
import { readRun, runFileState, runJson } from '../src/io/run-file.js';
import { catalogue } from './helpers/catalogue.js';
import { checkOutput } from './helpers/check-output.js';
import { checkResult } from './helpers/check-result.js';
import { cli } from './helpers/cli.js';
import { tempDirs } from './helpers/tmp.js';
import { guardTraffic } from './helpers/traffic-guard.js';

const tmp = tempDirs('ee-saved-run-unit-');
const traffic = guardTraffic();
const LOOPBACK_DNS = ['--dns-server', '127.0.0.1:1', '--timeout', '300'];

function sample() {
  const p = plan(catalogue, { agents: ['rdms'] });
  const hostile = 'Evil CA \u001b[2J\u202e, "quoted" </x>';
  const results = p.flows.map((f, i) =>
    checkResult({
      host: f.host,
      port: f.port,
      agents: f.agents,
      ...(i === 0 ? { issuer: hostile, status: 'tls-untrusted', detail: `issued by ${hostile}` } : {}),
    }),
  );
  return savedRun({
    tool: { name: 'emaint-egress', version: '0.1.0' },
    catalogue,
    catalogueFile: null,
    output: checkOutput(results, { agents: p.agents }),
    flows: p.flows,
    endpoints: [],
    startedAt: new Date('2026-11-21T10:00:00Z'),
    seconds: 1.2345,
    checkedFrom: 'site-pc',
    profile: null,
    proxy: { host: 'proxy.example.com', port: 8080, text: 'proxy.example.com:8080', auth: { user: 'bob', password: 'hunter2' } },
    pac: null,
  });
}

describe('the saved-run format', () => {
  it('round-trips: runJson → parse → the same run; remote text stored escaped, read back whole', () => {
    const run = sample();
    const text = runJson(run);
    expect(text.startsWith(`{\n  "format": "${RUN_FORMAT}",\n  "version": 1,\n`)).toBe(true);
    expect(text).toContain('Evil CA \\u001b[2J\\u202e');
    expect(text).not.toMatch(/[\u001b\u202e]/);
    expect(parseSavedRun(JSON.parse(text))).toEqual(run);
    expect(run.flows[0]?.issuer).toBe('Evil CA \u001b[2J\u202e, "quoted" </x>');
    // The proxy keeps its user, never the password; the wall time in milliseconds.
    expect(run.proxy).toBe('http://bob@proxy.example.com:8080');
    expect(text).not.toContain('hunter2');
    expect(run.seconds).toBe(1.235);
  });

  it('a file is a run when its head says so', () => {
    const dir = tmp();
    const run = join(dir, 'run.json');
    writeFileSync(run, runJson(sample()));
    const profile = join(dir, 'site.json');
    writeFileSync(profile, JSON.stringify({ format: 'emaint-egress-profile', version: 1, agents: ['cca'] }));
    expect([runFileState(run), runFileState(profile), runFileState(dir), runFileState(join(dir, 'none.json'))]).toEqual(['run', 'other', 'other', 'none']);
  });
});

describe('check --save', () => {
  it('refuses a file that is not a saved run before any traffic, and leaves it as it was', async () => {
    const dir = tmp();
    const profile = join(dir, 'site.json');
    const content = JSON.stringify({ format: 'emaint-egress-profile', version: 1, agents: ['rdms'] });
    writeFileSync(profile, content);
    const sent = traffic.sent.length;
    for (const target of [profile, dir]) {
      const r = await cli('check', '--agents', 'rdms', ...LOOPBACK_DNS, '--save', target);
      expect(r).toMatchObject({ code: 2, stdout: '' });
      expect(r.stderr).toBe(`emaint-egress check: --save ${target} exists and is not a saved run; give a new file name (a run replaces only an earlier run)\n`);
    }
    expect(traffic.sent.length).toBe(sent);
    expect(readFileSync(profile, 'utf8')).toBe(content);
    expect((await cli('check', '--agents', 'rdms', '--save', '')).stderr).toMatch(/^emaint-egress check: --save is empty/);
  });

  it('writes a new run (its folder made), replaces an earlier one, and the run reads back', async () => {
    const file = join(tmp(), 'runs', 'today.json');
    const first = await cli('check', '--agents', 'rdms', ...LOOPBACK_DNS, '--save', file, '--json');
    expect(first.code).toBe(1);
    expect(first.stderr).toBe(`note: run saved to ${file}\n`);
    const before = readRun(file);
    expect(before.summary.counts['dns-error']).toBe(3);
    const second = await cli('check', '--agents', 'rdms,erds', ...LOOPBACK_DNS, '--save', file);
    expect(second.code).toBe(1);
    expect(readRun(file).agents).toEqual(['erds', 'rdms']);
    expect(traffic.sent.every((t) => /^(tcp|udp) 127\./.test(t))).toBe(true);
  });
});
