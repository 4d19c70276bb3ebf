// Text for XML 1.0 documents (element content and attribute values in double quotes).
import { XML_INVALID, xmlEntities } from '../../core/render/escape.js';
import { escapeUnsafe } from '../../core/text.js';

/** One line of remote or own text: unsafe characters as \uXXXX (as every other output
 *  shows them), then the five XML specials as entities. Safe in content and attributes. */
export function xmlText(text: string): string {
  return xmlEntities(escapeUnsafe(text).replace(XML_INVALID, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/** Several lines as element content: each line escaped, real newlines between them. */
export function xmlLines(lines: readonly string[]): string {
  return lines.map(xmlText).join('\n');
}
