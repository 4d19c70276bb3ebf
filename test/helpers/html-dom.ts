// Reads HTML the way a parser does, not with regular expressions: libxml2's HTML parser
// (xmllint --html, Debian libxml2-utils) answers XPath questions about a document, e.g. one
// chromium serialised after loading it (--dump-dom).
import { spawnSync } from 'node:child_process';

/** The XPath's answer as text: a count, a string, or the selected nodes serialised. */
export function htmlXpath(html: string, expression: string): string {
  const r = spawnSync('xmllint', ['--html', '--nonet', '--xpath', expression, '-'], { input: html, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  // xmllint exits 10 when the XPath selects nothing; an empty answer says so.
  if (r.status === 10) return '';
  if (r.status !== 0) throw new Error(`xmllint --html --xpath ${expression}: exit ${r.status}: ${r.stderr.slice(0, 500)}`);
  return r.stdout.replace(/\n$/, '');
}

export function htmlCount(html: string, expression: string): number {
  return Number(htmlXpath(html, `count(${expression})`));
}

/** The text content of each node the XPath selects, in document order. */
export function htmlTexts(html: string, expression: string): string[] {
  const n = htmlCount(html, expression);
  return Array.from({ length: n }, (_, i) => htmlXpath(html, `string((${expression})[${i + 1}])`));
}
