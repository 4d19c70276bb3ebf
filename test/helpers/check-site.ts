// A customer site in a network namespace of the test's own, for `check`: dnsmasq as
// the site's resolver (also in the namespace's /etc/resolv.conf), TLS servers with
// openssl-made certificates, iptables DROP rules, and tinyproxy as the site's proxy.
// The CLI runs inside the namespace; nothing reaches any other network.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN, type CliResult } from './cli.js';
import { type Dnsmasq, startDnsmasq } from './dnsmasq.js';
import { type Pki, makePki } from './pki.js';
import { Netns } from './system.js';

const PEER = fileURLToPath(new URL('./site-peer.mjs', import.meta.url));

/** How the far end of a host behaves. */
export type Far = 'tls' | 'inspected' | 'wrong-name' | 'silent' | 'none';

export interface HostSetup {
  v4: string;
  /** An AAAA answer too (an address added to the namespace's loopback). */
  v6?: string;
  far: Far;
  /** iptables DROP for this host's addresses (a firewall that says nothing). */
  drop?: boolean;
  /** Answer through a CNAME to this name. */
  cname?: string;
  /** Offer only these ALPN protocols (the AWS IoT endpoint on 443). */
  alpn?: string[];
  requestCert?: boolean;
}

/** Each host on its own loopback address, 127.0.1.<n> in the given order, with a TLS server
 *  unless `overrides` says otherwise. */
export function siteHosts(hosts: readonly string[], overrides: (host: string) => Partial<HostSetup> = () => ({})): Map<string, HostSetup> {
  return new Map(hosts.map((h, i) => [h, { v4: `127.0.1.${i + 1}`, far: 'tls', ...overrides(h) }]));
}

export interface SiteOptions {
  hosts: ReadonlyMap<string, HostSetup>;
  /** Ports to listen on for every host. */
  ports: readonly number[];
  /** Names the resolver says do not exist (NXDOMAIN). */
  missing?: readonly string[];
  /** The resolver answers A and REFUSES AAAA for the plain hosts (no --local, no upstream). */
  refuseAaaa?: boolean;
}

export class CheckSite {
  readonly ns: Netns;
  readonly dir: string;
  readonly pki: Pki;
  private readonly children: ChildProcess[] = [];
  private dnsmasq: Dnsmasq | null = null;
  private readonly etc: string;

  private constructor(names: readonly string[]) {
    this.ns = new Netns();
    this.dir = mkdtempSync(join(tmpdir(), 'ee-check-'));
    this.pki = makePki(this.dir, names);
    // ip netns exec bind-mounts these over /etc: the site's resolver for every program.
    this.etc = `/etc/netns/${this.ns.name}`;
    mkdirSync(this.etc, { recursive: true });
    writeFileSync(join(this.etc, 'resolv.conf'), 'nameserver 127.0.0.1\n');
  }

  static async start(options: SiteOptions): Promise<CheckSite> {
    const names = [...options.hosts.keys(), ...[...options.hosts.values()].flatMap((h) => (h.cname ? [h.cname] : []))];
    const site = new CheckSite(names);
    try {
      await site.setUp(options);
    } catch (err) {
      await site.close();
      throw err;
    }
    return site;
  }

  private async setUp(options: SiteOptions): Promise<void> {
    const plain = new Map<string, string>();
    const extra: string[] = [];
    const missing = new Set(options.missing ?? []);
    for (const [host, h] of options.hosts) {
      if (missing.has(host)) continue;
      if (h.v6) this.ns.exec('ip', ['-6', 'addr', 'add', `${h.v6}/128`, 'dev', 'lo', 'nodad']);
      if (h.cname) {
        // --local: the missing family is answered empty here, not forwarded (and REFUSED).
        extra.push(`--host-record=${h.cname},${h.v4}${h.v6 ? `,${h.v6}` : ''}`, `--cname=${host},${h.cname}`, `--local=/${h.cname}/`, `--local=/${host}/`);
      } else if (h.v6) {
        extra.push(`--host-record=${host},${h.v4},${h.v6}`, `--local=/${host}/`);
      } else {
        plain.set(host, h.v4);
      }
      if (h.drop) {
        this.ns.exec('iptables', ['-A', 'OUTPUT', '-d', h.v4, '-p', 'tcp', '-j', 'DROP']);
        if (h.v6) this.ns.exec('ip6tables', ['-A', 'OUTPUT', '-d', h.v6, '-p', 'tcp', '-j', 'DROP']);
      }
    }
    for (const name of missing) extra.push(`--local=/${name}/`);
    this.dnsmasq = await startDnsmasq({ addresses: plain, netns: this.ns, port: 53, extra, local: options.refuseAaaa !== true });
    const listeners = [...options.hosts].flatMap(([, h]) => {
      if (h.far === 'none') return [];
      const pair = h.far === 'inspected' ? this.pki.inspected : h.far === 'wrong-name' ? this.pki.wrongName : this.pki.site;
      const kind = h.far === 'silent' ? 'silent' : 'tls';
      return [h.v4, ...(h.v6 ? [h.v6] : [])].flatMap((address) =>
        options.ports.map((port) => ({ host: address, port, kind, ...pair, ...(h.alpn ? { alpn: h.alpn } : {}), ...(h.requestCert ? { requestCert: true } : {}) })),
      );
    });
    if (listeners.length > 0) await this.background([process.execPath, PEER, JSON.stringify(listeners)], /^ready$/m);
  }

  /** tinyproxy in the namespace; with `auth`, Basic authentication is required. */
  async startProxy(port: number, auth?: { user: string; password: string }): Promise<void> {
    const conf = join(this.dir, `tinyproxy-${port}.conf`);
    writeFileSync(
      conf,
      [
        `Port ${port}`,
        'Listen 127.0.0.1',
        'Timeout 30',
        'MaxClients 200',
        'Allow 127.0.0.0/8',
        'ConnectPort 443',
        'ConnectPort 8883',
        'LogLevel Info',
        ...(auth ? [`BasicAuth ${auth.user} ${auth.password}`] : []),
        '',
      ].join('\n'),
    );
    await this.background(['tinyproxy', '-d', '-c', conf], /listening on fd/);
  }

  /** Starts a long-running program in the namespace; ready when its output matches. */
  /** Starts a long-running program in the namespace; ready when its output matches.
   *  Output goes to a file, not a pipe: while a test waits in spawnSync nobody would
   *  drain a pipe, and a chatty program (tinyproxy) would block on a full one. */
  private async background(argv: readonly string[], ready: RegExp): Promise<void> {
    const logFile = join(this.dir, `${this.children.length}-${basename(argv[0] ?? 'program')}.log`);
    const fd = openSync(logFile, 'w');
    const child = spawn('ip', ['netns', 'exec', this.ns.name, ...argv], { stdio: ['ignore', fd, fd] });
    closeSync(fd);
    this.children.push(child);
    const log = () => readFileSync(logFile, 'utf8');
    for (const started = Date.now(); !ready.test(log()); ) {
      if (child.exitCode !== null) throw new Error(`${argv[0]} exited (${child.exitCode}): ${log()}`);
      if (Date.now() - started > 10_000) throw new Error(`${argv[0]} did not start: ${log()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** The built CLI, inside the namespace, trusting the test CA as a site would its roots. */
  run(args: readonly string[], env: Record<string, string> = {}): CliResult {
    return this.node([BIN, ...args], env);
  }

  /** Node with these arguments inside the namespace, with the CLI's environment. */
  node(args: readonly string[], env: Record<string, string> = {}): CliResult {
    const r = spawnSync('ip', ['netns', 'exec', this.ns.name, process.execPath, ...args], {
      encoding: 'utf8',
      env: { PATH: process.env['PATH'] ?? '', NODE_EXTRA_CA_CERTS: this.pki.caFile, NO_COLOR: '1', ...env },
      timeout: 60_000,
    });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  }

  async close(): Promise<void> {
    await this.dnsmasq?.stop();
    for (const c of this.children) if (c.exitCode === null) c.kill('SIGKILL');
    this.ns.close();
    rmSync(this.etc, { recursive: true, force: true });
    rmSync(this.dir, { recursive: true, force: true });
  }
}
