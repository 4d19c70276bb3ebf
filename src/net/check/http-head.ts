// The head of an HTTP answer (status line and headers), read by us and bounded: a
// proxy's answer to CONNECT, and what answers HEAD / inside an inspected TLS session.
// Node's parser gives up on a head over 16 KiB (HPE_HEADER_OVERFLOW) and hides the
// status; here an overlong head is cut at the limit and still judged by its status
// line. Pure: bytes in, a reading out.

export interface HttpHead {
  status: number;
  /** Header lines as [lower-case name, value] (latin1, trimmed), in order; a cut head keeps the whole lines before the cut. */
  headers: [string, string][];
  /** False when the head was cut at the limit before its blank line. */
  complete: boolean;
  /** Bytes after the blank line (none when cut). */
  rest: Buffer;
}

export type HeadReading =
  /** Not enough bytes yet to say. */
  | { kind: 'more' }
  | { kind: 'head'; head: HttpHead }
  /** Not an HTTP answer (or a status line longer than the limit, or nothing but 1xx when final). */
  | { kind: 'garbage' };

/** Headers kept of one head: a guard against a flood of tiny lines. */
const MAX_HEADERS = 200;

const STATUS_LINE = /^HTTP\/\d(?:\.\d)? ([1-9]\d\d)(?:[ \t][^\r\n]*)?$/;

/**
 * Reads what has arrived so far. `limit` bounds the head: with that many bytes and no
 * blank line, the head is taken as cut there; so it is when `final` (no more bytes will
 * come: closed, or out of time) and the status line is whole. Interim 1xx answers are skipped.
 */
export function readHead(bytes: Buffer, limit: number, final = false): HeadReading {
  let buf = bytes;
  for (;;) {
    const lineEnd = buf.indexOf(0x0a);
    const firstLine = lineEnd < 0 ? buf : buf.subarray(0, lineEnd);
    if (!'HTTP/'.startsWith(firstLine.subarray(0, 5).toString('latin1'))) return { kind: 'garbage' };
    if (lineEnd < 0 || lineEnd > limit) return buf.length >= limit || final ? { kind: 'garbage' } : { kind: 'more' };
    const m = STATUS_LINE.exec(firstLine.toString('latin1').replace(/\r$/, ''));
    if (!m) return { kind: 'garbage' };
    const status = Number(m[1]);
    const end = headEnd(buf, limit);
    if (end === null) {
      if (buf.length < limit && !final) return { kind: 'more' };
      return { kind: 'head', head: { status, headers: headerLines(buf.subarray(lineEnd + 1, cutAtLine(buf, limit))), complete: false, rest: Buffer.alloc(0) } };
    }
    const rest = buf.subarray(end.next);
    if (status >= 100 && status < 200) {
      // 100 Continue and friends come before the answer itself.
      buf = rest;
      if (buf.length === 0) return final ? { kind: 'garbage' } : { kind: 'more' };
      continue;
    }
    return { kind: 'head', head: { status, headers: headerLines(buf.subarray(lineEnd + 1, end.at)), complete: true, rest } };
  }
}

/** Where the blank line ending the head starts, and where the body starts; null when not within the limit. */
function headEnd(buf: Buffer, limit: number): { at: number; next: number } | null {
  const window = buf.subarray(0, limit + 4);
  const crlf = window.indexOf('\r\n\r\n', 0, 'latin1');
  const lf = window.indexOf('\n\n', 0, 'latin1');
  const candidates = [crlf < 0 ? null : { at: crlf, next: crlf + 4 }, lf < 0 ? null : { at: lf, next: lf + 2 }].filter(
    (c): c is { at: number; next: number } => c !== null && c.at <= limit,
  );
  if (candidates.length === 0) return null;
  return candidates.reduce((a, b) => (a.at <= b.at ? a : b));
}

/** The offset just after the last whole line within the limit. */
function cutAtLine(buf: Buffer, limit: number): number {
  const last = buf.subarray(0, limit).lastIndexOf(0x0a);
  return last < 0 ? 0 : last + 1;
}

function headerLines(block: Buffer): [string, string][] {
  const out: [string, string][] = [];
  for (const line of block.toString('latin1').split(/\r?\n/)) {
    if (out.length >= MAX_HEADERS) break;
    const previous = out[out.length - 1];
    if (/^[ \t]/.test(line) && previous) {
      // obs-fold: a continuation of the previous value.
      previous[1] = `${previous[1]} ${line.trim()}`.trim();
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(name)) continue;
    out.push([name, line.slice(colon + 1).trim()]);
  }
  return out;
}

const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const AUTH_PARAM = new RegExp(`^${TOKEN}[ \\t]*=`);
const AUTH_SCHEME = new RegExp(`^(${TOKEN})(?:[ \\t]|$)`);

/** Every value of one header (name in any case). */
export function headerValues(head: Pick<HttpHead, 'headers'>, name: string): string[] {
  const wanted = name.toLowerCase();
  return head.headers.filter(([n]) => n === wanted).map(([, v]) => v);
}

/**
 * The authentication schemes a Proxy-Authenticate (or WWW-Authenticate) header offers,
 * each once, as first written: "Basic realm=\"x\", NTLM" gives ["Basic", "NTLM"]. A challenge
 * starts with a token not followed by "="; the rest are its parameters.
 */
export function authSchemes(values: readonly string[]): string[] {
  const schemes = new Map<string, string>();
  for (const value of values) {
    for (const raw of splitOutsideQuotes(value)) {
      const part = raw.trim();
      // "realm=x" is a parameter of the challenge before; "NTLM abc==" is a scheme with a token68.
      if (AUTH_PARAM.test(part)) continue;
      const token = AUTH_SCHEME.exec(part)?.[1];
      if (token !== undefined && !schemes.has(token.toLowerCase())) schemes.set(token.toLowerCase(), token);
    }
  }
  return [...schemes.values()];
}

function splitOutsideQuotes(value: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < value.length; i += 1) {
    const c = value[i] as string;
    if (quoted && c === '\\' && i + 1 < value.length) {
      current += c + (value[i + 1] as string);
      i += 1;
    } else if (c === '"') {
      quoted = !quoted;
      current += c;
    } else if (c === ',' && !quoted) {
      parts.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  parts.push(current);
  return parts;
}
