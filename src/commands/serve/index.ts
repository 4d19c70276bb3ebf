// `serve`: an exporter in the blackbox_exporter style. /probe?profile=NAME checks that
// site's flows on scrape, within the deadline Prometheus sends, and answers with that run's
// metrics; /metrics has the exporter's own. One probe per profile at a time (probe-slot.ts).
import type { Catalogue } from '../../core/catalogue.js';
import { type DeadlinePolicy, DeadlineError, type RouteKind, answerWithinMs, phaseTimeoutMs, scrapeTimeoutMs } from '../../core/check/deadline.js';
import { IssuerLabels, probeMetrics } from '../../core/check/metrics.js';
import type { CheckOutput } from '../../core/check/output.js';
import { STATUSES } from '../../core/check/result.js';
import { oneLine, redactSecrets } from '../../core/text.js';
import { type CheckRequest, prepareCheck } from '../check.js';
import { CONTENT_TYPE, exposition } from './exposition.js';
import { type Answerer, type Listening, type Reply, TEXT, listen } from './http.js';
import { type Handler, OwnMetrics } from './own-metrics.js';
import { type Finished, ProbeSlot, type SlotEvents } from './probe-slot.js';
import { type LogFields, logLine } from './log.js';

export interface ServeProfile {
  /** The name scrapes ask for (?profile=NAME): letters, digits, '.', '_', '-'. */
  name: string;
  route: RouteKind;
  /** One probe of the whole plan with this timeout per phase. */
  run(phaseTimeoutMs: number): Promise<CheckOutput>;
}

export interface ExporterOptions {
  host: string;
  port: number;
  profiles: readonly ServeProfile[];
  policy: DeadlinePolicy;
  version: string;
  catalogueVersion: string;
  /** One line, without its newline. */
  log(line: string): void;
}

export interface Exporter {
  /** host:port as bound. */
  address: string;
  /** Stops listening, lets answers and probes under way finish within `graceMs`, then ends
   *  what is left; true when everything finished in time. */
  close(graceMs: number): Promise<boolean>;
}

/** A profile's probe: the check command's own preparation and run, with the phase timeout of the scrape. */
export function checkRunner(request: Omit<CheckRequest, 'timeoutMs'>, catalogue: Catalogue): (phaseTimeoutMs: number) => Promise<CheckOutput> {
  return async (timeoutMs) => (await prepareCheck({ ...request, timeoutMs }, catalogue)).run();
}

export async function startExporter(options: ExporterOptions): Promise<Exporter> {
  const { log, policy } = options;
  const names = options.profiles.map((p) => p.name);
  const own = new OwnMetrics({ version: options.version, catalogueVersion: options.catalogueVersion, profiles: names });
  const issuers = new IssuerLabels();
  const write = (level: string, msg: string, fields: LogFields) => log(logLine(new Date(), level, msg, fields));
  const events: SlotEvents = {
    finished(profile, f) {
      own.probed(profile, f.durationSeconds);
      const { summary } = f.output;
      const statuses = STATUSES.filter((s) => s !== 'ok' && summary.counts[s] > 0).map((s) => `${s}:${summary.counts[s]}`);
      write('info', 'probe', {
        profile,
        result: summary.failed === 0 ? 'ok' : 'failed',
        flows: summary.total,
        ok: summary.ok,
        failed: summary.failed,
        statuses: statuses.join(','),
        duration_seconds: f.durationSeconds.toFixed(3),
        phase_timeout_ms: f.phaseTimeoutMs,
      });
    },
    failed(profile, error, phaseTimeoutMs) {
      own.probeError(profile, 'failed');
      const message = error instanceof Error ? error.message : String(error);
      write('error', 'probe failed', { profile, phase_timeout_ms: phaseTimeoutMs, error: redactSecrets(oneLine(message, 300)) });
    },
    overran(profile, phaseTimeoutMs) {
      own.probeError(profile, 'overran');
      write('warn', 'probe outlived its scrape; the scrape got the last result', { profile, phase_timeout_ms: phaseTimeoutMs });
    },
  };
  const slots = new Map(options.profiles.map((p) => [p.name, { profile: p, slot: new ProbeSlot(p.name, (t) => p.run(t), events) }]));

  const text = (status: number, body: string): Reply => ({ status, contentType: TEXT, body: `${body}\n` });
  const valid = `valid: ${names.slice(0, 20).join(', ')}${names.length > 20 ? `, … (${names.length} in all)` : ''}`;

  async function probePage(url: URL, header: string | undefined): Promise<Reply> {
    const params = [...url.searchParams.keys()];
    const unknown = params.filter((k) => k !== 'profile');
    if (unknown.length > 0) return text(400, '/probe takes one parameter, profile');
    const asked = url.searchParams.getAll('profile');
    if (asked.length > 1) return text(400, 'give one profile per scrape');
    const only = names.length === 1 ? names[0] : undefined;
    const name = asked[0] ?? only;
    if (name === undefined) return text(400, `missing ?profile=NAME; ${valid}`);
    const entry = slots.get(name);
    // Never echo the name asked: it is the scraper's text, not ours.
    if (entry === undefined) return text(404, `no such profile; ${valid}`);
    let scrapeMs: number;
    let phaseMs: number;
    try {
      scrapeMs = scrapeTimeoutMs(header);
      phaseMs = phaseTimeoutMs(scrapeMs, entry.profile.route, policy);
    } catch (err) {
      if (err instanceof DeadlineError) return text(400, err.message);
      throw err;
    }
    const answer = await entry.slot.answer(phaseMs, answerWithinMs(scrapeMs, policy.offsetMs));
    own.answered(name, answer.kind);
    if (answer.kind === 'none') {
      return answer.reason === 'failed'
        ? text(500, 'the probe failed with an internal error (see the log)')
        : text(503, 'no probe of this profile has finished yet; the first one outlived this scrape (see the log)');
    }
    return { status: 200, contentType: CONTENT_TYPE, body: await exposition(probeFamilies(answer.finished)) };
  }

  function probeFamilies(f: Finished) {
    return probeMetrics(f.output, { durationSeconds: f.durationSeconds, finishedAt: f.finishedAt, phaseTimeoutSeconds: f.phaseTimeoutMs / 1000 }, (issuer) =>
      issuers.label(issuer),
    );
  }

  const answer: Answerer = async (url, req) => {
    let handler: Handler = 'other';
    let reply: Reply;
    if (url.pathname === '/probe') {
      handler = 'probe';
      const header = req.headers['x-prometheus-scrape-timeout-seconds'];
      reply = await probePage(url, Array.isArray(header) ? header[0] : header);
    } else if (url.pathname === '/metrics') {
      handler = 'metrics';
      reply = { status: 200, contentType: own.registry.contentType, body: await own.text() };
    } else if (url.pathname === '/') {
      handler = 'index';
      reply = text(200, indexPage(names));
    } else {
      reply = text(404, 'not found; this exporter serves /probe?profile=NAME and /metrics');
    }
    own.request(handler, reply.status);
    return reply;
  };

  const listening: Listening = await listen(options.host, options.port, answer, (err) => {
    write('error', 'internal error', { error: redactSecrets(oneLine(err instanceof Error ? err.message : String(err), 300)) });
    own.request('other', 500);
    return text(500, 'internal error (see the log)');
  });
  write('info', 'listening', { address: listening.address, profiles: names.join(',') });

  return {
    address: listening.address,
    async close(graceMs) {
      const settled = Promise.all([listening.close(), ...[...slots.values()].map((s) => s.slot.idle())]).then(() => true);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), graceMs);
      });
      const clean = await Promise.race([settled, late]);
      clearTimeout(timer);
      if (!clean) listening.destroy();
      return clean;
    },
  };
}

function indexPage(names: readonly string[]): string {
  return [
    'emaint-egress exporter',
    '',
    "/probe?profile=NAME  checks the profile's flows now and answers with the results (Prometheus text format)",
    "/metrics             the exporter's own metrics",
    '',
    `profiles: ${names.join(', ')}`,
  ].join('\n');
}
