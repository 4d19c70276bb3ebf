// dnsmasq from Debian as the site's resolver in tests: on loopback, in the test's own
// network namespace or the root one, answering only from its own --address lines.
import { type ChildProcess, spawn } from 'node:child_process';
import type { Netns } from './system.js';

export interface Dnsmasq {
  port: number;
  stop(): Promise<void>;
}

export interface DnsmasqOptions {
  /** Names answered locally: host -> IPv4 address (AAAA gets an empty answer). */
  addresses: ReadonlyMap<string, string>;
  netns?: Netns;
  port?: number;
  /** More options, e.g. --conf-file=<snippet> or --server=127.0.0.1#5300. */
  extra?: readonly string[];
  /** false: no --local for the names, so the other family is forwarded, and with no
   *  upstream REFUSED (as `--address=/#/127.0.0.1` sites do). Default true. */
  local?: boolean;
}

export async function startDnsmasq(options: DnsmasqOptions): Promise<Dnsmasq> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = options.port ?? 20000 + Math.floor(Math.random() * 40000);
    const args = [
      '--keep-in-foreground',
      '--log-facility=-',
      '--conf-file=/dev/null',
      `--port=${port}`,
      '--listen-address=127.0.0.1',
      '--bind-interfaces',
      '--no-hosts',
      '--pid-file=',
      '--user=root',
      ...(options.extra?.some((e) => e.startsWith('--server=')) ? [] : ['--no-resolv']),
      ...[...options.addresses].flatMap(([host, ip]) => [`--address=/${host}/${ip}`, ...(options.local === false ? [] : [`--local=/${host}/`])]),
      ...(options.extra ?? []),
    ];
    const child = options.netns
      ? spawn('ip', ['netns', 'exec', options.netns.name, 'dnsmasq', ...args], { stdio: ['ignore', 'ignore', 'pipe'] })
      : spawn('dnsmasq', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    const started = await new Promise<boolean>((resolve) => {
      let log = '';
      child.stderr?.on('data', (d: Buffer) => {
        log += d.toString();
        if (/started, version/.test(log)) resolve(true);
      });
      child.on('exit', () => resolve(false));
      setTimeout(() => resolve(false), 5000);
    });
    if (started) return { port, stop: () => stop(child) };
    child.kill('SIGKILL');
    if (options.port !== undefined) break;
  }
  throw new Error('dnsmasq did not start');
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.on('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
