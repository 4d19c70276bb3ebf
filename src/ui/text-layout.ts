// The app's long texts (the check's verdict, the files written) as lines of a given
// width, so the view only paints a window of them and the keys know how far to scroll.
import { type CheckOutput, inspectionAdvice, verdictText } from '../core/check/output.js';
import type { Cause } from '../core/check/summary.js';
import { type CheckResult, STATUSES } from '../core/check/result.js';
import { flowName } from '../core/check/summary.js';
import type { RuleSet } from '../core/rules.js';
import { wrap } from '../core/table.js';
import { escapeUnsafe } from '../core/text.js';
import type { Written } from './state/done.js';

export type Tone = 'plain' | 'title' | 'ok' | 'bad' | 'warn' | 'muted';

export interface Line {
  text: string;
  tone: Tone;
}

/** Rows the header (title, steps, blank) and the footer (blank, keys) take. */
const CHROME_ROWS = 5;

export function bodyRows(rows: number): number {
  return Math.max(3, rows - CHROME_ROWS);
}

/** How many scroll positions `lines` has in `height` rows (for the cursor of the first line). */
export function scrollPositions(lines: number, height: number): number {
  return Math.max(1, lines - height + 1);
}

function para(text: string, width: number, tone: Tone, indent = '', hanging = indent): Line[] {
  return wrap(text, width, indent, hanging)
    .split('\n')
    .map((t) => ({ text: t, tone }));
}

function causeLines(causes: readonly Omit<Cause, 'status'>[], mark: string, tone: Tone, width: number, flows = true): Line[] {
  return causes.flatMap((c) => [
    ...para(`${mark} ${escapeUnsafe(c.cause)}`, width, tone, '', '  '),
    ...para(`fix: ${escapeUnsafe(c.fix)}`, width, 'plain', '  ', '       '),
    ...(flows ? para(`flows: ${c.flows.join(', ')}`, width, 'muted', '  ', '         ') : []),
  ]);
}

export function checkLines(out: CheckOutput, width: number): Line[] {
  const { summary } = out;
  const lines: Line[] = [];
  lines.push(...para(verdictText(out), width, summary.failed === 0 ? 'ok' : 'bad'));
  const counts = STATUSES.filter((s) => summary.counts[s] > 0).map((s) => `${s} ${summary.counts[s]}`);
  lines.push({ text: counts.join(' · '), tone: 'muted' });
  if (summary.causes.length > 0)
    lines.push({ text: '', tone: 'plain' }, { text: 'Causes and fixes', tone: 'title' }, ...causeLines(summary.causes, '✗', 'bad', width));
  if (summary.warnings.length > 0)
    lines.push({ text: '', tone: 'plain' }, { text: 'Warnings', tone: 'title' }, ...causeLines(summary.warnings, '!', 'warn', width));
  const advice = inspectionAdvice(out);
  if (advice !== null) lines.push({ text: '', tone: 'plain' }, ...para(`! ${advice}`, width, 'warn', '', '  '));
  lines.push({ text: '', tone: 'plain' }, { text: 'Flows', tone: 'title' });
  const hostWidth = Math.max(...out.results.map((r) => `${r.host}:${r.port}`.length));
  for (const r of out.results) {
    const head = `${r.status.padEnd(13)} ${`${r.host}:${r.port}`.padEnd(hostWidth)}  `;
    lines.push({ text: clip(`${head}${escapeUnsafe(r.detail)}`, width), tone: r.status === 'ok' ? 'ok' : 'bad' });
  }
  for (const n of out.notes) lines.push(...para(`note: ${n}`, width, 'muted'));
  return lines;
}

/**
 * The vendor wildcard domains the rules use: ports, the planned hosts each lets through and
 * the rules' own warning for it (its risk); then the warnings that name no wildcard (hosts
 * kept by their exact name).
 */
export function wildcardLines(rules: RuleSet, width: number): Line[] {
  const wildcards = rules.destinations.filter((d) => d.kind === 'wildcard');
  const exact = rules.destinations.length - wildcards.length;
  const lines: Line[] = para(
    `The rules use ${wildcards.length} vendor wildcard domain${wildcards.length === 1 ? '' : 's'}` +
      `${exact > 0 ? ` and ${exact} exact host${exact === 1 ? '' : 's'}` : ''}:`,
    width,
    'plain',
  );
  const shown = new Set<string>();
  for (const d of wildcards) {
    lines.push({ text: '', tone: 'plain' }, ...para(`${d.name} · tcp/${d.ports.join(', ')} · for ${d.agents.join(', ')}`, width, 'title', '', '  '));
    for (const w of rules.warnings.filter((x) => x.startsWith(`${d.name} `))) {
      shown.add(w);
      lines.push(...para(`! ${w}`, width, 'warn', '  ', '    '));
    }
    lines.push(
      ...para(`lets through the ${d.hosts.length} planned host${d.hosts.length === 1 ? '' : 's'} ${d.hosts.join(', ')}`, width, 'plain', '  ', '    '),
    );
  }
  const rest = rules.warnings.filter((w) => !shown.has(w));
  if (rest.length > 0) lines.push({ text: '', tone: 'plain' }, ...rest.flatMap((w) => para(`! ${w}`, width, 'warn', '', '  ')));
  return lines;
}

/** "for cca, erds", or a site endpoint's reason and requester. */
function whose(r: CheckOutput['results'][number]): string {
  return r.site ? `site-specific: ${escapeUnsafe(r.site.reason)} (asked by ${escapeUnsafe(r.site.requestedBy)})` : `for ${r.agents.join(', ')}`;
}

/** A labelled value, wrapped under its label. */
function field(label: string, value: string, width: number, tone: Tone = 'plain'): Line[] {
  return para(value, width, tone, `${label.padEnd(10)} `, ' '.repeat(11));
}

/** One flow of the verdict in full: what the one-line list cuts short, and the causes and warnings that name it. */
export function flowDetailLines(out: CheckOutput, index: number, width: number): Line[] {
  const r = out.results[index];
  if (!r) return [];
  const name = flowName(r);
  const e = escapeUnsafe;
  const lines: Line[] = [
    ...para(`${r.status === 'ok' ? '✓' : '✗'} ${r.status}  ${name} · ${whose(r)}`, width, r.status === 'ok' ? 'ok' : 'bad', '', '  '),
    ...(r.detail === '' ? [] : para(e(r.detail), width, 'plain', '  ', '  ')),
    ...field('Route', e(r.route), width),
    ...field('Addresses', r.addresses.length === 0 ? 'none' : `${r.addresses.map(e).join(', ')}${r.untried > 0 ? ` (and ${r.untried} not tried)` : ''}`, width),
  ];
  if (r.attempts.length > 0) lines.push(...field('Attempts', r.attempts.map(attemptText).join('; '), width));
  if (r.dns) lines.push(...field('DNS', dnsText(r), width));
  if (r.tls) lines.push(...field('TLS', tlsText(r.tls), width));
  const probe = r.tls?.probe;
  if (probe)
    lines.push(
      ...field(
        'Answer',
        [
          probe.httpStatus === null ? 'no HTTP answer' : `HTTP ${probe.httpStatus}`,
          probe.server && `Server ${e(probe.server)}`,
          probe.proxyError && e(probe.proxyError),
        ]
          .filter(Boolean)
          .join(' · '),
        width,
      ),
    );
  const t = r.timings;
  lines.push(...field('Time', `dns ${ms(t.dns)} · connect ${ms(t.connect)} · tls ${ms(t.tls)}`, width, 'muted'));
  const causes = out.summary.causes.filter((c) => c.flows.includes(name));
  if (causes.length > 0) lines.push({ text: '', tone: 'plain' }, ...causeLines(causes, '✗', 'bad', width, false));
  const warnings = out.summary.warnings.filter((w) => w.flows.includes(name));
  if (warnings.length > 0) lines.push({ text: '', tone: 'plain' }, ...causeLines(warnings, '!', 'warn', width, false));
  return lines;
}

function ms(n: number | null): string {
  return n === null ? '–' : `${n} ms`;
}

function attemptText(a: CheckResult['attempts'][number]): string {
  return `${escapeUnsafe(a.address)} ${a.result} in ${a.ms} ms${a.code ? ` (${escapeUnsafe(a.code)})` : ''}`;
}

function dnsText(r: CheckResult): string {
  const d = r.dns;
  if (!d) return '';
  const e = escapeUnsafe;
  const parts = [`${e(d.server)}: ${d.chain.map(e).join(' → ')}${d.ttl === null ? '' : `, TTL ${d.ttl} s`}`];
  for (const s of [...d.special, ...d.sinkhole]) parts.push(`${e(s.address)} is ${e(s.range)}`);
  for (const f of d.failures) parts.push(`${f.type} failed: ${e(f.reason)}`);
  return parts.join('; ');
}

function tlsText(t: NonNullable<CheckResult['tls']>): string {
  const e = escapeUnsafe;
  return [
    t.version && e(t.version),
    t.alpn && `ALPN ${e(t.alpn)}`,
    t.issuer && `issuer ${e(t.issuer)}`,
    t.subject && `subject ${e(t.subject)}`,
    t.expires && `expires ${e(t.expires)}`,
    t.error && `error ${e(t.error)}`,
  ]
    .filter(Boolean)
    .join(' · ');
}

export function writtenLines(w: Written | null, width: number): Line[] {
  if (!w) return [{ text: 'No rule files written (no target chosen).', tone: 'muted' }];
  const lines: Line[] = [{ text: clip(`Wrote ${w.files.length} file${w.files.length === 1 ? '' : 's'} to ${escapeUnsafe(w.dir)}:`, width), tone: 'ok' }];
  for (const f of w.files) {
    lines.push({ text: clip(`  ${escapeUnsafe(f.path)}`, width), tone: 'plain' }, ...para(f.apply, width, 'muted', '      '));
  }
  for (const warning of w.warnings) lines.push(...para(`warning: ${warning}`, width, 'warn', '', '  '));
  return lines;
}

/** Cuts a line to the width, marking the cut. */
export function clip(text: string, width: number): string {
  const chars = [...text];
  return chars.length <= width ? text : `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}

/** Rows the run-save prompt takes under the verdict, while it is open: the field and its message. */
export const SAVE_ROWS = 2;

/** Rows for the check's verdict: the body less its title, a blank line and `less` (the save prompt). */
export function resultWindowRows(rows: number, less = 0): number {
  return Math.max(1, bodyRows(rows) - 2 - less);
}

/** Rows for the plan's wildcards: the body less its title. */
export function wildcardWindowRows(rows: number): number {
  return Math.max(1, bodyRows(rows) - 1);
}

/** Rows for the list of flows above one flow's detail: a third of the verdict's rows. */
export function flowListRows(rows: number, count: number, less = 0): number {
  return Math.max(1, Math.min(count, Math.floor(resultWindowRows(rows, less) / 3)));
}

/** Rows for one flow's detail: the verdict's rows less the list and a blank line. */
export function flowDetailRows(rows: number, count: number, less = 0): number {
  return Math.max(1, resultWindowRows(rows, less) - flowListRows(rows, count, less) - 1);
}

/** Rows for the files written: the body less the profile prompt (blank, title, field, message). */
export function doneWindowRows(rows: number): number {
  return Math.max(1, bodyRows(rows) - 5);
}

/** The smallest terminal every step fits (the agents step needs the most rows). */
export const MIN_SIZE = { columns: 40, rows: 15 } as const;

/** Whether the steps fit a terminal of this size; below it the app says so and waits. */
export function fitsApp(size: { columns: number; rows: number }): boolean {
  return size.columns >= MIN_SIZE.columns && size.rows >= MIN_SIZE.rows;
}

/** How the site step fills its rows beyond its title, fields and error line. */
export interface SiteRows {
  /** Lines for each field's error (by field index), 0 for none or no room. */
  errorRows: number[];
  /** Lines of the focused field's help under the fields (0: none; it has a blank line above). */
  helpRows: number;
}

/**
 * The site step in `height` rows: its title, every field and the step's error line, then as
 * room allows: the focused field's error whole, one line of every other error, the help (a
 * blank line and two), the other errors whole. `errorLines`: each field's error wrapped (0
 * for none).
 */
export function siteRows(height: number, focus: number, errorLines: readonly number[]): SiteRows {
  let room = height - 2 - errorLines.length;
  const errorRows = errorLines.map(() => 0);
  const give = (i: number, upTo: number) => {
    const more = Math.max(0, Math.min(upTo - (errorRows[i] ?? 0), room));
    errorRows[i] = (errorRows[i] ?? 0) + more;
    room -= more;
  };
  give(focus, errorLines[focus] ?? 0);
  for (const [i, n] of errorLines.entries()) give(i, Math.min(1, n));
  const helpRows = room >= 2 ? Math.min(2, room - 1) : 0;
  if (helpRows > 0) room -= helpRows + 1;
  for (const [i, n] of errorLines.entries()) give(i, n);
  return { errorRows, helpRows };
}

/**
 * A paragraph wrapped to `width`, at most `max` lines (the last one marked when cut). A word
 * longer than the width (a long host name) is broken across lines: no line is wider, so the
 * terminal never wraps one on its own over the row below.
 */
export function wrapLines(text: string, width: number, max: number): string[] {
  if (max <= 0) return [];
  const w = Math.max(1, width);
  const words = text.split(/\s+/).flatMap((word) => {
    const chars = [...word];
    if (chars.length <= w) return [word];
    return Array.from({ length: Math.ceil(chars.length / w) }, (_, i) => chars.slice(i * w, (i + 1) * w).join(''));
  });
  const all = wrap(words.join(' '), w).split('\n');
  if (all.length <= max) return all;
  const kept = all.slice(0, max);
  kept[max - 1] = clip(`${kept[max - 1] ?? ''} …`, width);
  return kept;
}
