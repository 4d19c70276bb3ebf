// The TCP phase: connect to every resolved address at once (IPv4 and IPv6), each
// within the timeout. A refusal (reset, ICMP reject) is told apart from a silent drop.
import net from 'node:net';
import type { Attempt } from '../../core/check/result.js';
import { elapsed } from './elapsed.js';
import type { Found } from './lookup.js';

export interface Connected {
  socket: net.Socket;
  attempt: Attempt;
}

/** One connection attempt; the socket is returned open on success. */
export function connectTcp(address: string, port: number, timeoutMs: number): Promise<{ socket: net.Socket | null; attempt: Attempt }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = net.connect({ host: address, port, noDelay: true });
    const finish = (result: Attempt['result'], code?: string) => {
      clearTimeout(timer);
      socket.removeAllListeners('connect');
      const attempt: Attempt = { address, result, ms: elapsed(started), ...(code === undefined ? {} : { code }) };
      if (result === 'ok') {
        // Later errors (a reset after connect) belong to the next phase, which listens
        // on its own; this one only keeps an unheard error from ending the process.
        socket.removeAllListeners('error');
        socket.on('error', () => {});
        resolve({ socket, attempt });
      } else {
        socket.destroy();
        resolve({ socket: null, attempt });
      }
    };
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    socket.once('connect', () => finish('ok'));
    socket.once('error', (err: NodeJS.ErrnoException) => finish(...errorResult(err)));
  });
}

export function errorResult(err: NodeJS.ErrnoException): [Attempt['result'], string] {
  const code = err.code ?? 'ERROR';
  switch (code) {
    case 'ECONNREFUSED':
    // A local firewall's REJECT shows as EPERM/EACCES on connect.
    case 'EPERM':
    case 'EACCES':
      return ['refused', code];
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
      return ['unreachable', code];
    case 'ETIMEDOUT':
      return ['timeout', code];
    default:
      return ['error', code];
  }
}

/**
 * Connects to all addresses at once. Resolves with the first socket that connects
 * (`winner`), and separately with every attempt once all have settled.
 */
export function connectAny(addresses: readonly Found[], port: number, timeoutMs: number): { winner: Promise<Connected | null>; all: Promise<Attempt[]> } {
  const tries = addresses.map((a) => connectTcp(a.address, port, timeoutMs));
  let won = false;
  const winner = new Promise<Connected | null>((resolve) => {
    let left = tries.length;
    if (left === 0) resolve(null);
    for (const t of tries) {
      void t.then(({ socket, attempt }) => {
        left -= 1;
        if (socket && !won) {
          won = true;
          resolve({ socket, attempt });
        } else if (socket) {
          socket.destroy();
        }
        if (left === 0 && !won) resolve(null);
      });
    }
  });
  const all = Promise.all(tries).then((rs) => rs.map((r) => r.attempt));
  return { winner, all };
}

/** The flow's verdict when no address connected: a drop anywhere says timeout. */
export function failedStatus(attempts: readonly Attempt[]): 'timeout' | 'refused' {
  return attempts.some((a) => a.result === 'timeout') ? 'timeout' : 'refused';
}

export function attemptsText(attempts: readonly Attempt[], port: number, timeoutMs: number): string {
  return attempts
    .map((a) => {
      const where = a.address.includes(':') ? `[${a.address}]:${port}` : `${a.address}:${port}`;
      switch (a.result) {
        case 'timeout':
          return `${where}: no answer within ${timeoutMs} ms`;
        case 'refused':
          return `${where}: refused (${a.code ?? 'reset'})`;
        case 'unreachable':
          return `${where}: unreachable (${a.code ?? ''})`;
        case 'error':
          return `${where}: ${a.code ?? 'error'}`;
        case 'ok':
          return `${where}: connected`;
      }
    })
    .join('; ');
}
