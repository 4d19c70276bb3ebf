// A finished check as Prometheus metric families, for the exporter's /probe page. Pure:
// the names, labels and values only; the exposition text is a client library's job (the
// serve command). Names follow Prometheus's conventions: the emaint_egress_ prefix, base
// units (seconds), `_timestamp_seconds` for points in time. Every label value comes from a
// bounded set (the catalogue's hosts and ports, the statuses), except the inspecting CA's
// name, which the caller bounds (see IssuerLabels).
import type { CheckOutput } from './output.js';
import { type CheckResult, STATUSES } from './result.js';
import { escapeUnsafe } from '../text.js';

export const METRIC_PREFIX = 'emaint_egress_';

export interface Sample {
  labels: Record<string, string>;
  value: number;
}

export interface MetricFamily {
  name: string;
  help: string;
  type: 'gauge';
  labelNames: readonly string[];
  samples: Sample[];
}

/** The run around the output: when it ended and what it was allowed. */
export interface ProbeRun {
  durationSeconds: number;
  /** Unix time, seconds, when the run ended. */
  finishedAt: number;
  /** Each phase's timeout in this run, derived from the scrape's deadline. */
  phaseTimeoutSeconds: number;
}

/** The label a flow's inspecting CA is shown under; the caller keeps the set bounded. */
export type IssuerLabel = (issuer: string) => string;

const FLOW_LABELS = ['host', 'port'] as const;
const PHASES = ['dns', 'connect', 'tls'] as const;

/** The run's and each flow's metrics, in a stable order (the plan's flows, then STATUSES). */
export function probeMetrics(out: CheckOutput, run: ProbeRun, issuerLabel: IssuerLabel): MetricFamily[] {
  const flow = (r: CheckResult) => ({ host: r.host, port: String(r.port) });
  const family = (name: string, help: string, labelNames: readonly string[], samples: Sample[]): MetricFamily => ({
    name: METRIC_PREFIX + name,
    help,
    type: 'gauge',
    labelNames,
    samples,
  });
  const results = out.results;
  return [
    family(
      'probe_success',
      'Whether every planned flow got out in this probe (1) or any failed (0).',
      [],
      [{ labels: {}, value: out.summary.failed === 0 ? 1 : 0 }],
    ),
    family('probe_duration_seconds', 'How long the probe of the whole plan took.', [], [{ labels: {}, value: run.durationSeconds }]),
    family(
      'probe_finished_timestamp_seconds',
      'When the probe whose results these are ended (an older one when a scrape got the last result).',
      [],
      [{ labels: {}, value: run.finishedAt }],
    ),
    family(
      'probe_phase_timeout_seconds',
      "Each phase's timeout (DNS, connect, TLS...) in this probe, from the scrape's deadline.",
      [],
      [{ labels: {}, value: run.phaseTimeoutSeconds }],
    ),
    family(
      'probe_flows',
      'Planned flows by result: ok (got out) or failed.',
      ['result'],
      [
        { labels: { result: 'ok' }, value: out.summary.ok },
        { labels: { result: 'failed' }, value: out.summary.failed },
      ],
    ),
    family(
      'flow_success',
      'Whether the flow got out (1) or not (0).',
      FLOW_LABELS,
      results.map((r) => ({ labels: flow(r), value: r.status === 'ok' ? 1 : 0 })),
    ),
    family(
      'flow_status',
      `The flow's verdict: 1 for its status, 0 for the others (${STATUSES.join(', ')}).`,
      [...FLOW_LABELS, 'status'],
      results.flatMap((r) => STATUSES.map((s) => ({ labels: { ...flow(r), status: s }, value: r.status === s ? 1 : 0 }))),
    ),
    family(
      'flow_duration_seconds',
      'Time the flow spent in each phase that ran: dns (the lookup), connect (TCP, or the proxy and its CONNECT), tls (the handshake).',
      [...FLOW_LABELS, 'phase'],
      results.flatMap((r) => PHASES.flatMap((p) => (r.timings[p] === null ? [] : [{ labels: { ...flow(r), phase: p }, value: r.timings[p] / 1000 }]))),
    ),
    family(
      'flow_certificate_not_after_timestamp_seconds',
      "The notAfter of the certificate the flow's TLS handshake was answered with.",
      FLOW_LABELS,
      results.flatMap((r) => {
        const at = r.tls?.expires ? Date.parse(r.tls.expires) : Number.NaN;
        return Number.isFinite(at) ? [{ labels: flow(r), value: at / 1000 }] : [];
      }),
    ),
    family(
      'flow_tls_inspected',
      'Whether TLS inspection was detected (1: a certificate the system does not trust, issued by `issuer`) on a flow that answered TLS; ' +
        'client_certificate="true" where the devices authenticate with client certificates and inspection breaks them.',
      [...FLOW_LABELS, 'client_certificate', 'issuer'],
      results.flatMap((r) => {
        // No certificate seen (no TLS phase, or a handshake met with silence, a reset or a
        // close): no verdict on inspection either way, so no sample rather than a 0.
        if (r.tls === null || (r.tls.version === null && r.tls.issuer === null)) return [];
        const inspected = r.status === 'tls-untrusted';
        const issuer = inspected && r.issuer !== null ? issuerLabel(r.issuer) : '';
        return [{ labels: { ...flow(r), client_certificate: String(r.clientCertificate), issuer }, value: inspected ? 1 : 0 }];
      }),
    ),
  ];
}

/** An issuer as a label value: one visible line, at most `max` characters. */
export function issuerText(issuer: string, max = 64): string {
  const chars = [...escapeUnsafe(issuer.replace(/\s+/g, ' ').trim())];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : chars.join('');
}

/**
 * The issuers a long-running exporter shows as labels: the first `capacity` distinct ones
 * keep their names, later ones are "other". An inspecting box that signs with a new name on
 * every connection then cannot grow the label's values (nor this set) without bound.
 */
export class IssuerLabels {
  static readonly OTHER = 'other';
  private readonly seen = new Set<string>();
  constructor(private readonly capacity = 16) {}

  label(issuer: string): string {
    const text = issuerText(issuer);
    if (this.seen.has(text)) return text;
    if (this.seen.size >= this.capacity) return IssuerLabels.OTHER;
    this.seen.add(text);
    return text;
  }
}
