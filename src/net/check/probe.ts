// One HEAD / inside a TLS session whose certificate did not verify, for diagnosis only:
// TLS-inspecting proxies and firewalls (Squid ssl-bump, FortiGate, PAN-OS decryption)
// often open the tunnel for a host they deny and serve their block page inside it.
// Never with credentials; never where the devices speak MQTT (see `mayProbe`).
import type tls from 'node:tls';
import type { HttpProbe } from '../../core/check/result.js';
import { oneLine } from '../../core/text.js';
import { type HeadReading, headerValues, readHead } from './http-head.js';

/** Bytes of the answer's head we read at most: a status line and a few headers decide. */
export const PROBE_HEAD_LIMIT = 4 * 1024;

/** MQTT over TLS (8883, or 443 with ALPN): an HTTP request there is not what the devices send. */
export function mayProbe(port: number, alpn: string | null): boolean {
  return port !== 8883 && alpn === null;
}

/** The request: a constant but for the host, so nothing secret can ever go inside the tunnel. */
export function probeRequest(host: string, port: number): string {
  const authority = port === 443 ? host : `${host}:${port}`;
  return `HEAD / HTTP/1.1\r\nHost: ${authority}\r\nUser-Agent: emaint-egress-check\r\nAccept: */*\r\nConnection: close\r\n\r\n`;
}

/** Sends the HEAD on an open session and reads the answer's head within `timeoutMs`. Never rejects. */
export function probe(conn: tls.TLSSocket, host: string, port: number, timeoutMs: number): Promise<HttpProbe> {
  return new Promise((resolve) => {
    let received = Buffer.alloc(0);
    let settled = false;
    const finish = (final: boolean) => {
      const reading = readHead(received, PROBE_HEAD_LIMIT, final);
      if (!final && reading.kind === 'more') return;
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      conn.removeListener('data', onData);
      resolve(judgeAnswer(reading));
    };
    const onData = (chunk: Buffer) => {
      if (received.length <= PROBE_HEAD_LIMIT + 4) received = Buffer.concat([received, chunk]);
      finish(false);
    };
    const timer = setTimeout(() => finish(true), timeoutMs);
    conn.on('data', onData);
    conn.once('end', () => finish(true));
    conn.once('close', () => finish(true));
    conn.on('error', () => finish(true));
    conn.write(probeRequest(host, port));
  });
}

/** Headers by which a proxy marks an answer as its own error page. */
const PROXY_ERROR_HEADERS = ['X-Squid-Error'];

/** A Server header that names a proxy or firewall rather than a web server. */
const PROXY_NAMES = [
  'squid',
  'fortigate',
  'fortinet',
  'fortiweb',
  'pan-os',
  'palo ?alto',
  'bluecoat',
  'blue coat',
  'proxysg',
  'zscaler',
  'mcafee web gateway',
  'skyhigh',
  'websense',
  'forcepoint',
  'netskope',
  'sophos',
  'check ?point',
  'barracuda',
  'ironport',
  'kerio',
];
const PROXY_SERVER = new RegExp(`\\b(${PROXY_NAMES.join('|')})\\b`, 'i');

/** Statuses that deny, from whoever answers inside an inspected session: forbidden, proxy login, legal block. */
const DENYING = new Set([403, 407, 451]);

const NO_ANSWER: HttpProbe = { httpStatus: null, server: null, proxyError: null, denied: false, marked: false };

/** What an answer means. Silence or garbage is "no HTTP answer", never a denial. */
export function judgeAnswer(reading: HeadReading): HttpProbe {
  if (reading.kind !== 'head') return NO_ANSWER;
  const { head } = reading;
  const serverValue = headerValues(head, 'server')[0];
  const server = serverValue === undefined ? null : oneLine(serverValue, 100);
  const errorHeader = PROXY_ERROR_HEADERS.map((name) => [name, headerValues(head, name)[0]] as const).find(([, v]) => v !== undefined);
  const proxyError = errorHeader ? oneLine(`${errorHeader[0]}: ${errorHeader[1] ?? ''}`, 120) : null;
  // A redirect or error that the proxy signs with its own Server is its answer, not the origin's.
  const proxyServer = serverValue !== undefined && PROXY_SERVER.test(serverValue) && head.status >= 300;
  const marked = proxyError !== null || proxyServer;
  const denied = DENYING.has(head.status) || marked;
  return { httpStatus: head.status, server, proxyError, denied, marked };
}

/** The probe as a clause of the flow's detail line. */
export function probeText(p: HttpProbe): string {
  if (p.httpStatus === null) return 'HEAD / inside it: no HTTP answer';
  const marks = [p.proxyError, p.server === null ? null : `Server: ${p.server}`].filter((m): m is string => m !== null);
  const answer = `HEAD / inside it: HTTP ${p.httpStatus}${marks.length > 0 ? ` (${marks.join(', ')})` : ''}`;
  return p.denied ? `${answer}: denied by the inspecting proxy/firewall` : `${answer}, not a denial`;
}
