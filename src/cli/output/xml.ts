// Text for XML 1.0 documents (element content and attribute values in double quotes).
import { escapeUnsafe } from '../../core/text.js';

/** What XML 1.0 forbids even as a character reference: C0 controls but tab, LF and CR,
 *  lone surrogates, U+FFFE and U+FFFF. (Without the u flag: surrogates are code units here.) */
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** One line of remote or own text: unsafe characters as \uXXXX (as every other output
 *  shows them), then the five XML specials as entities. Safe in content and attributes. */
export function xmlText(text: string): string {
  return escapeUnsafe(text)
    .replace(NOT_XML, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Several lines as element content: each line escaped, real newlines between them. */
export function xmlLines(lines: readonly string[]): string {
  return lines.map(xmlText).join('\n');
}
