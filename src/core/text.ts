// Safe display of user-supplied values in one-line messages.

// C0/C1 controls, zero-width and bidirectional-override characters: anything that
// could move the cursor, hide text or reorder a terminal line.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

/** Quotes a value for a message: escapes unsafe characters and shortens long values. */
export function quoteValue(value: string, max = 60): string {
  const chars = [...value];
  const shown = chars.length > max ? `${chars.slice(0, max).join('')}…` : value;
  return `'${escapeUnsafe(shown.replace(/\\/g, '\\\\').replace(/'/g, "\\'"))}'`;
}

/** Remote or library text (an error, a certificate field) as one safe, bounded line. */
export function oneLine(text: string, max = 200): string {
  return escapeUnsafe(text.replace(/\s+/g, ' ').trim()).slice(0, max);
}

/** Replaces unsafe characters with \\uXXXX escapes so a message stays one visible line. */
export function escapeUnsafe(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
