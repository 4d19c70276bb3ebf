// The exporter's log: one logfmt line per event (ts=... level=... msg=... key=value), as
// Prometheus's own programs write it, so the same tools read both.
import { escapeUnsafe } from '../../core/text.js';

export type LogFields = Record<string, string | number>;

export function logLine(at: Date, level: string, msg: string, fields: LogFields): string {
  const pairs = [`ts=${at.toISOString()}`, `level=${level}`, `msg=${value(msg)}`];
  for (const [k, v] of Object.entries(fields)) pairs.push(`${k}=${value(String(v))}`);
  return pairs.join(' ');
}

/** Bare when it is one plain word, else quoted with \" and \\ escaped; never a line break. */
function value(text: string): string {
  const safe = escapeUnsafe(text);
  return /^[A-Za-z0-9._:,/+@[\]-]+$/.test(safe) ? safe : `"${safe.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
