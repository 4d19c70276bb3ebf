// The exporter's own metrics, on /metrics: what it is (build, catalogue), what it did
// (probes run, their durations, errors, how scrapes were answered, HTTP answers) and the
// process (prom-client's defaults). Every label comes from a fixed set: the profiles loaded
// at start, the answer kinds, the handlers and status codes the server itself gives.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { METRIC_PREFIX } from '../../core/check/metrics.js';
import { ANSWERS, type AnswerKind } from './probe-slot.js';

export const HANDLERS = ['index', 'metrics', 'probe', 'other'] as const;
export type Handler = (typeof HANDLERS)[number];
export const PROBE_ERRORS = ['failed', 'overran'] as const;

// prom-client's default gauges named *_total break the naming rule promtool checks
// ("non-counter metrics should not have _total suffix"); the same counts stay without it.
const NOT_COUNTERS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

export class OwnMetrics {
  readonly registry = new Registry();
  private readonly probes: Counter<'profile'>;
  private readonly durations: Histogram<'profile'>;
  private readonly errors: Counter<'profile' | 'reason'>;
  private readonly answers: Counter<'profile' | 'answer'>;
  private readonly requests: Counter<'handler' | 'code'>;

  constructor(info: { version: string; catalogueVersion: string; profiles: readonly string[] }) {
    const registers = [this.registry];
    const name = (n: string) => METRIC_PREFIX + n;
    new Gauge({ name: name('build_info'), help: 'The running emaint-egress version (value 1).', labelNames: ['version'], registers }).set(
      { version: info.version },
      1,
    );
    new Gauge({ name: name('catalogue_info'), help: 'The version of the flow catalogue the probes check (value 1).', labelNames: ['version'], registers }).set(
      { version: info.catalogueVersion },
      1,
    );
    this.probes = new Counter({ name: name('exporter_probes_total'), help: 'Probes of a profile run to the end.', labelNames: ['profile'], registers });
    this.durations = new Histogram({
      name: name('exporter_probe_duration_seconds'),
      help: 'How long the probes of a profile took.',
      labelNames: ['profile'],
      buckets: [0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60],
      registers,
    });
    this.errors = new Counter({
      name: name('exporter_probe_errors_total'),
      help: 'Probes that failed: an internal error (failed), or a run that outlived the scrape that started or joined it (overran).',
      labelNames: ['profile', 'reason'],
      registers,
    });
    this.answers = new Counter({
      name: name('exporter_probe_answers_total'),
      help: 'Scrapes of /probe by how they were answered: their own run (fresh), a run under way (joined), the last result (last), nothing (none).',
      labelNames: ['profile', 'answer'],
      registers,
    });
    this.requests = new Counter({
      name: name('exporter_http_requests_total'),
      help: 'HTTP requests by handler and status code.',
      labelNames: ['handler', 'code'],
      registers,
    });
    // Zero from the start, so rate() and absent() see every profile before its first probe.
    for (const profile of info.profiles) {
      this.probes.inc({ profile }, 0);
      this.durations.zero({ profile });
      for (const reason of PROBE_ERRORS) this.errors.inc({ profile, reason }, 0);
      for (const answer of ANSWERS) this.answers.inc({ profile, answer }, 0);
    }
    collectDefaultMetrics({ register: this.registry });
    for (const n of NOT_COUNTERS) this.registry.removeSingleMetric(n);
  }

  probed(profile: string, seconds: number): void {
    this.probes.inc({ profile });
    this.durations.observe({ profile }, seconds);
  }

  probeError(profile: string, reason: (typeof PROBE_ERRORS)[number]): void {
    this.errors.inc({ profile, reason });
  }

  answered(profile: string, answer: AnswerKind): void {
    this.answers.inc({ profile, answer });
  }

  request(handler: Handler, code: number): void {
    this.requests.inc({ handler, code: String(code) });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
