// What a check of one flow found. Pure data: the net layer fills it, the summary and
// the outputs read it.
import type { SiteRequest } from '../site-endpoints.js';

/** The verdicts of one flow, worst phase first; `local-error` is this machine's own
 *  trouble (out of sockets or memory), which says nothing about the site. */
export const STATUSES = ['ok', 'dns-error', 'timeout', 'refused', 'tls-untrusted', 'tls-error', 'proxy-error', 'local-error'] as const;

export type CheckStatus = (typeof STATUSES)[number];

/** Why a proxy step failed; picks the fix in the summary. */
export const PROXY_PROBLEMS = ['unreachable', 'auth', 'denied', 'upstream', 'no-answer', 'pac', 'unsupported', 'auth-scheme'] as const;
export type ProxyProblem = (typeof PROXY_PROBLEMS)[number];

/** Why a lookup failed; picks the fix in the summary. */
export const DNS_PROBLEMS = ['no-such-name', 'no-address', 'no-answer', 'server-error', 'cname-loop', 'sinkhole'] as const;
export type DnsProblem = (typeof DNS_PROBLEMS)[number];

/** One TCP connection attempt to one resolved address (or to the proxy). */
export interface Attempt {
  address: string;
  /** `local`: this machine could not even try (EMFILE, ENOBUFS, ...). */
  result: 'ok' | 'timeout' | 'refused' | 'unreachable' | 'error' | 'local';
  ms: number;
  /** The system's error code (ECONNREFUSED, EHOSTUNREACH, ...), where there was one. */
  code?: string;
}

/** An answer in a private or special range (ipaddr.js range()), a sign of split-horizon DNS or a sinkhole. */
export interface SpecialAddress {
  address: string;
  range: string;
}

/** One record type the resolver did not answer while the other did (e.g. AAAA REFUSED). */
export interface FamilyFailure {
  type: 'A' | 'AAAA';
  /** e.g. "REFUSED", "SERVFAIL", "no answer within 5000 ms", "CNAME loop at x". */
  reason: string;
}

export interface DnsFinding {
  /** "127.0.0.53:53", or "platform" when the system's own resolver was used. */
  server: string;
  /** The resolver's port (for the fix: udp/5390), null for the platform resolver. */
  port: number | null;
  /** The name, then each CNAME target in order. */
  chain: string[];
  /** Lowest TTL along the chain, seconds; null where the platform resolver gives none. */
  ttl: number | null;
  /** Answers that work but point at split-horizon DNS (private, loopback, ...): connected to. */
  special: SpecialAddress[];
  /** Answers no host can be reached at (0.0.0.0, multicast, broadcast, reserved): a sinkhole
   *  or filter's answer, never connected to. */
  sinkhole: SpecialAddress[];
  /** A family that failed while the other gave addresses: the flow goes on, with a warning. */
  failures: FamilyFailure[];
}

export interface TlsFinding {
  /** e.g. TLSv1.3 */
  version: string | null;
  alpn: string | null;
  /** The leaf certificate's issuer, "CN, O". */
  issuer: string | null;
  subject: string | null;
  /** The leaf certificate's notAfter, ISO 8601. */
  expires: string | null;
  /** Node's verification error code, null when the chain verified. */
  error: string | null;
  /** Where the chain did not verify (and the flow is plain HTTPS): what answered HEAD / inside the session. */
  probe?: HttpProbe;
}

/**
 * The answer to one HEAD / sent inside a TLS session whose certificate did not verify:
 * an inspecting proxy or firewall often opens the tunnel and serves its block page there.
 * Remote text is escaped and cut short.
 */
export interface HttpProbe {
  /** null: nothing answered in HTTP (silence, garbage, a closed connection). */
  httpStatus: number | null;
  /** The Server header. */
  server: string | null;
  /** A proxy's own error header, as "X-Squid-Error: ERR_ACCESS_DENIED 0". */
  proxyError: string | null;
  /** The proxy/firewall answered itself with a denial (403, 407, 451, or its error marks). */
  denied: boolean;
  /** The answer carries a proxy's own mark (X-Squid-Error, a Server naming a proxy): without
   *  one, a bare 403 may also be the server itself refusing a HEAD / it does not serve. */
  marked: boolean;
}

export interface Timings {
  dns: number | null;
  connect: number | null;
  tls: number | null;
}

export interface CheckResult {
  host: string;
  protocol: 'tcp';
  port: number;
  agents: string[];
  status: CheckStatus;
  /** One line: what happened, for the table and the JSON reader. */
  detail: string;
  /** "direct", or "proxy host:port" (never with credentials). */
  route: string;
  addresses: string[];
  /** Addresses the resolver gave that were not tried (only a few per family are). */
  untried: number;
  dns: DnsFinding | null;
  attempts: Attempt[];
  tls: TlsFinding | null;
  /** The leaf certificate's issuer (also in tls), for a quick look. */
  issuer: string | null;
  timings: Timings;
  /** Devices authenticate with client certificates here: TLS inspection breaks them. */
  clientCertificate: boolean;
  /** Set with status dns-error. */
  dnsProblem?: DnsProblem;
  /** Set with status local-error: the system's error code (EMFILE, ENOBUFS, ...). */
  localProblem?: string;
  /** Set with status proxy-error. */
  proxyProblem?: ProxyProblem;
  /** For proxy-error: the proxy's HTTP status, where it answered. */
  proxyStatus?: number;
  /** With proxyProblem auth-scheme: the schemes the proxy offers instead of Basic. */
  proxyAuthSchemes?: string[];
  /** A site endpoint's flow (no agents): why the site needs it and who asked. */
  site?: SiteRequest;
}
