// A guard for tests that let the tool near the network: records every TCP connect and
// UDP send/connect, and refuses any to an address outside loopback.
import dgram from 'node:dgram';
import net from 'node:net';
import { afterEach, beforeEach, vi } from 'vitest';

export function isLoopback(host: unknown): boolean {
  return typeof host === 'string' && (/^127\.\d+\.\d+\.\d+$/.test(host) || host === '::1');
}

export interface Traffic {
  /** TCP connects and UDP sends: anything that puts a packet on the wire. */
  sent: string[];
  /** UDP connects: they only pick a route. */
  routed: string[];
}

/** Installs the guard around each test of the calling file; read `.sent`/`.routed` of the returned record. */
export function guardTraffic(): Traffic {
  const traffic: Traffic = { sent: [], routed: [] };
  beforeEach(() => {
    traffic.sent.length = 0;
    traffic.routed.length = 0;
    const tcpConnect = net.Socket.prototype.connect;
    vi.spyOn(net.Socket.prototype, 'connect').mockImplementation(function (this: net.Socket, ...args: unknown[]) {
      const first = args[0];
      const options = (Array.isArray(first) ? first[0] : typeof first === 'object' && first !== null ? first : { port: first, host: args[1] }) as {
        host?: unknown;
        port?: unknown;
        path?: unknown;
      };
      if (options.path !== undefined) return tcpConnect.apply(this, args as never);
      const host = options.host ?? 'localhost';
      traffic.sent.push(`tcp ${String(host)}:${String(options.port)}`);
      if (!isLoopback(host)) throw new Error(`test guard: no TCP to ${String(host)}`);
      return tcpConnect.apply(this, args as never);
    });
    const udpConnect = dgram.Socket.prototype.connect;
    vi.spyOn(dgram.Socket.prototype, 'connect').mockImplementation(function (this: dgram.Socket, ...args: unknown[]) {
      traffic.routed.push(`udp ${String(args[1])}:${String(args[0])}`);
      if (!isLoopback(args[1])) throw new Error(`test guard: no UDP to ${String(args[1])}`);
      return udpConnect.apply(this, args as never);
    });
    const udpSend = dgram.Socket.prototype.send;
    vi.spyOn(dgram.Socket.prototype, 'send').mockImplementation(function (this: dgram.Socket, ...args: unknown[]) {
      // A connected socket sends to its peer; an unconnected one (a test server) names the address.
      let address: unknown;
      try {
        address = (this.remoteAddress() as { address: string }).address;
      } catch {
        address = args.find((a) => typeof a === 'string');
      }
      traffic.sent.push(`udp ${String(address)}`);
      if (!isLoopback(address)) throw new Error(`test guard: no UDP to ${String(address)}`);
      return udpSend.apply(this, args as never);
    });
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });
  return traffic;
}
