// Through a proxy: TCP to the proxy, then HTTP CONNECT host:port (with Basic
// authentication where given), as the agents do. The password goes only into the
// Proxy-Authorization header, never into a result, message or file.
import http from 'node:http';
import type net from 'node:net';
import type { Attempt, ProxyProblem } from '../../core/check/result.js';
import type { Proxy } from '../../core/check/proxy.js';
import { attemptsText, connectAny } from './connect.js';
import { elapsed } from './elapsed.js';
import type { Found } from './lookup.js';

export type Tunnel =
  | { ok: true; socket: net.Socket; attempts: Attempt[]; ms: number }
  | { ok: false; problem: ProxyProblem; status?: number; detail: string; attempts: Attempt[]; ms: number };

export async function connectViaProxy(proxy: Proxy, addresses: readonly Found[], host: string, port: number, timeoutMs: number): Promise<Tunnel> {
  const started = performance.now();
  const { winner, all } = connectAny(addresses, proxy.port, timeoutMs);
  const first = await winner;
  if (!first) {
    const attempts = await all;
    return { ok: false, problem: 'unreachable', detail: `cannot reach the proxy ${proxy.text}: ${attemptsText(attempts, proxy.port, timeoutMs)}`, attempts, ms: elapsed(started) };
  }
  const attempts = [first.attempt];
  const answer = await connectRequest(first.socket, proxy, `${host.includes(':') ? `[${host}]` : host}:${port}`, timeoutMs);
  const ms = elapsed(started);
  if (answer.kind === 'tunnel') return { ok: true, socket: answer.socket, attempts, ms };
  if (answer.kind === 'silent') {
    return { ok: false, problem: 'no-answer', detail: `the proxy ${proxy.text} did not answer CONNECT ${host}:${port} within ${timeoutMs} ms`, attempts, ms };
  }
  if (answer.kind === 'broken') return { ok: false, problem: 'unreachable', detail: `the proxy ${proxy.text} failed: ${answer.reason}`, attempts, ms };
  const { status } = answer;
  // 407 is the rule; some proxies (tinyproxy) answer a bad CONNECT login with 401.
  const problem: ProxyProblem = status === 407 || status === 401 ? 'auth' : status >= 500 ? 'upstream' : 'denied';
  const why =
    problem === 'auth'
      ? proxy.auth
        ? 'rejected the credentials'
        : 'wants authentication (give --proxy http://user:password@host:port)'
      : problem === 'upstream'
        ? `could not connect to ${host}:${port}`
        : `refused CONNECT to ${host}:${port}`;
  return { ok: false, problem, status, detail: `the proxy ${proxy.text} ${why} (HTTP ${status})`, attempts, ms };
}

type Answer = { kind: 'tunnel'; socket: net.Socket } | { kind: 'status'; status: number } | { kind: 'silent' } | { kind: 'broken'; reason: string };

function connectRequest(socket: net.Socket, proxy: Proxy, target: string, timeoutMs: number): Promise<Answer> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = { Host: target };
    if (proxy.auth) headers['Proxy-Authorization'] = `Basic ${Buffer.from(`${proxy.auth.user}:${proxy.auth.password}`, 'utf8').toString('base64')}`;
    const req = http.request({ method: 'CONNECT', path: target, headers, createConnection: () => socket });
    let settled = false;
    const finish = (answer: Answer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (answer.kind !== 'tunnel') {
        req.destroy();
        socket.destroy();
      }
      resolve(answer);
    };
    const timer = setTimeout(() => finish({ kind: 'silent' }), timeoutMs);
    req.on('connect', (res: http.IncomingMessage, tunnel: net.Socket, head: Buffer) => {
      const status = res.statusCode ?? 0;
      // Bytes after the 200 would be the server speaking first: not TLS, not ours.
      if (status >= 200 && status < 300 && head.length === 0) finish({ kind: 'tunnel', socket: tunnel });
      else if (status >= 200 && status < 300) finish({ kind: 'broken', reason: 'data arrived before the TLS handshake' });
      else finish({ kind: 'status', status });
    });
    req.on('response', (res: http.IncomingMessage) => finish({ kind: 'status', status: res.statusCode ?? 0 }));
    req.on('error', (err: NodeJS.ErrnoException) => finish({ kind: 'broken', reason: err.code ?? 'error' }));
    req.end();
  });
}
