// Threshold ranges as the Monitoring Plugins Development Guidelines define them
// ("Threshold and ranges", doc/developer-guidelines.sgml of monitoring-plugins):
// [@]start:end, start <= end; "start:" may be left out when start is 0; "start:" alone
// means end is infinity; "~" is negative infinity; an alert is raised when the value is
// outside start..end (endpoints included), or inside it when the range starts with "@".
import { quoteValue } from '../core/text.js';
import { UsageError } from './exit-codes.js';

export interface Range {
  /** As given (trimmed): it goes into the perfdata's warn/crit field unchanged. */
  text: string;
  start: number;
  end: number;
  /** "@": alert inside the range instead of outside. */
  inside: boolean;
}

const NUMBER = '-?\\d+(?:\\.\\d+)?';
const RANGE = new RegExp(`^(@)?(?:(~|${NUMBER}):(${NUMBER})?|(${NUMBER}))$`);

export function parseRange(text: string, option: string): Range {
  const trimmed = text.trim();
  const m = RANGE.exec(trimmed);
  const range =
    m === null
      ? null
      : m[4] !== undefined
        ? { start: 0, end: Number(m[4]) }
        : { start: m[2] === '~' ? Number.NEGATIVE_INFINITY : Number(m[2]), end: m[3] === undefined ? Number.POSITIVE_INFINITY : Number(m[3]) };
  if (m === null || range === null || range.start > range.end) {
    throw new UsageError(
      `${option}: ${quoteValue(text)} is not a valid range; expected [@]start:end of the Monitoring Plugins, e.g. 0, 5, 2:, ~:3 or @1:4 (failed flows)`,
    );
  }
  return { text: trimmed, ...range, inside: m[1] === '@' };
}

/** Whether `value` raises the alert of `range`. */
export function alerts(range: Range, value: number): boolean {
  const within = value >= range.start && value <= range.end;
  return range.inside ? within : !within;
}
