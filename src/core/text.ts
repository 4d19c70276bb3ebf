// Safe display of user-supplied values in one-line messages, and the one definition of
// the characters no free-text field may hold.

/**
 * Characters that could move the cursor, hide text or reorder a line: Unicode's control
 * (Cc) and format (Cf: zero-width spaces and joiners, U+200F, U+FEFF, U+061C, the bidi
 * embeddings, overrides and isolates...) categories, and the line and paragraph
 * separators. Every free-text field refuses them, every message escapes them.
 */
export const UNSAFE_CHARACTERS = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;
const UNSAFE_ALL = new RegExp(UNSAFE_CHARACTERS.source, 'gu');

/** True when `text` holds a character of UNSAFE_CHARACTERS. */
export function hasUnsafe(text: string): boolean {
  return UNSAFE_CHARACTERS.test(text);
}

/** Quotes a value for a message: escapes unsafe characters, hides any URL password,
 *  and shortens long values. */
export function quoteValue(value: string, max = 60): string {
  const chars = [...redactSecrets(value)];
  const shown = chars.length > max ? `${chars.slice(0, max).join('')}…` : chars.join('');
  return `'${escapeUnsafe(shown.replace(/\\/g, '\\\\').replace(/'/g, "\\'"))}'`;
}

/** Remote or library text (an error, a certificate field) as one safe, bounded line. */
export function oneLine(text: string, max = 200): string {
  return escapeUnsafe(text.replace(/\s+/g, ' ').trim()).slice(0, max);
}

/** Replaces unsafe characters with \\uXXXX escapes so a message stays one visible line. */
export function escapeUnsafe(text: string): string {
  return text.replace(UNSAFE_ALL, (c) => unicodeEscape(c));
}

function unicodeEscape(c: string): string {
  return [...c]
    .map((ch) => {
      const code = ch.codePointAt(0) ?? 0;
      // Astral format characters (U+E0001 tags) as their UTF-16 pair, as JSON writes them.
      return code > 0xffff
        ? ch
            .split('')
            .map((u) => `\\u${u.charCodeAt(0).toString(16).padStart(4, '0')}`)
            .join('')
        : `\\u${code.toString(16).padStart(4, '0')}`;
    })
    .join('');
}

/** JSON for --json outputs: as JSON.stringify, with unsafe characters (bidi controls,
 *  zero-width, C1) escaped as \\uXXXX, so a terminal or a log shows what the text output shows. */
export function safeJson(value: unknown): string {
  // JSON.stringify escapes C0 controls inside strings; a raw newline is its own layout.
  return JSON.stringify(value, null, 2).replace(UNSAFE_ALL, (c) => (c === '\n' ? c : unicodeEscape(c)));
}

/**
 * The user information of anything URL-like, kept to the user name: `http://bob:pw@host`,
 * `http://bob%3Apw@host` (an encoded colon) and `bob:pw@host` all become `bob:****@`.
 * Every message that can quote an argument goes through here (quoteValue, and the CLI's
 * error report), so a password typed anywhere on the command line is never printed.
 */
export function redactSecrets(text: string): string {
  return text.replace(USERINFO, (_, scheme: string | undefined, user: string) => `${scheme ?? ''}${user}:****@`);
}

/** [scheme://]user(:|%3A)anything@ — the user part stops at the first colon, encoded or not;
 *  the password runs to the last @ before a space or quote (it may hold @ or /: masking
 *  too much is harmless, too little is not). */
const USERINFO = /([a-z][a-z0-9+.-]*:\/\/)?([^\s:/@'"`%=[\]]*(?:%(?!3a)[0-9a-f]{2}[^\s:/@'"`%=[\]]*)*)(?::|%3a)(?!\/\/)[^\s'"`]*@/gi;
