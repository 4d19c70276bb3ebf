// HTML built only through one tagged template: every interpolated value is escaped unless it
// is itself HTML made by this tag. There is no other way to add markup, so no text from a
// run (a site name, a PAC answer, a certificate issuer) can become an element or attribute.
import { escapeUnsafe } from '../text.js';

const MADE_HERE = Symbol('html');

/** Markup made by `html`: the only thing printed unescaped. Only this module can make one. */
export class Html {
  constructor(
    token: symbol,
    readonly markup: string,
  ) {
    if (token !== MADE_HERE) throw new Error('Html is made by the html tag only');
  }
}

/** What may be interpolated: markup from `html`, text, numbers, nothing, or lists of these. */
export type Part = Html | string | number | null | undefined | readonly Part[];

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Text for HTML content or a quoted attribute value: the five specials as entities, and the
 * characters that could reorder or hide text (bidi controls, zero-width, C0/C1) shown as
 * \uXXXX, as every other output of the tool shows them.
 */
export function escapeHtml(text: string): string {
  return escapeUnsafe(text).replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

function print(value: Part): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Html) return value.markup;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (Array.isArray(value)) return value.map(print).join('');
  // Anything else (never by the types) is text too.
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: readonly Part[]): Html {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i += 1) out += print(values[i]) + (strings[i + 1] ?? '');
  return new Html(MADE_HERE, out);
}
