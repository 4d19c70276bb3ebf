// The text format Prometheus scrapes, written by prom-client (a maintained library owns
// the escaping and the format's rules), from the pure metric families of a probe.
import { Gauge, Registry } from 'prom-client';
import type { MetricFamily } from '../../core/check/metrics.js';

export const CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

/** The families in the text exposition format; a family without samples is left out. */
export async function exposition(families: readonly MetricFamily[]): Promise<string> {
  // A registry per answer: a probe's page holds that run's series and nothing older.
  const registry = new Registry();
  for (const f of families) {
    if (f.samples.length === 0) continue;
    const gauge = new Gauge({ name: f.name, help: f.help, labelNames: [...f.labelNames], registers: [registry] });
    for (const s of f.samples) gauge.set(s.labels, s.value);
  }
  return registry.metrics();
}
