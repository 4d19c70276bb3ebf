// The TLS phase: a handshake with SNI (and ALPN where the devices offer it), verified
// against the system's trusted roots (plus NODE_EXTRA_CA_CERTS, which Node reads).
// An unverifiable chain is the mark of TLS inspection: the issuer is named, and what
// answers inside the inspected session is asked whether it denies the host (probe.ts).
import type net from 'node:net';
import tls from 'node:tls';
import type { CheckStatus, TlsFinding } from '../../core/check/result.js';
import { escapeUnsafe, oneLine } from '../../core/text.js';
import { elapsed } from './elapsed.js';
import { mayProbe, probe, probeText } from './probe.js';

export interface TlsOutcome {
  status: Extract<CheckStatus, 'ok' | 'tls-untrusted' | 'tls-error'>;
  detail: string;
  finding: TlsFinding;
  ms: number;
}

/** Verification errors that mean "signed by a CA this system does not trust". */
const UNTRUSTED = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);

const EMPTY: TlsFinding = { version: null, alpn: null, issuer: null, subject: null, expires: null, error: null };

/**
 * `port`, where given, allows the probe: where the chain does not verify (inspection) and the
 * flow is plain HTTPS, one HEAD / inside the session says whether the inspector also denies
 * the host. The probe has its own `timeoutMs`.
 */
export function handshake(socket: net.Socket, host: string, alpn: string | null, timeoutMs: number, port?: number): Promise<TlsOutcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    const conn = tls.connect({
      socket,
      servername: host,
      ...(alpn === null ? {} : { ALPNProtocols: [alpn] }),
      // We verify below, to report what failed instead of only that it did.
      rejectUnauthorized: false,
    });
    let settled = false;
    // While the probe reads, the session's own end is the probe's business.
    let probing = false;
    const finish = (outcome: Omit<TlsOutcome, 'ms'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      conn.destroy();
      socket.destroy();
      resolve({ ...outcome, ms: elapsed(started) });
    };
    const timer = setTimeout(
      () =>
        finish({
          status: 'tls-error',
          detail: `no TLS answer within ${timeoutMs} ms (an SNI filter or IPS may drop the handshake)`,
          finding: { ...EMPTY, error: 'timeout' },
        }),
      timeoutMs,
    );
    conn.once('secureConnect', () => {
      const outcome = verdict(conn, host, alpn);
      if (outcome.status !== 'tls-untrusted' || port === undefined || !mayProbe(port, alpn)) return finish(outcome);
      probing = true;
      clearTimeout(timer);
      void probe(conn, host, port, timeoutMs).then((answer) => {
        finish({ ...outcome, detail: `${outcome.detail}; ${probeText(answer)}`, finding: { ...outcome.finding, probe: answer } });
      });
    });
    conn.on('error', (err: NodeJS.ErrnoException) => {
      if (probing) return;
      const reason = err.code === 'ECONNRESET' ? 'the connection was reset during the handshake (an SNI filter or IPS may block it)' : oneLine(err.message);
      finish({ status: 'tls-error', detail: `TLS handshake failed: ${reason}`, finding: { ...EMPTY, error: err.code ?? 'handshake' } });
    });
    conn.on('close', () => {
      if (!probing) finish({ status: 'tls-error', detail: 'the connection closed during the TLS handshake', finding: { ...EMPTY, error: 'closed' } });
    });
  });
}

function verdict(conn: tls.TLSSocket, host: string, alpn: string | null): Omit<TlsOutcome, 'ms'> {
  const cert = conn.getPeerCertificate();
  const finding: TlsFinding = {
    version: conn.getProtocol() ?? null,
    alpn: typeof conn.alpnProtocol === 'string' ? conn.alpnProtocol : null,
    issuer: cert.issuer ? nameText(cert.issuer) : null,
    subject: cert.subject ? nameText(cert.subject) : null,
    expires: cert.valid_to ? isoDate(cert.valid_to) : null,
    error: null,
  };
  const verifyError = errorCode(conn.authorizationError as unknown);
  // Node checks the name too: say which names the certificate has instead of only the code.
  const identity = tls.checkServerIdentity(host, cert);
  if (identity && (verifyError === null || verifyError === 'ERR_TLS_CERT_ALTNAME_INVALID')) {
    return {
      status: 'tls-error',
      detail: `certificate is not for ${host}: ${oneLine(identity.message)}`,
      finding: { ...finding, error: 'ERR_TLS_CERT_ALTNAME_INVALID' },
    };
  }
  if (verifyError !== null && UNTRUSTED.has(verifyError)) {
    return {
      status: 'tls-untrusted',
      detail: `certificate issued by "${finding.issuer ?? 'unknown'}", not trusted here (${verifyError}): TLS inspection?`,
      finding: { ...finding, error: verifyError },
    };
  }
  if (verifyError !== null) {
    return { status: 'tls-error', detail: `certificate not valid: ${verifyError}`, finding: { ...finding, error: verifyError } };
  }
  if (alpn !== null && finding.alpn !== alpn) {
    return {
      status: 'tls-error',
      detail: `the server did not accept ALPN ${alpn}, which the devices need here (a middlebox may strip it)`,
      finding: { ...finding, error: 'ALPN' },
    };
  }
  return { status: 'ok', detail: `${finding.version ?? 'TLS'}, issued by "${finding.issuer ?? 'unknown'}"`, finding };
}

/** Node gives the verification error as a code string or an Error carrying one. */
function errorCode(e: unknown): string | null {
  if (e === null || e === undefined) return null;
  if (typeof e === 'string') return e;
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' ? code : oneLine(String(e));
}

/** "CN, O" of a certificate name; remote text, so unsafe characters are escaped. */
function nameText(name: tls.Certificate): string {
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const parts = [first(name.CN), first(name.O)].filter((v): v is string => typeof v === 'string' && v !== '');
  return escapeUnsafe(parts.join(', ').slice(0, 200));
}

function isoDate(text: string): string | null {
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}
