// Proxy settings for the check: the --proxy URL and the answers of a PAC file. Pure.
// A password is kept out of every text this module makes: errors quote the URL with
// the password masked.
import { hasUnsafe, quoteValue } from './text.js';
import { type HostPort, SiteOptionError, parseHostPort } from './site.js';

export interface HttpProxy {
  host: string;
  port: number;
  /** `host:port` as shown to the user: never any credentials. */
  text: string;
  /** Basic authentication; the password is only ever sent to the proxy. */
  auth: { user: string; password: string } | null;
}

const HINT = 'expected http://[user@]host:port (e.g. http://proxy.example.com:8080)';

/** One proxy syntax everywhere: `http://[user@]host:port`; a bare `[user@]host:port` is
 *  taken as http:// (the callers say so: see `schemeAssumed`). */
export function withScheme(text: string): string {
  return schemeAssumed(text) ? `http://${text}` : text;
}

/** Whether `text` has no scheme of its own, so that http:// is assumed. */
export function schemeAssumed(text: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:\/\//i.test(text);
}

/** Parses `--proxy http://[user:pass@]host:port` (or host:port). `envPassword` fills a URL with a user and no password. */
export function parseProxyUrl(given: string, option = '--proxy', envPassword?: string): HttpProxy {
  const text = withScheme(given);
  const shown = quoteValue(maskPassword(given));
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new SiteOptionError(`${option}: ${shown} is not a URL; ${HINT}`);
  }
  if (url.protocol !== 'http:') {
    throw new SiteOptionError(
      `${option}: ${shown} uses ${quoteValue(url.protocol.replace(/:$/, ''))}; only http:// proxies are supported (the agents speak HTTP CONNECT); ${HINT}`,
    );
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') {
    throw new SiteOptionError(`${option}: ${shown} has a path, query or fragment; ${HINT}`);
  }
  // URL drops the default port 80; the user must still have written one.
  const authority = /^http:\/\/(?:[^@/]*@)?([^/?#]*)/i.exec(text)?.[1] ?? '';
  const hasPort = /:\d+$/.test(authority);
  if (!hasPort) throw new SiteOptionError(`${option}: ${shown} has no port; ${HINT}`);
  let hp: HostPort;
  try {
    hp = parseHostPort(authority, option);
  } catch {
    throw new SiteOptionError(`${option}: ${shown} has a bad host or port; ${HINT}`);
  }
  let auth: HttpProxy['auth'] = null;
  if (url.username !== '' || url.password !== '') {
    let user: string;
    let password: string;
    try {
      user = decodeURIComponent(url.username);
      password = decodeURIComponent(url.password);
    } catch {
      throw new SiteOptionError(`${option}: ${shown} has a bad %-escape in the user or password`);
    }
    if (user === '') throw new SiteOptionError(`${option}: ${shown} has a password but no user; ${HINT}`);
    if (password === '' && envPassword !== undefined) password = envPassword;
    // A colon in the user or a control character breaks Basic authentication; format
    // characters (zero-width, bidi) are refused as in every other free-text field.
    if (user.includes(':') || hasUnsafe(user + password)) {
      throw new SiteOptionError(`${option}: ${shown} has a user or password with ':' or control characters, which Basic authentication cannot carry`);
    }
    auth = { user, password };
  }
  return { host: hp.host, port: hp.port, text: hp.text, auth };
}

/** The text with any password (between the user's ':' and the last '@') replaced by ****.
 *  Errs on the side of masking: a "//" or ":" inside the password must not shift the start. */
export function maskPassword(text: string): string {
  const at = text.lastIndexOf('@');
  if (at < 0) return text;
  const start = /^[a-z][a-z0-9+.-]*:\/\//i.exec(text)?.[0].length ?? 0;
  const colon = text.indexOf(':', start);
  if (colon < 0 || colon > at) return text;
  return `${text.slice(0, colon)}:****${text.slice(at)}`;
}

/** Where the PAC file sends one host. */
export type PacRoute = { kind: 'direct' } | { kind: 'proxy'; host: string; port: number; text: string } | { kind: 'unsupported'; entry: string };

/**
 * The route of a FindProxyForURL answer, e.g. "PROXY p.example:8080; DIRECT".
 * Devices use the first entry; SOCKS and HTTPS proxies are not something they speak.
 */
export function parsePacResult(answer: unknown): PacRoute {
  if (typeof answer !== 'string') return { kind: 'unsupported', entry: `a ${answer === null ? 'null' : typeof answer} instead of a string` };
  const first = answer
    .split(';')
    .map((s) => s.trim())
    .find((s) => s !== '');
  if (first === undefined) return { kind: 'direct' };
  const m = /^(\S+)(?:\s+(\S+))?$/.exec(first);
  const keyword = m?.[1]?.toUpperCase();
  if (keyword === 'DIRECT' && m?.[2] === undefined) return { kind: 'direct' };
  if ((keyword === 'PROXY' || keyword === 'HTTP') && m?.[2] !== undefined) {
    try {
      const hp = parseHostPort(m[2], 'PAC', 80);
      return { kind: 'proxy', host: hp.host, port: hp.port, text: hp.text };
    } catch {
      // falls through: a malformed proxy is unsupported
    }
  }
  return { kind: 'unsupported', entry: first.slice(0, 100) };
}
