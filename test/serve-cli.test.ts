// `emaint-egress serve` as a user runs it: the built CLI in a child process, its profiles
// pointing at a dns-packet resolver on loopback that answers every name with a loopback
// address nothing listens on (so every flow is refused, and no packet leaves loopback).
// Bad input before anything listens, real probes, no password anywhere, SIGTERM.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { plan } from '../src/core/planner.js';
import { catalogue } from './helpers/catalogue.js';
import { BIN, bin } from './helpers/cli.js';
import { A, type TestServer, reply, startServer } from './helpers/dns-server.js';
import { parseExposition, promtool } from './helpers/exposition.js';
import { hasTool } from './helpers/system.js';
import { tempDirs } from './helpers/tmp.js';

const tempDir = tempDirs('ee-serve-');
const SECRET = 'Tr0ub4dor-3-exporter';
const FAR = '127.0.77.1';
const CCA_FLOWS = plan(catalogue, { agents: ['cca'], options: [] }).flows.length;

let dns: TestServer;
beforeAll(async () => {
  dns = await startServer();
  dns.handle((q) => (q.type === 'A' ? reply(q, [A(q.name, FAR)]) : reply(q, [])));
});
afterAll(async () => dns?.close());

function profileFile(dir: string, name: string, fields: Record<string, unknown> = {}): string {
  const file = join(dir, name);
  const { address, port } = dns.server;
  writeFileSync(file, JSON.stringify({ format: 'emaint-egress-profile', version: 1, agents: ['cca'], dnsServer: `${address}:${port}`, ...fields }));
  return file;
}

interface Running {
  child: ChildProcess;
  address: string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running: Running[] = [];
afterEach(() => {
  for (const r of running.splice(0)) if (r.child.exitCode === null) r.child.kill('SIGKILL');
});

/** Starts `serve` and waits for its "listening" line. */
async function serve(args: string[], env: Record<string, string> = {}): Promise<Running> {
  const child = spawn(process.execPath, [BIN, 'serve', '--listen', '127.0.0.1:0', ...args], {
    env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  let out = '';
  child.stderr?.on('data', (c: Buffer) => {
    err += c.toString();
  });
  child.stdout?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  for (const started = Date.now(); !/msg=listening address=(\S+)/.test(err); ) {
    if (child.exitCode !== null) throw new Error(`serve exited ${child.exitCode}: ${err}`);
    if (Date.now() - started > 10_000) throw new Error(`serve did not start: ${err}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const address = /msg=listening address=(\S+)/.exec(err)?.[1] ?? '';
  const r: Running = { child, address, stderr: () => err + out, exited };
  running.push(r);
  return r;
}

async function get(address: string, path: string, scrapeSeconds?: number): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://${address}${path}`, {
    headers: scrapeSeconds === undefined ? {} : { 'X-Prometheus-Scrape-Timeout-Seconds': String(scrapeSeconds) },
  });
  return { status: res.status, body: await res.text() };
}

describe('serve: bad input is one line and exit code 2, before anything listens', () => {
  it.each<[string, (dir: string) => string[], RegExp]>([
    ['no profile', () => [], /^emaint-egress serve: missing --profile FILE or --profiles DIR: the site profiles to probe$/],
    ['both', (d) => ['--profile', profileFile(d, 'a.json'), '--profiles', d], /^emaint-egress serve: give --profile FILE or --profiles DIR, not both$/],
    [
      '--pac with --profiles',
      (d) => ['--profiles', d, '--pac', 'x.pac'],
      /^emaint-egress serve: --pac goes with --profile; with --profiles, put NAME.pac beside NAME.json$/,
    ],
    [
      'a name for --listen',
      (d) => ['--profile', profileFile(d, 'a.json'), '--listen', 'localhost:9798'],
      /^emaint-egress serve: --listen: 'localhost:9798' is not valid; expected ip:port/,
    ],
    [
      'a bad port',
      (d) => ['--profile', profileFile(d, 'a.json'), '--listen', '127.0.0.1:70000'],
      /^emaint-egress serve: --listen: '127.0.0.1:70000' has a bad port/,
    ],
    [
      'a tiny --timeout',
      (d) => ['--profile', profileFile(d, 'a.json'), '--timeout', '5'],
      /^emaint-egress serve: --timeout: '5' is not valid; expected a whole number of milliseconds from 100 to 120000$/,
    ],
    [
      'a name that cannot be a label',
      (d) => ['--profile', profileFile(d, 'my site.json')],
      /^emaint-egress serve: --profile .*my site\.json: 'my site' cannot be a profile name; /,
    ],
    [
      'a profile with a password',
      (d) => ['--profile', profileFile(d, 'a.json', { proxy: `http://bob:${SECRET}@127.0.0.1:3128` })],
      /^emaint-egress serve: profile .*a\.json: "proxy"/,
    ],
    ['an empty folder', (d) => ['--profiles', join(d, 'empty')], /^emaint-egress serve: --profiles .*empty holds no profile \(NAME\.json\)$/],
    [
      'a PAC file without FindProxyForURL',
      (d) => {
        writeFileSync(join(d, 'bad.pac'), 'var x = 1;\n');
        return ['--profile', profileFile(d, 'a.json'), '--pac', join(d, 'bad.pac')];
      },
      /^emaint-egress serve: --pac .*bad\.pac: not a usable PAC file: /,
    ],
  ])('%s', (_, args, message) => {
    const dir = tempDir();
    mkdirSync(join(dir, 'empty'));
    const r = bin('serve', '--listen', '127.0.0.1:0', ...args(dir));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')).toHaveLength(2);
    expect(r.stderr.trimEnd()).toMatch(message);
    expect(r.stderr).not.toContain(SECRET);
  });

  it('a port already taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const r = bin('serve', '--profile', profileFile(tempDir(), 'a.json'), '--listen', `127.0.0.1:${port}`);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`emaint-egress serve: --listen 127.0.0.1:${port}: cannot listen: the port is taken (EADDRINUSE)\n`);
    } finally {
      taken.close();
    }
  });
});

describe('serve: probes', () => {
  it('a scrape runs the check of the profile and answers with its results; one log line per probe', async () => {
    const s = await serve(['--profile', profileFile(tempDir(), 'acme.json')]);
    const r = await get(s.address, '/probe?profile=acme', 3);
    expect(r.status).toBe(200);
    const samples = parseExposition(r.body);
    const status = samples.filter((x) => x.name === 'emaint_egress_flow_status' && x.value === 1);
    expect(status).toHaveLength(CCA_FLOWS);
    expect(new Set(status.map((x) => x.labels['status']))).toEqual(new Set(['refused']));
    expect(samples.find((x) => x.name === 'emaint_egress_probe_phase_timeout_seconds')?.value).toBe(0.625);
    if (hasTool('promtool')) {
      expect(promtool(['check', 'metrics'], r.body)).toEqual({ status: 0, output: '' });
      expect(promtool(['check', 'metrics'], (await get(s.address, '/metrics')).body)).toEqual({ status: 0, output: '' });
    }
    const lines = s.stderr().split('\n');
    expect(lines.filter((l) => l.includes(' msg=probe '))).toEqual([
      expect.stringMatching(
        new RegExp(
          `^ts=\\S+Z level=info msg=probe profile=acme result=failed flows=${CCA_FLOWS} ok=0 failed=${CCA_FLOWS} statuses=refused:${CCA_FLOWS} duration_seconds=\\d+\\.\\d{3} phase_timeout_ms=625$`,
        ),
      ),
    ]);
  });

  it('never shows the proxy password: not in /probe, /metrics, the index, an error page or the log', async () => {
    const dir = tempDir();
    // A proxy port nothing listens on: the flows fail at the proxy, after the password was loaded.
    const s = await serve(['--profile', profileFile(dir, 'proxied.json', { proxy: 'http://fieldeng@127.0.0.1:9' })], { EMAINT_PROXY_PASSWORD: SECRET });
    const pages = await Promise.all(['/probe?profile=proxied', '/metrics', '/', '/probe?profile=other', '/nope'].map((p) => get(s.address, p, 3)));
    expect(pages.map((p) => p.status)).toEqual([200, 200, 200, 404, 404]);
    const probe = parseExposition(pages[0]?.body ?? '');
    expect(new Set(probe.filter((x) => x.name === 'emaint_egress_flow_status' && x.value === 1).map((x) => x.labels['status']))).toEqual(
      new Set(['proxy-error']),
    );
    expect(probe.find((x) => x.name === 'emaint_egress_probe_phase_timeout_seconds')?.value).toBe(0.5);
    for (const p of pages) expect(p.body).not.toContain(SECRET);
    expect(s.stderr()).not.toContain(SECRET);
  });

  it('serves every profile of a folder, each with its own route (NAME.pac beside NAME.json)', async () => {
    const dir = tempDir();
    profileFile(dir, 'direct.json');
    profileFile(dir, 'paced.json');
    writeFileSync(join(dir, 'paced.pac'), 'function FindProxyForURL(url, host) { return "DIRECT"; }\n');
    const s = await serve(['--profiles', dir]);
    const [d, p] = await Promise.all([get(s.address, '/probe?profile=direct', 4), get(s.address, '/probe?profile=paced', 4)]);
    const phase = (body: string) => parseExposition(body).find((x) => x.name === 'emaint_egress_probe_phase_timeout_seconds')?.value;
    expect([d.status, p.status]).toEqual([200, 200]);
    expect([phase(d.body), phase(p.body)]).toEqual([0.875, 0.583]);
    expect(s.stderr()).toMatch(/msg=listening address=\S+ profiles=direct,paced/);
  });
});

describe('serve: SIGTERM', () => {
  it('stops cleanly: the scrape under way gets its answer, then exit code 0', async () => {
    // A resolver that takes its time, so the probe is under way when the signal comes.
    const slow = await startServer();
    slow.handle((q) => [{ delayMs: 600 }, q.type === 'A' ? reply(q, [A(q.name, FAR)]) : reply(q, [])]);
    try {
      const dir = tempDir();
      const file = join(dir, 'slow.json');
      writeFileSync(file, JSON.stringify({ format: 'emaint-egress-profile', version: 1, agents: ['cca'], dnsServer: `127.0.0.1:${slow.server.port}` }));
      const s = await serve(['--profile', file]);
      const pending = get(s.address, '/probe?profile=slow', 6);
      await new Promise((r) => setTimeout(r, 200));
      s.child.kill('SIGTERM');
      const r = await pending;
      expect(r.status).toBe(200);
      expect(parseExposition(r.body).filter((x) => x.name === 'emaint_egress_flow_success')).toHaveLength(CCA_FLOWS);
      expect(await s.exited).toEqual({ code: 0, signal: null });
      const msgs = s
        .stderr()
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => /msg=("[^"]*"|\S+)/.exec(l)?.[1]);
      expect(msgs).toEqual(['listening', '"stopping: no new connections; answers and probes under way finish"', 'probe', 'stopped']);
      await expect(get(s.address, '/metrics')).rejects.toThrow();
    } finally {
      await slow.close();
    }
  });
});
