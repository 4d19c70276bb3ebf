// `check --format nagios` as a monitoring plugin: the guidelines' threshold ranges, the
// status line and perfdata against the guidelines' grammar (test/helpers/nagios.ts), the
// state each threshold gives, and UNKNOWN (exit 3, one line on stdout, nothing on stderr)
// for every error, bad flags and internal ones included. The runs that go further send
// traffic only to 127.0.0.1 (a guard refuses anything else); the real site is in
// test/check-formats-site.test.ts.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../src/cli/program.js';
import { UsageError } from '../src/cli/exit-codes.js';
import { alerts, parseRange } from '../src/cli/nagios-range.js';
import { type NagiosOptions, checkNagios, metric } from '../src/cli/output/check-nagios.js';
import { checkOutput } from './helpers/check-output.js';
import { checkResult as result } from './helpers/check-result.js';
import { BIN, type CliResult, cli } from './helpers/cli.js';
import { parsePluginOutput, perfValue } from './helpers/nagios.js';
import { requireSystem } from './helpers/system.js';
import { tempDirs } from './helpers/tmp.js';
import { guardTraffic } from './helpers/traffic-guard.js';

const traffic = guardTraffic();
const tmp = tempDirs('ee-check-nagios-');
const SECRET = 's3cr3t';
/** A loopback port nothing listens on, and a loopback resolver: nothing leaves this host. */
const DEAD = ['--dns-server', '127.0.0.1:1', '--timeout', '300'];

// ---------------------------------------------------------------- ranges

describe('threshold ranges as the guidelines define them', () => {
  // The guidelines' table "Example ranges", and "0", our default for --critical.
  it.each([
    ['10', [-1, 11], [0, 5, 10]],
    ['10:', [9, -1], [10, 1e9]],
    ['~:10', [11], [-1e9, 0, 10]],
    ['10:20', [9, 21], [10, 15, 20]],
    ['@10:20', [10, 15, 20], [9, 21]],
    ['0', [1, -1], [0]],
    ['2.5', [3], [2.5, 0]],
  ] as const)('%s alerts on %j and not on %j', (text, alerting, quiet) => {
    const range = parseRange(text, '--warning');
    expect(range.text).toBe(text);
    for (const v of alerting) expect(alerts(range, v), `${text} at ${v}`).toBe(true);
    for (const v of quiet) expect(alerts(range, v), `${text} at ${v}`).toBe(false);
  });

  it.each(['', ' ', 'abc', '5:1', '@', '~', '1:2:3', '10%', ':5', '1e3', '--5', '@~'])('refuses %j in one line naming the flag', (text) => {
    expect(() => parseRange(text, '--critical')).toThrow(UsageError);
    expect(() => parseRange(text, '--critical')).toThrow(/^--critical: '.*' is not a valid range; expected \[@\]start:end/);
  });
});

// ---------------------------------------------------------------- the plugin output

const CRITICAL_0: NagiosOptions = { warning: null, critical: parseRange('0', '--critical'), seconds: 1.2345 };

function nagios(results: Parameters<typeof checkOutput>[0], options: Partial<NagiosOptions> = {}) {
  const report = checkNagios(checkOutput(results), { ...CRITICAL_0, ...options });
  return { state: report.state, text: report.text, out: parsePluginOutput(report.text) };
}

const OK_A = result({ host: 'a.example', timings: { dns: 3, connect: 20, tls: 40 } });
const OK_B = result({ host: 'b.example', port: 8883, timings: { dns: 7, connect: 10, tls: 15 } });
const DROPPED = result({
  host: 'c.example',
  status: 'timeout',
  detail: '203.0.113.3:443: no answer within 5000 ms',
  timings: { dns: 2, connect: 5000, tls: null },
});
const REFUSED = result({ host: 'd.example', status: 'refused', detail: '203.0.113.4:443: refused (ECONNREFUSED)', timings: { dns: 2, connect: 1, tls: null } });
const NO_FILES = result({
  host: 'e.example',
  status: 'local-error',
  localProblem: 'EMFILE',
  detail: 'this machine is out of open files (EMFILE)',
  timings: { dns: 1, connect: null, tls: null },
});

describe('checkNagios: one status line with perfdata, then the long output', () => {
  it('all flows ok: OK, the counts, the run time and the slowest flow per phase', () => {
    const { state, out, text } = nagios([OK_A, OK_B]);
    expect(state).toBe('OK');
    expect(out).toMatchObject({ service: 'EGRESS', state: 'OK', text: 'all 2 flows get out' });
    expect(out.perf.get('flows_total')).toEqual({ value: '2', uom: '', warn: '', crit: '', min: '0', max: '' });
    expect(out.perf.get('flows_ok')).toEqual({ value: '2', uom: '', warn: '', crit: '', min: '0', max: '2' });
    expect(out.perf.get('flows_failed')).toEqual({ value: '0', uom: '', warn: '', crit: '0', min: '0', max: '2' });
    expect(out.perf.get('flows_untried')).toMatchObject({ value: '0', min: '0', max: '2' });
    expect(out.perf.get('time')).toMatchObject({ value: '1.234', uom: 's', min: '0' });
    expect(out.perf.get('dns_max')).toMatchObject({ value: '0.007', uom: 's' });
    expect(out.perf.get('connect_max')).toMatchObject({ value: '0.020', uom: 's' });
    expect(out.perf.get('tls_max')).toMatchObject({ value: '0.040', uom: 's' });
    expect(text).not.toContain('Failing flows:');
    expect(out.long).toEqual(['Checked 2 flows of cca (catalogue 1.0.0), resolver 10.0.0.53:53, timeout 5000 ms per phase.']);
  });

  it('a failed flow is CRITICAL by default; the status line counts by status, the long output names each flow and fix', () => {
    const { state, out } = nagios([OK_A, DROPPED, REFUSED]);
    expect(state).toBe('CRITICAL');
    expect(out.text).toBe('2 of 3 flows fail (1 timeout, 1 refused)');
    expect(perfValue(out, 'flows_failed')).toBe(2);
    expect(perfValue(out, 'flows_ok')).toBe(1);
    expect(out.perf.get('connect_max')?.value).toBe('5.000');
    expect(out.long).toEqual([
      'Failing flows:',
      '- c.example:443 timeout: 203.0.113.3:443: no answer within 5000 ms',
      '- d.example:443 refused: 203.0.113.4:443: refused (ECONNREFUSED)',
      'Causes and fixes:',
      '- timeout (1 flow): tcp/443 is silently dropped (no answer within the timeout)',
      '  fix: allow tcp/443 to c.example on the firewall',
      '- refused (1 flow): tcp/443 is actively refused (reset or ICMP reject)',
      '  fix: allow tcp/443 to d.example on the firewall, or check that DNS gives their real addresses',
      'Checked 3 flows of cca (catalogue 1.0.0), resolver 10.0.0.53:53, timeout 5000 ms per phase.',
    ]);
  });

  it.each([
    // [warning, critical, failed flows, state]
    ['0', '5', 2, 'WARNING'],
    ['0', '1', 2, 'CRITICAL'],
    ['0', '2', 2, 'WARNING'],
    ['2', '5', 2, 'OK'],
    [null, '~:1', 2, 'CRITICAL'],
    [null, '@1:3', 2, 'CRITICAL'],
    [null, '@3:9', 2, 'OK'],
    ['1', '5', 0, 'OK'],
  ] as const)('--warning %s --critical %s with %i failed flows: %s', (warning, critical, failed, state) => {
    const results = [OK_A, DROPPED, REFUSED].slice(0, 1 + failed);
    const r = nagios(results, { warning: warning === null ? null : parseRange(warning, '--warning'), critical: parseRange(critical, '--critical') });
    expect(r.state).toBe(state);
    expect(r.out.state).toBe(state);
    // The thresholds as given, in the warn and crit fields of the metric they judge.
    expect(r.out.perf.get('flows_failed')).toMatchObject({ value: String(failed), warn: warning ?? '', crit: critical });
  });

  it('flows this machine could not try (local-error) make it UNKNOWN, unless the known failures are CRITICAL', () => {
    const alone = nagios([OK_A, NO_FILES]);
    expect(alone.state).toBe('UNKNOWN');
    expect(alone.out.text).toBe('1 of 2 could not be tried on this machine (local-error)');
    expect(perfValue(alone.out, 'flows_failed')).toBe(0);
    expect(perfValue(alone.out, 'flows_untried')).toBe(1);
    expect(alone.out.long).toContain('- e.example:443 local-error: this machine is out of open files (EMFILE)');

    const withDrop = nagios([OK_A, DROPPED, NO_FILES]);
    expect(withDrop.state).toBe('CRITICAL');
    expect(withDrop.out.text).toBe('1 of 3 flows fail (1 timeout); 1 of 3 could not be tried on this machine (local-error)');

    // Below the critical threshold, an unknown verdict is not a WARNING or OK.
    const below = nagios([OK_A, DROPPED, NO_FILES], { warning: parseRange('0', '--warning'), critical: parseRange('5', '--critical') });
    expect(below.state).toBe('UNKNOWN');
  });

  it('remote text cannot add a line, a perfdata "|" or a terminal control to the output', () => {
    const hostile = result({
      host: 'f.example',
      status: 'tls-untrusted',
      issuer: "Evil | 'flows_ok'=99 CA\n\u202eEGRESS OK: fine",
      detail: 'certificate issued by "Evil | \'flows_ok\'=99 CA\n\u202eEGRESS OK: fine", not trusted here',
      timings: { dns: 1, connect: 1, tls: 1 },
    });
    const { text, out } = nagios([OK_A, hostile]);
    expect(out.state).toBe('CRITICAL');
    expect(perfValue(out, 'flows_ok')).toBe(1);
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u202e]/);
    // One line per flow and per cause, as without the hostile text.
    expect(out.long.filter((l) => l.includes('Evil'))).toEqual([
      '- f.example:443 tls-untrusted: certificate issued by "Evil ¦ \'flows_ok\'=99 CA\\u000a\\u202eEGRESS OK: fine", not trusted here',
      '- tls-untrusted (1 flow): certificates issued by "Evil ¦ \'flows_ok\'=99 CA\\u000a\\u202eEGRESS OK: fine", which the system does not trust: TLS inspection',
    ]);
  });

  it('quotes every label and doubles a quote in it, as the guidelines say', () => {
    const item = metric("it's a b", '1', 's', [null, '0', null, null]);
    expect(item).toBe("'it''s a b'=1s;;0");
    const parsed = parsePluginOutput(`EGRESS OK: x | ${item}\n`);
    expect(parsed.perf.get("it's a b")).toMatchObject({ value: '1', uom: 's', crit: '0' });
  });

  it('leaves out a phase no flow reached (DNS behind a proxy), never a made-up 0', () => {
    const proxied = result({ host: 'g.example', route: 'proxy 10.0.0.8:8080', dns: null, timings: { dns: null, connect: 4, tls: 30 } });
    const { out } = nagios([proxied]);
    expect(out.perf.has('dns_max')).toBe(false);
    expect(out.perf.get('connect_max')?.value).toBe('0.004');
  });
});

// ---------------------------------------------------------------- at the command line

function expectUnknown(r: CliResult, message: RegExp | string): void {
  expect(r.code).toBe(3);
  expect(r.stderr).toBe('');
  expect(r.stdout.endsWith('\n')).toBe(true);
  expect(r.stdout.split('\n')).toHaveLength(2);
  const out = parsePluginOutput(r.stdout);
  expect(out.state).toBe('UNKNOWN');
  if (typeof message === 'string') expect(out.text).toContain(message);
  else expect(out.text).toMatch(message);
}

describe('check --format nagios: every error is UNKNOWN, exit 3, one line on stdout', () => {
  it.each([
    [['--timeout', '0'], "--timeout: '0' is not valid"],
    [['--bogus'], /^unknown option '--bogus'; valid options: .*--format.*--warning, --critical, --save$/],
    [['--critical', '5:1'], "--critical: '5:1' is not a valid range"],
    [['--warning', 'lots'], "--warning: 'lots' is not a valid range"],
    [['--json'], '--json and --format nagios contradict each other; give one of them'],
    [['--pac', '/nonexistent/site.pac'], '--pac /nonexistent/site.pac: cannot read it (ENOENT)'],
    [['--proxy', `http://u:${SECRET}@p.example`], "--proxy: 'http://u:****@p.example' has no port"],
    [['--critical'], "option '--critical <range>' argument missing"],
  ])('%j', async (argv, message) => {
    const r = await cli('check', '--agents', 'cca', '--format', 'nagios', ...argv);
    expectUnknown(r, message);
    expect(r.stdout).not.toContain(SECRET);
    expect(traffic.sent).toEqual([]);
  });

  it('a bad agent, and --format=nagios given before a bad flag, are UNKNOWN too', async () => {
    expectUnknown(await cli('check', '--agents', 'nope', '--format=NAGIOS'), "unknown agent 'nope'");
    expectUnknown(await cli('check', '--format=nagios', '--agents', 'cca', '--concurrency', '0'), "--concurrency: '0' is not valid");
  });

  it('--help prints the help on stdout and is UNKNOWN, as the guidelines ask', async () => {
    const r = await cli('check', '--format', 'nagios', '--help');
    expect(r.code).toBe(3);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^Usage: emaint-egress check \[options\]/);
  });

  it('an internal error (a catalogue that does not load) is UNKNOWN, not 70', async () => {
    const io = () => {
      const o = { stdout: '', stderr: '' };
      return { o, io: { stdout: (s: string) => (o.stdout += s), stderr: (s: string) => (o.stderr += s) } };
    };
    const nagiosRun = io();
    const code = await run(['check', '--agents', 'cca', '--format', 'nagios'], nagiosRun.io, { cataloguePath: '/nonexistent/catalogue.json' });
    expectUnknown({ code, ...nagiosRun.o }, /^cannot read catalogue \/nonexistent\/catalogue\.json: ENOENT/);
    const textRun = io();
    expect(await run(['check', '--agents', 'cca'], textRun.io, { cataloguePath: '/nonexistent/catalogue.json' })).toBe(70);
    expect(textRun.o.stdout).toBe('');
  });

  const prlimit = requireSystem('the UNKNOWN of a tool that cannot load', ['prlimit']);
  it.skipIf(!prlimit)('a tool that cannot even load its modules (out of file descriptors) is UNKNOWN on stdout', () => {
    const r = spawnSync('prlimit', ['--nofile=20:20', process.execPath, BIN, 'check', '--agents', 'all', '--format', 'nagios'], { encoding: 'utf8' });
    expect(r.status).toBe(3);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^EGRESS UNKNOWN: cannot start: EMFILE: too many open files.*\n$/);
  });

  it('the other formats keep exit 2 and stderr for bad input', async () => {
    for (const [argv, message] of [
      [['--format', 'xml'], "--format: 'xml' is not valid; expected text, json, nagios, junit"],
      [['--json', '--format', 'text'], '--json and --format text contradict each other; give one of them'],
      [['--warning', '0'], '--warning applies only to --format nagios'],
      [['--format', 'junit', '--critical', '3'], '--critical applies only to --format nagios'],
      [['--format', 'junit', '--bogus'], "unknown option '--bogus'"],
    ] as const) {
      const r = await cli('check', '--agents', 'cca', ...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`emaint-egress check: ${r.stderr.slice('emaint-egress check: '.length)}`);
      expect(r.stderr).toContain(message);
      expect(r.stderr.split('\n')).toHaveLength(2);
    }
    // --json and --format json agree.
    const both = await cli('check', '--agents', 'rdms', '--json', '--format', 'json', ...DEAD);
    expect(both.code).toBe(1);
    expect(JSON.parse(both.stdout)).toHaveProperty('summary.total', 3);
  });

  it('notes go into the long output, not stderr, and the proxy password is never printed', async () => {
    const r = await cli('check', '--agents', 'rdms', '--format', 'nagios', '--proxy', `u:${SECRET}@127.0.0.1:1`, ...DEAD);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('');
    expect(r.stdout).not.toContain(SECRET);
    const out = parsePluginOutput(r.stdout);
    expect(out.text).toBe('3 of 3 flows fail (3 proxy-error)');
    expect(out.long).toContain('note: --proxy u:****@127.0.0.1:1 read as http://u:****@127.0.0.1:1');
    expect(out.long.some((l) => l.startsWith('warning: a password given in --proxy is visible'))).toBe(true);
    expect(out.long).toContain('Note: every flow through the proxy 127.0.0.1:1 (Basic authentication as u)');
    expect(traffic.sent.every((t) => t === 'tcp 127.0.0.1:1')).toBe(true);
  });

  it('--save: the note that the run was saved is a long output line too', async () => {
    const file = join(tmp(), 'run.json');
    const r = await cli('check', '--agents', 'rdms', '--format', 'nagios', '--save', file, ...DEAD);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('');
    expect(existsSync(file)).toBe(true);
    expect(parsePluginOutput(r.stdout).long).toContain(`note: run saved to ${file}`);
  });
});
