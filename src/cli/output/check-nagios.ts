// `check --format nagios`: the verdict as a monitoring plugin gives it (Monitoring Plugins
// Development Guidelines, "Plugin Output for Nagios" and "Performance data"): a first line
// "SERVICE STATUS: text | perfdata", then long output lines (each failing flow, the causes
// and their fixes). The state follows the thresholds on the failed flows. Remote text is
// escaped, and a "|" in it is replaced: after a "|" Nagios reads any line as perfdata.
import { type CheckOutput, inspectionAdvice } from '../../core/check/output.js';
import { STATUSES, type Timings } from '../../core/check/result.js';
import { type Cause, type Warning, flowName } from '../../core/check/summary.js';
import { escapeUnsafe } from '../../core/text.js';
import type { NagiosState } from '../exit-codes.js';
import { type Range, alerts } from '../nagios-range.js';

/** The service name the status line opens with ("SERVICE STATUS: ..."). */
export const NAGIOS_SERVICE = 'EGRESS';

export interface NagiosOptions {
  warning: Range | null;
  critical: Range | null;
  /** Wall time of the check, in seconds. */
  seconds: number;
  /** What the command would have said on stderr (Nagios reads stdout only). */
  notes?: readonly string[];
}

export interface NagiosReport {
  state: NagiosState;
  text: string;
}

/**
 * The state: CRITICAL when the failed flows raise the critical threshold; otherwise
 * UNKNOWN when some flows could not be tried on this machine (local-error: the guidelines'
 * "low-level failures internal to the plugin"), as their verdict is not known; otherwise
 * WARNING on the warning threshold; otherwise OK. Known failures are counted without the
 * untried flows, so the perfdata's flows_failed is the number the thresholds judge.
 */
export function checkNagios(out: CheckOutput, options: NagiosOptions): NagiosReport {
  const { summary } = out;
  const untried = summary.counts['local-error'];
  const failed = summary.failed - untried;
  const state: NagiosState =
    options.critical && alerts(options.critical, failed)
      ? 'CRITICAL'
      : untried > 0
        ? 'UNKNOWN'
        : options.warning && alerts(options.warning, failed)
          ? 'WARNING'
          : 'OK';
  const perf = [
    metric('flows_total', String(summary.total), '', [null, null, '0']),
    metric('flows_ok', String(summary.ok), '', [null, null, '0', String(summary.total)]),
    metric('flows_failed', String(failed), '', [options.warning?.text ?? null, options.critical?.text ?? null, '0', String(summary.total)]),
    metric('flows_untried', String(untried), '', [null, null, '0', String(summary.total)]),
    metric('time', seconds(options.seconds * 1000), 's', [null, null, '0']),
    ...phaseMaxima(out),
  ];
  const first = `${NAGIOS_SERVICE} ${state}: ${statusText(out, failed, untried)} | ${perf.join(' ')}`;
  return { state, text: `${[first, ...longOutput(out, options.notes ?? []).map(safeLine)].join('\n')}\n` };
}

/** Short, for a pager: counts by status, never remote text. */
function statusText(out: CheckOutput, failed: number, untried: number): string {
  const { summary } = out;
  if (failed === 0 && untried === 0) return `all ${summary.total} flows get out`;
  const byStatus = STATUSES.filter((s) => s !== 'ok' && s !== 'local-error' && summary.counts[s] > 0).map((s) => `${summary.counts[s]} ${s}`);
  const parts: string[] = [];
  if (failed > 0) parts.push(`${failed} of ${summary.total} flows fail (${byStatus.join(', ')})`);
  if (untried > 0) parts.push(`${untried} of ${summary.total} could not be tried on this machine (local-error)`);
  return parts.join('; ');
}

function longOutput(out: CheckOutput, notes: readonly string[]): string[] {
  const { summary } = out;
  const lines: string[] = [];
  const failing = out.results.filter((r) => r.status !== 'ok');
  if (failing.length > 0) lines.push('Failing flows:', ...failing.map((r) => `- ${flowName(r)} ${r.status}: ${r.detail}`));
  if (summary.causes.length > 0) lines.push('Causes and fixes:', ...causeLines(summary.causes));
  if (summary.warnings.length > 0) lines.push('Warnings:', ...causeLines(summary.warnings));
  const advice = inspectionAdvice(out);
  if (advice !== null) lines.push(advice);
  const agents = out.agents.join(', ') + (out.options.length > 0 ? ` with ${out.options.join(', ')}` : '');
  lines.push(
    `Checked ${summary.total} flows of ${agents} (catalogue ${out.catalogueVersion}), resolver ${out.resolver}, timeout ${out.timeoutMs} ms per phase.`,
  );
  // The command's own notes already say "note:" or "warning:".
  for (const note of notes) lines.push(note.trim());
  for (const note of out.notes) lines.push(`Note: ${note}`);
  return lines;
}

function causeLines(causes: readonly (Cause | Warning)[]): string[] {
  return causes.flatMap((c) => [
    `- ${'status' in c ? `${c.status} ` : ''}(${c.flows.length} flow${c.flows.length === 1 ? '' : 's'}): ${c.cause}`,
    `  fix: ${c.fix}`,
  ]);
}

/** One visible line without "|" (¦ instead), which would start perfdata on any line. */
function safeLine(text: string): string {
  return escapeUnsafe(text).replace(/\|/g, '¦');
}

/**
 * 'label'=value[UOM];[warn];[crit];[min];[max], trailing empty fields dropped. The label
 * is always quoted (as Icinga's guidelines advise), a quote in it doubled (the plugin
 * guidelines' escape).
 */
export function metric(label: string, value: string, uom: string, fields: readonly (string | null)[]): string {
  const rest = fields.map((f) => f ?? '');
  while (rest.length > 0 && rest[rest.length - 1] === '') rest.pop();
  return [`'${label.replace(/'/g, "''")}'=${value}${uom}`, ...rest].join(';');
}

/** The slowest flow in each phase, seconds; a phase no flow reached (DNS behind a proxy) is left out. */
function phaseMaxima(out: CheckOutput): string[] {
  return (['dns', 'connect', 'tls'] as const satisfies readonly (keyof Timings)[]).flatMap((phase) => {
    const times = out.results.map((r) => r.timings[phase]).filter((t): t is number => t !== null);
    return times.length === 0 ? [] : [metric(`${phase}_max`, seconds(Math.max(...times)), 's', [null, null, '0'])];
  });
}

/** Milliseconds as seconds with 3 decimals, in the C locale ([-0-9.]). */
function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}
