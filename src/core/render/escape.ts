// Escaping per syntax. Each function returns text that is safe where its name says,
// or throws RenderError when the value cannot be carried there at all.
import { hasUnsafe, quoteValue } from '../text.js';
import { RenderError } from './engine.js';

function text(value: unknown, where: string): string {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') throw new RenderError(`${where}: expected text, got ${typeof value}`);
  return value;
}

/** Refuses control characters (line breaks included): they could end a comment or a line. */
function oneLine(value: unknown, where: string): string {
  const s = text(value, where);
  if (hasUnsafe(s)) {
    throw new RenderError(`${where}: ${quoteValue(s)} contains a control character or line break`);
  }
  return s;
}

/** A `# ...` comment line (shell, iptables-restore, ipset, nft, dnsmasq). */
export const hashComment = (v: unknown) => oneLine(v, 'comment');

/** A `// ...` JavaScript comment line. */
export const jsComment = (v: unknown) => oneLine(v, 'JavaScript comment');

/** A JavaScript string literal, quotes included. */
export function jsString(v: unknown): string {
  return JSON.stringify(text(v, 'JavaScript string'))
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** What XML 1.0 forbids even as a character reference: C0 controls but tab, LF and CR,
 *  lone surrogates, U+FFFE and U+FFFF. (Without the u flag: surrogates are code units here.) */
export const XML_INVALID = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The five XML specials as entities: safe in content and in attributes in either quote. */
export function xmlEntities(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** XML character data or attribute value. */
export function xmlText(v: unknown): string {
  const s = text(v, 'XML text');
  if (s.search(XML_INVALID) !== -1) throw new RenderError(`XML text: ${quoteValue(s)} contains a character XML cannot hold`);
  return xmlEntities(s);
}

/** Text inside `<!-- ... -->`, where `--` may not appear (and nothing is unescaped). */
export function xmlComment(v: unknown): string {
  const s = oneLine(v, 'XML comment');
  return s.replace(/-(?=-)/g, '- ').replace(/-$/, '- ');
}

/** A value the target uses verbatim as an identifier: it must already match `pattern`. */
export function identifier(pattern: RegExp, what: string) {
  return (v: unknown): string => {
    const s = text(v, what);
    if (!pattern.test(s)) throw new RenderError(`${what}: ${quoteValue(s)} is not valid here`);
    return s;
  };
}

/** Cuts `s` to at most `bytes` UTF-8 bytes without splitting a character. */
function clipBytes(s: string, bytes: number): string {
  let out = '';
  let used = 0;
  for (const ch of s) {
    const n = Buffer.byteLength(ch);
    if (used + n > bytes) break;
    out += ch;
    used += n;
  }
  return out;
}

/** An iptables-restore `--comment` argument, quotes included. The kernel keeps 255 bytes
 *  and iptables cuts longer ones silently, so we cut first, on a character boundary. */
export function iptablesComment(v: unknown): string {
  const s = clipBytes(oneLine(v, 'iptables comment'), 255);
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** An nft `comment "..."` string, quotes included. nft has no escape for `"` and keeps
 *  128 bytes at most. */
export function nftComment(v: unknown): string {
  const s = oneLine(v, 'nftables comment');
  if (s.includes('"')) throw new RenderError(`nftables comment: ${quoteValue(s)} contains '"', which nft cannot quote`);
  return `"${clipBytes(s, 128)}"`;
}

/** A PAN-OS CLI value in quotes. The CLI has no escape for a quote inside quotes, so a
 *  value with `"` goes in single quotes, and a value with both kinds is refused. */
export function panosQuoted(v: unknown): string {
  const s = clipBytes(oneLine(v, 'PAN-OS description'), 1023);
  if (!s.includes('"')) return `"${s}"`;
  if (!s.includes("'")) return `'${s}'`;
  throw new RenderError(`PAN-OS description: ${quoteValue(s)} contains both ' and ", which the PAN-OS CLI cannot quote`);
}
