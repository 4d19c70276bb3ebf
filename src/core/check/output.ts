// A finished check: what was asked, each flow's result and the verdict. Pure data, shared
// by the command that makes it and every view that shows it.
import type { CheckResult } from './result.js';
import type { Summary } from './summary.js';

export interface CheckOutput {
  catalogueVersion: string;
  agents: string[];
  options: string[];
  /** "127.0.0.53:53", or "platform". */
  resolver: string;
  timeoutMs: number;
  concurrency: number;
  results: CheckResult[];
  summary: Summary;
  notes: string[];
}

/** The verdict in one sentence, as every view opens with it. */
export function verdictText(out: CheckOutput): string {
  const { summary } = out;
  return summary.failed === 0
    ? `All ${summary.total} flows get out (resolver ${out.resolver}).`
    : `${summary.failed} of ${summary.total} flows fail (resolver ${out.resolver}, timeout ${out.timeoutMs} ms per phase).`;
}

/** Client-certificate hosts that work now must stay out of TLS inspection; null when none. */
export function inspectionAdvice(out: CheckOutput): string | null {
  const certs = out.results.filter((r) => r.clientCertificate && r.status === 'ok');
  if (certs.length === 0) return null;
  const hosts = [...new Set(certs.map((r) => r.host))].join(', ');
  return `Keep ${hosts} out of any TLS inspection: the devices authenticate there with client certificates, and inspection breaks the agent.`;
}
