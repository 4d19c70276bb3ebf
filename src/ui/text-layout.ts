// The app's long texts (the check's verdict, the files written) as lines of a given
// width, so the view only paints a window of them and the keys know how far to scroll.
import { type CheckOutput, inspectionAdvice, verdictText } from '../core/check/output.js';
import type { Cause } from '../core/check/summary.js';
import { STATUSES } from '../core/check/result.js';
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

function causeLines(causes: readonly Omit<Cause, 'status'>[], mark: string, tone: Tone, width: number): Line[] {
  return causes.flatMap((c) => [
    ...para(`${mark} ${escapeUnsafe(c.cause)}`, width, tone, '', '  '),
    ...para(`fix: ${escapeUnsafe(c.fix)}`, width, 'plain', '  ', '       '),
    ...para(`flows: ${c.flows.join(', ')}`, width, 'muted', '  ', '         '),
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

/** Rows for the check's verdict: the body less its title and a blank line. */
export function resultWindowRows(rows: number): number {
  return Math.max(1, bodyRows(rows) - 2);
}

/** Rows for the files written: the body less the profile prompt (blank, title, field, message). */
export function doneWindowRows(rows: number): number {
  return Math.max(1, bodyRows(rows) - 5);
}

/** A paragraph wrapped to `width`, at most `max` lines (the last one marked when cut). */
export function wrapLines(text: string, width: number, max: number): string[] {
  const all = wrap(text, width).split('\n');
  if (all.length <= max) return all;
  const kept = all.slice(0, max);
  kept[max - 1] = clip(`${kept[max - 1] ?? ''} …`, width);
  return kept;
}
