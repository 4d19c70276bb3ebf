// The exporter's probe page: a check's results as Prometheus metrics (the pure mapping in
// core/check/metrics.ts), written by prom-client and checked by Debian's promtool, the
// format's own linter.
import { type Server, type Socket, connect, createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { exposition } from '../src/commands/serve/exposition.js';
import { IssuerLabels, type MetricFamily, issuerText, probeMetrics } from '../src/core/check/metrics.js';
import { type CheckResult, STATUSES } from '../src/core/check/result.js';
import { checkOutput } from './helpers/check-output.js';
import { checkResult } from './helpers/check-result.js';
import { byLabels, parseExposition, promtool } from './helpers/exposition.js';
import { requireSystem } from './helpers/system.js';
import { handshake } from '../src/net/check/tls.js';

const hasPromtool = requireSystem('promtool checks of the exposition', ['promtool']);
const IOT = 'a2etju7iem1tgc-ats.iot.eu-central-1.amazonaws.com';
const EXPIRES = '2031-05-04T03:02:01.000Z';
const INSPECTOR = 'Corp TLS Inspection CA, ACME';

function tls(over: Partial<NonNullable<CheckResult['tls']>> = {}): NonNullable<CheckResult['tls']> {
  return { version: 'TLSv1.3', alpn: null, issuer: 'Amazon RSA 2048 M02, Amazon', subject: null, expires: EXPIRES, error: null, ...over };
}

const output = (results: CheckResult[]) =>
  checkOutput(results, { timeoutMs: 2000, notes: ['every flow through the proxy proxy.example:8080 (Basic authentication as fieldeng)'] });

const inspectedTls = tls({ issuer: INSPECTOR, error: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
const site = output([
  checkResult({ host: 'kinesis.eu-central-1.amazonaws.com', tls: tls(), issuer: tls().issuer, timings: { dns: 3, connect: 12, tls: 25 } }),
  checkResult({ host: IOT, status: 'tls-untrusted', clientCertificate: true, tls: inspectedTls, issuer: INSPECTOR, timings: { dns: 2, connect: 9, tls: 31 } }),
  checkResult({ host: IOT, port: 8883, status: 'tls-untrusted', clientCertificate: true, tls: inspectedTls, issuer: INSPECTOR }),
  checkResult({ host: 'camapi.srv.ygles.com', status: 'timeout', tls: null, timings: { dns: 4, connect: 2001, tls: null } }),
  checkResult({ host: 'gdlp01.c-wss.com', status: 'dns-error', dnsProblem: 'no-such-name', tls: null, timings: { dns: 7, connect: null, tls: null } }),
]);
const RUN = { durationSeconds: 2.345, finishedAt: 1_700_000_000.5, phaseTimeoutSeconds: 2.375 };

function families(out = site): MetricFamily[] {
  return probeMetrics(out, RUN, (issuer) => issuerText(issuer));
}

describe('probe metrics: the mapping', () => {
  it('the run: success, duration, when it ended, its phase timeout, flows ok and failed', async () => {
    const parsed = parseExposition(await exposition(families()));
    const one = (name: string, labels: Record<string, string> = {}) =>
      parsed.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).map((s) => s.value);
    expect(one('emaint_egress_probe_success')).toEqual([0]);
    expect(one('emaint_egress_probe_duration_seconds')).toEqual([2.345]);
    expect(one('emaint_egress_probe_finished_timestamp_seconds')).toEqual([1_700_000_000.5]);
    expect(one('emaint_egress_probe_phase_timeout_seconds')).toEqual([2.375]);
    expect(one('emaint_egress_probe_flows', { result: 'ok' })).toEqual([site.summary.ok]);
    expect(one('emaint_egress_probe_flows', { result: 'failed' })).toEqual([site.summary.failed]);
    const healthy = output([checkResult({ host: 'rgt.srv.ygles.com' })]);
    expect(parseExposition(await exposition(families(healthy))).find((s) => s.name === 'emaint_egress_probe_success')?.value).toBe(1);
  });

  it('each flow: success, and its status as one label of a fixed set (1 for its own, 0 for the others)', async () => {
    const parsed = parseExposition(await exposition(families()));
    const success = byLabels(parsed, 'emaint_egress_flow_success', ['host', 'port']);
    expect(new Map([...success].map(([k, s]) => [k, s.value]))).toEqual(new Map(site.results.map((r) => [`${r.host}:${r.port}`, r.status === 'ok' ? 1 : 0])));
    const status = parsed.filter((s) => s.name === 'emaint_egress_flow_status');
    expect(status).toHaveLength(site.results.length * STATUSES.length);
    expect(new Set(status.map((s) => s.labels['status']))).toEqual(new Set(STATUSES));
    const current = new Map(status.filter((s) => s.value === 1).map((s) => [`${s.labels['host']}:${s.labels['port']}`, s.labels['status']]));
    expect(current).toEqual(new Map(site.results.map((r) => [`${r.host}:${r.port}`, r.status])));
  });

  it('phase durations in seconds, only for the phases that ran; certificate notAfter as a Unix timestamp', async () => {
    const parsed = parseExposition(await exposition(families()));
    const durations = byLabels(parsed, 'emaint_egress_flow_duration_seconds', ['host', 'port', 'phase']);
    const expected = site.results.flatMap((r) =>
      (['dns', 'connect', 'tls'] as const).flatMap((p) => (r.timings[p] === null ? [] : [[`${r.host}:${r.port}:${p}`, r.timings[p] / 1000] as const])),
    );
    expect(new Map([...durations].map(([k, s]) => [k, s.value]))).toEqual(new Map(expected));
    expect(durations.get('camapi.srv.ygles.com:443:connect')?.value).toBe(2.001);
    expect(durations.has('camapi.srv.ygles.com:443:tls')).toBe(false);
    const notAfter = byLabels(parsed, 'emaint_egress_flow_certificate_not_after_timestamp_seconds', ['host', 'port']);
    expect([...notAfter.keys()].sort()).toEqual([`${IOT}:443`, `${IOT}:8883`, 'kinesis.eu-central-1.amazonaws.com:443']);
    expect(notAfter.get('kinesis.eu-central-1.amazonaws.com:443')?.value).toBe(Date.UTC(2031, 4, 4, 3, 2, 1) / 1000);
  });

  it('inspection: 1 with the inspecting CA and whether the host takes client certificates; 0 with no issuer where TLS verified', async () => {
    const parsed = parseExposition(await exposition(families()));
    const inspected = byLabels(parsed, 'emaint_egress_flow_tls_inspected', ['host', 'port']);
    expect(inspected.get(`${IOT}:443`)).toMatchObject({ value: 1, labels: { client_certificate: 'true', issuer: INSPECTOR } });
    expect(inspected.get(`${IOT}:8883`)).toMatchObject({ value: 1, labels: { client_certificate: 'true', issuer: INSPECTOR } });
    expect(inspected.get('kinesis.eu-central-1.amazonaws.com:443')).toMatchObject({ value: 0, labels: { client_certificate: 'false', issuer: '' } });
    // No TLS answer, no verdict on inspection.
    expect(inspected.has('camapi.srv.ygles.com:443')).toBe(false);
  });

  it('a handshake nothing answered (silence, a reset) has no verdict on inspection either: no sample, not a 0', async () => {
    // The TLS findings as the checker makes them, from loopback servers that never speak TLS.
    const far = async (behave: (s: Socket) => void) => {
      const server: Server = createServer(behave);
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const { port } = server.address() as { port: number };
      const socket = connect(port, '127.0.0.1');
      await new Promise((r) => socket.once('connect', r));
      const outcome = await handshake(socket, IOT, null, 300, 443);
      server.close();
      return checkResult({ host: IOT, status: outcome.status, detail: outcome.detail, tls: outcome.finding, issuer: outcome.finding?.issuer ?? null });
    };
    const silent = await far(() => {});
    // An IPS that resets at the ClientHello's SNI.
    const reset = await far((s) => s.once('data', () => s.resetAndDestroy()));
    expect([silent.status, silent.tls?.error, reset.status]).toEqual(['tls-error', 'timeout', 'tls-error']);
    for (const r of [silent, reset]) {
      const parsed = parseExposition(await exposition(families(output([r]))));
      expect(
        parsed.filter((s) => s.name === 'emaint_egress_flow_tls_inspected'),
        r.detail,
      ).toEqual([]);
      expect(byLabels(parsed, 'emaint_egress_flow_status', ['host', 'status']).get(`${IOT}:tls-error`)?.value).toBe(1);
    }
  });

  it('uses only bounded labels: never the route, the detail, the addresses or the notes (where a proxy user is named)', async () => {
    const text = await exposition(families());
    const labelNames = new Set(parseExposition(text).flatMap((s) => Object.keys(s.labels)));
    expect(labelNames).toEqual(new Set(['host', 'port', 'status', 'phase', 'result', 'client_certificate', 'issuer']));
    expect(text).not.toContain('fieldeng');
    expect(text).not.toContain('203.0.113.10');
  });
});

describe('issuer labels', () => {
  it('one visible line of at most 64 characters', () => {
    expect(issuerText('Evil\nCA\u202e "quoted" \\ back')).toBe('Evil CA\\u202e "quoted" \\ back');
    expect([...issuerText('x'.repeat(500))]).toHaveLength(64);
    expect(issuerText('x'.repeat(500)).endsWith('…')).toBe(true);
  });

  it('keeps the first 16 distinct issuers and calls later ones "other", so a box that signs with a new name each time cannot grow the series', () => {
    const labels = new IssuerLabels();
    const names = Array.from({ length: 40 }, (_, i) => `Inspector ${i}`);
    const shown = names.map((n) => labels.label(n));
    expect(shown.slice(0, 16)).toEqual(names.slice(0, 16));
    expect(new Set(shown.slice(16))).toEqual(new Set([IssuerLabels.OTHER]));
    // One seen before keeps its name.
    expect(labels.label('Inspector 3')).toBe('Inspector 3');
  });
});

describe.skipIf(!hasPromtool)('probe metrics: promtool check metrics', () => {
  it('passes on a site where flows fail, are inspected and time out', async () => {
    const r = promtool(['check', 'metrics'], await exposition(families()));
    expect(r).toEqual({ status: 0, output: '' });
  });

  it('passes with a hostile issuer (quotes, backslashes, a line break, bidi controls, 500 characters), which reads back as written', async () => {
    const hostile = `"A\\B"\nC\u202e${'z'.repeat(500)}`;
    const t = tls({ issuer: hostile, error: 'SELF_SIGNED_CERT_IN_CHAIN' });
    const out = output([checkResult({ host: IOT, status: 'tls-untrusted', clientCertificate: true, tls: t, issuer: hostile })]);
    const text = await exposition(families(out));
    expect(promtool(['check', 'metrics'], text)).toEqual({ status: 0, output: '' });
    const issuer = byLabels(parseExposition(text), 'emaint_egress_flow_tls_inspected', ['host']).get(IOT)?.labels['issuer'];
    expect(issuer).toBe(issuerText(hostile));
    expect(issuer?.startsWith('"A\\B" C\\u202ezzz')).toBe(true);
  });

  it('catches what it is meant to catch here: a gauge named like a counter fails', () => {
    const r = promtool(['check', 'metrics'], '# HELP emaint_egress_x_total x\n# TYPE emaint_egress_x_total gauge\nemaint_egress_x_total 1\n');
    expect(r.status).not.toBe(0);
    expect(r.output).toContain('non-counter metrics should not have "_total" suffix');
  });
});
