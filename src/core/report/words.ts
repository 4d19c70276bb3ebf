// Small wordings both renderers share.
import type { RulesHeader } from './rules-files.js';

/** An ISO 8601 UTC time as people read it in a report: "2026-11-21 10:00 UTC". */
export function when(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?Z$/.exec(iso);
  return m ? `${m[1]} ${m[2]} UTC` : iso;
}

/** A certificate's expiry relative to the check. */
export function daysText(days: number): string {
  if (days < 0) return `expired ${-days} day${days === -1 ? '' : 's'} before the check`;
  return days === 0 ? 'within a day' : `in ${days} day${days === 1 ? '' : 's'}`;
}

/** Times of the check's phases, in milliseconds; a dash where the phase was not reached. */
export function ms(v: number | null): string {
  return v === null ? '—' : String(Math.round(v));
}

/** What a rules file's header says it was made for, one line; a dash without a header. */
export function madeFor(h: RulesHeader | null): string {
  if (h === null) return '—';
  return [
    `catalogue ${h.catalogue ?? '?'}`,
    h.agents.join(', ') || 'agents ?',
    ...(h.options.length > 0 ? [`options ${h.options.join(', ')}`] : []),
    ...(h.mode === null ? [] : [h.mode]),
    ...(h.site === null ? [] : [`site ${h.site}`]),
    ...(h.generatedAt === null ? [] : [when(h.generatedAt)]),
  ].join('; ');
}
