// The TCP phase: connect to a few resolved addresses of each family at once (RFC 8305
// order), each within the timeout. A refusal (reset, ICMP reject) is told apart from a
// silent drop, and both from this machine's own trouble (out of sockets).
import net from 'node:net';
import { isLocalErrorCode, localResource } from '../../core/check/local.js';
import type { Attempt } from '../../core/check/result.js';
import { type Slots, sockets } from '../slots.js';
import { elapsed } from './elapsed.js';
import type { Found } from './lookup.js';

/** Addresses tried per family: enough to see a firewall that lets only some through,
 *  few enough that a name with 1000 A records does not open 1000 sockets. */
export const PER_FAMILY = 3;

/**
 * The addresses to try, in RFC 8305 (Happy Eyeballs v2) order: duplicates dropped, the
 * families interleaved with IPv6 first, the resolver's order kept within a family, at
 * most `perFamily` of each. `untried` counts the rest.
 */
export function attemptOrder(addresses: readonly Found[], perFamily = PER_FAMILY): { chosen: Found[]; untried: number } {
  const seen = new Set<string>();
  const unique = addresses.filter((a) => !seen.has(a.address) && seen.add(a.address));
  const v6 = unique.filter((a) => a.family === 6).slice(0, perFamily);
  const v4 = unique.filter((a) => a.family === 4).slice(0, perFamily);
  const chosen: Found[] = [];
  for (let i = 0; i < Math.max(v6.length, v4.length); i++) {
    const six = v6[i];
    const four = v4[i];
    if (six) chosen.push(six);
    if (four) chosen.push(four);
  }
  return { chosen, untried: addresses.length - chosen.length };
}

export interface Connected {
  socket: net.Socket;
  attempt: Attempt;
}

/** One connection attempt; the socket is returned open on success. It holds one of
 *  `slots` from before it opens until it closes; waiting for a slot is not timed. */
export async function connectTcp(
  address: string,
  port: number,
  timeoutMs: number,
  slots: Slots = sockets,
): Promise<{ socket: net.Socket | null; attempt: Attempt }> {
  const release = await slots.acquire();
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = net.connect({ host: address, port, noDelay: true });
    socket.once('close', release);
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
  if (isLocalErrorCode(code)) return ['local', code];
  switch (code) {
    case 'ECONNREFUSED':
    // A local firewall's REJECT shows as EPERM/EACCES on connect.
    case 'EPERM':
    case 'EACCES':
      return ['refused', code];
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return ['unreachable', code];
    case 'ETIMEDOUT':
      return ['timeout', code];
    default:
      return ['error', code];
  }
}

/**
 * Connects to the addresses at once, as `attemptOrder` chooses them. Resolves with the
 * first socket that connects (`winner`), and separately with every attempt once all
 * have settled.
 */
export function connectAny(
  addresses: readonly Found[],
  port: number,
  timeoutMs: number,
): { winner: Promise<Connected | null>; all: Promise<Attempt[]>; untried: number } {
  const { chosen, untried } = attemptOrder(addresses);
  const tries = chosen.map((a) => connectTcp(a.address, port, timeoutMs));
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
  return { winner, all, untried };
}

/** The flow's verdict when no address connected: this machine's own failure first (it
 *  proves nothing about the site), then a drop anywhere says timeout. */
export function failedStatus(attempts: readonly Attempt[]): 'timeout' | 'refused' | 'local-error' {
  if (attempts.some((a) => a.result === 'local')) return 'local-error';
  return attempts.some((a) => a.result === 'timeout') ? 'timeout' : 'refused';
}

export function attemptsText(attempts: readonly Attempt[], port: number, timeoutMs: number): string {
  return (
    attempts
      // biome-ignore lint/suspicious/useIterableCallbackReturn: the switch covers every Attempt result; TypeScript checks it
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
          case 'local':
            return `${where}: not tried, this machine ran out of ${localResource(a.code)} (${a.code ?? 'error'})`;
          case 'ok':
            return `${where}: connected`;
        }
      })
      .join('; ')
  );
}
