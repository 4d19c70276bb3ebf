// Through a proxy: TCP to the proxy, then HTTP CONNECT host:port (with Basic
// authentication where given), as the agents do. The password goes only into the
// Proxy-Authorization header, never into a result, message or file.
import type net from 'node:net';
import type { Attempt, ProxyProblem } from '../../core/check/result.js';
import type { HttpProxy } from '../../core/proxy-url.js';
import { attemptsText, connectAny } from './connect.js';
import { elapsed } from './elapsed.js';
import { authSchemes, headerValues, readHead } from './http-head.js';
import type { Found } from './lookup.js';

export type Tunnel =
  | { ok: true; socket: net.Socket; attempts: Attempt[]; ms: number }
  | { ok: false; problem: ProxyProblem; status?: number; authSchemes?: string[]; detail: string; attempts: Attempt[]; ms: number };

export async function connectViaProxy(proxy: HttpProxy, addresses: readonly Found[], host: string, port: number, timeoutMs: number): Promise<Tunnel> {
  const started = performance.now();
  const { winner, all } = connectAny(addresses, proxy.port, timeoutMs);
  const first = await winner;
  if (!first) {
    const attempts = await all;
    return {
      ok: false,
      problem: 'unreachable',
      detail: `cannot reach the proxy ${proxy.text}: ${attemptsText(attempts, proxy.port, timeoutMs)}`,
      attempts,
      ms: elapsed(started),
    };
  }
  const attempts = [first.attempt];
  const answer = await connectRequest(first.socket, proxy, `${host.includes(':') ? `[${host}]` : host}:${port}`, timeoutMs);
  const ms = elapsed(started);
  if (answer.kind === 'tunnel') return { ok: true, socket: answer.socket, attempts, ms };
  if (answer.kind === 'silent') {
    return { ok: false, problem: 'no-answer', detail: `the proxy ${proxy.text} did not answer CONNECT ${host}:${port} within ${timeoutMs} ms`, attempts, ms };
  }
  if (answer.kind === 'broken') return { ok: false, problem: 'unreachable', detail: `the proxy ${proxy.text} failed: ${answer.reason}`, attempts, ms };
  const { status, schemes } = answer;
  const problem = connectProblem(status, schemes);
  const why =
    problem === 'auth-scheme'
      ? `offers only ${schemesText(schemes)} authentication, not Basic`
      : problem === 'auth'
        ? proxy.auth
          ? 'rejected the credentials'
          : 'wants authentication (give --proxy http://user:password@host:port)'
        : problem === 'upstream'
          ? `could not connect to ${host}:${port}`
          : `refused CONNECT to ${host}:${port}`;
  return {
    ok: false,
    problem,
    status,
    ...(problem === 'auth-scheme' ? { authSchemes: schemes.slice(0, MAX_SCHEMES) } : {}),
    detail: `the proxy ${proxy.text} ${why} (HTTP ${status})`,
    attempts,
    ms,
  };
}

/** What a CONNECT answer other than 2xx means. `schemes`: what its authentication challenges offer. */
export function connectProblem(status: number, schemes: readonly string[]): ProxyProblem {
  // 407 is the rule; some proxies (tinyproxy) answer a bad CONNECT login with 401.
  if (status === 407 || status === 401) {
    // eRDS speaks only Basic: a proxy that offers only NTLM/Negotiate stops the devices whatever the password.
    return schemes.length > 0 && !schemes.some((s) => s.toLowerCase() === 'basic') ? 'auth-scheme' : 'auth';
  }
  return status >= 500 ? 'upstream' : 'denied';
}

/** Remote tokens, bounded for a message. */
const MAX_SCHEMES = 5;
function schemesText(schemes: readonly string[]): string {
  const shown = schemes.slice(0, MAX_SCHEMES).map((s) => s.slice(0, 40));
  return shown.length <= 1 ? (shown[0] ?? '') : `${shown.slice(0, -1).join(', ')} or ${shown[shown.length - 1]}`;
}

/** Bytes of the proxy's answer head we read at most; beyond, the status line decides. */
export const CONNECT_HEAD_LIMIT = 32 * 1024;

type Answer =
  | { kind: 'tunnel'; socket: net.Socket }
  | { kind: 'status'; status: number; schemes: string[] }
  | { kind: 'silent' }
  | { kind: 'broken'; reason: string };

function connectRequest(socket: net.Socket, proxy: HttpProxy, target: string, timeoutMs: number): Promise<Answer> {
  return new Promise((resolve) => {
    const lines = [`CONNECT ${target} HTTP/1.1`, `Host: ${target}`];
    if (proxy.auth) lines.push(`Proxy-Authorization: Basic ${Buffer.from(`${proxy.auth.user}:${proxy.auth.password}`, 'utf8').toString('base64')}`);
    let received = Buffer.alloc(0);
    let settled = false;
    const finish = (answer: Answer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.removeListener('data', onData);
      socket.removeListener('end', onEnd);
      socket.removeListener('error', onError);
      if (answer.kind === 'tunnel') {
        // The TLS phase reads from here on; keep its errors from ending the process meanwhile.
        socket.pause();
        socket.on('error', () => {});
      } else {
        socket.destroy();
      }
      resolve(answer);
    };
    /** `final`: no more bytes will come (closed, failed or out of time). */
    const judge = (final: boolean, failure?: string) => {
      if (final && received.length === 0)
        return finish(
          failure === undefined ? { kind: 'broken', reason: 'it closed the connection without answering CONNECT' } : { kind: 'broken', reason: failure },
        );
      const reading = readHead(received, CONNECT_HEAD_LIMIT, final);
      if (reading.kind === 'garbage')
        return finish({ kind: 'broken', reason: final ? 'its answer to CONNECT is not a whole HTTP status line' : 'its answer to CONNECT is not HTTP' });
      if (reading.kind === 'more') return;
      const { head } = reading;
      if (head.status >= 200 && head.status < 300) {
        // Bytes after the 200 would be the server speaking first: not TLS, not ours.
        if (!head.complete)
          return finish({
            kind: 'broken',
            reason: final ? 'its answer to CONNECT stopped before the end of its head' : `its answer to CONNECT has a head over ${CONNECT_HEAD_LIMIT} bytes`,
          });
        if (head.rest.length > 0) return finish({ kind: 'broken', reason: 'data arrived before the TLS handshake' });
        if (final) return finish({ kind: 'broken', reason: 'it closed the tunnel right after opening it' });
        return finish({ kind: 'tunnel', socket });
      }
      // Any other status decides, even from a cut head (a 407 with an enormous header is still a 407).
      const challenges = headerValues(head, 'proxy-authenticate').concat(head.status === 401 ? headerValues(head, 'www-authenticate') : []);
      finish({ kind: 'status', status: head.status, schemes: authSchemes(challenges) });
    };
    const onData = (chunk: Buffer) => {
      // Past the limit the head is cut anyway: keep no more than that (and the 4 bytes of a blank line).
      if (received.length <= CONNECT_HEAD_LIMIT + 4) received = Buffer.concat([received, chunk]);
      judge(false);
    };
    const onEnd = () => judge(true);
    const onError = (err: NodeJS.ErrnoException) => judge(true, err.code ?? 'error');
    const timer = setTimeout(() => (received.length === 0 ? finish({ kind: 'silent' }) : judge(true)), timeoutMs);
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('error', onError);
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  });
}
