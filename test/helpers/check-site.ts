// A customer site in a network namespace of the test's own, for `check`: dnsmasq as
// the site's resolver (also in the namespace's /etc/resolv.conf), TLS servers with
// openssl-made certificates, iptables DROP rules, and tinyproxy or Squid as the site's proxy.
// The CLI runs inside the namespace; nothing reaches any other network.
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { plan } from '../../src/core/planner.js';
import { catalogue } from './catalogue.js';
import { BIN, type CliResult } from './cli.js';
import { type Dnsmasq, startDnsmasq } from './dnsmasq.js';
import { type Pki, ca, makePki } from './pki.js';
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
  /** The TLS server is a web server: it answers HTTP (404, or this whole answer) and logs each request (see originRequests). */
  http?: boolean | string;
}

/** Each host on its own loopback address, 127.0.1.<n> in the given order, with a TLS server
 *  unless `overrides` says otherwise. */
export function siteHosts(hosts: readonly string[], overrides: (host: string) => Partial<HostSetup> = () => ({})): Map<string, HostSetup> {
  return new Map(hosts.map((h, i) => [h, { v4: `127.0.1.${i + 1}`, far: 'tls', ...overrides(h) }]));
}

/** Every agent, with the activation option: the plan the site tests build their sites from. */
export const fullPlan = plan(catalogue, { agents: catalogue.agents.map((a) => a.id), options: ['cca-activation'] });

/** The full plan's hosts by the start of their names, one host each: { GDLP: 'gdlp01.' } gives
 *  { GDLP: 'gdlp01.c-wss.com' }. Throws when a start names no host or several. */
export function fullPlanHosts<K extends string>(starts: Record<K, string>): Record<K, string> {
  const out = {} as Record<K, string>;
  for (const [key, start] of Object.entries(starts) as [K, string][]) {
    const found = fullPlan.hosts.filter((h) => h.startsWith(start));
    if (found.length !== 1 || found[0] === undefined) throw new Error(`the plan has ${found.length} hosts starting with ${start}`);
    out[key] = found[0];
  }
  return out;
}

/** The full plan's hosts as a site (siteHosts), each set up as `overrides` says by its name. */
export function fullSiteHosts(overrides: Readonly<Record<string, Partial<HostSetup>>>): Map<string, HostSetup> {
  return siteHosts(fullPlan.hosts, (h) => overrides[h] ?? {});
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

export interface SquidOptions {
  port: number;
  /** TLS inspection (ssl-bump) with a CA of Squid's own. */
  bump?: boolean;
  /** Basic authentication (basic_ncsa_auth and a password file), or NTLM only (ntlm_fake_auth). */
  auth?: { basic: { user: string; password: string } } | { ntlm: true };
  /** Hosts whose requests it denies inside the bumped session (CONNECT to them passes). */
  deny?: readonly string[];
  /** Pads every answer's head (its 407s too) with this many KiB of headers (reply_header_add). */
  padKiB?: number;
  /** A site's own policy, as Debian's squid.conf has it: deny CONNECT outside SSL_ports, this
   *  file's text included, then deny all (instead of allowing everything). */
  include?: string;
}

export interface Squid {
  dir: string;
  /** The CN of its inspection CA, with bump. */
  caIssuer: string | null;
  /** Its access.log as it is now. */
  accessLog(): string;
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
        options.ports.map((port) => ({
          host: address,
          port,
          kind,
          ...pair,
          ...(h.alpn ? { alpn: h.alpn } : {}),
          ...(h.requestCert ? { requestCert: true } : {}),
          ...(h.http ? { httpLog: this.originLog, ...(typeof h.http === 'string' ? { httpAnswer: h.http } : {}) } : {}),
        })),
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

  /** The request lines the origin servers (hosts with `http`) received, as "address:port HEAD / HTTP/1.1". */
  originRequests(): string[] {
    return existsSync(this.originLog)
      ? readFileSync(this.originLog, 'utf8')
          .split('\n')
          .filter((l) => l !== '')
      : [];
  }

  private get originLog(): string {
    return join(this.dir, 'origin-requests.log');
  }

  /**
   * Squid (Debian squid-openssl) in the namespace, its pid, logs, certificate database and
   * CA in a folder of the site's temp dir. With `bump`, it inspects TLS (ssl-bump) with a CA
   * of its own that the check does not trust, and trusts the site's CA upstream; `deny`
   * hosts get CONNECT 200 and then its ERR_ACCESS_DENIED page inside the bumped session.
   */
  async startSquid(options: SquidOptions): Promise<Squid> {
    const dir = join(this.dir, `squid-${options.port}`);
    mkdirSync(dir);
    const conf = join(dir, 'squid.conf');
    const lines = [
      `pid_filename ${join(dir, 'squid.pid')}`,
      `cache_log ${join(dir, 'cache.log')}`,
      `access_log stdio:${join(dir, 'access.log')}`,
      'cache_store_log none',
      `coredump_dir ${dir}`,
      'cache deny all',
      'visible_hostname squid.test',
      'pinger_enable off',
      'netdb_filename none',
      'logfile_rotate 0',
      'shutdown_lifetime 0 seconds',
      'dns_nameservers 127.0.0.1',
      'cache_effective_user proxy',
      'acl CONNECT method CONNECT',
    ];
    let caIssuer: string | null = null;
    if (options.bump) {
      caIssuer = 'Squid Inspection CA';
      const squidCa = ca(dir, 'squid-ca', caIssuer);
      const db = join(dir, 'ssl_db');
      execFileSync('/usr/lib/squid/security_file_certgen', ['-c', '-s', db, '-M', '4MB'], { stdio: 'pipe' });
      copyFileSync(this.pki.caFile, join(dir, 'upstream-ca.pem'));
      lines.push(
        `http_port 127.0.0.1:${options.port} ssl-bump tls-cert=${squidCa.cert} tls-key=${squidCa.key} generate-host-certificates=on dynamic_cert_mem_cache_size=4MB`,
        `sslcrtd_program /usr/lib/squid/security_file_certgen -s ${db} -M 4MB`,
        'sslcrtd_children 3 startup=1 idle=1',
        'acl step1 at_step SslBump1',
        'ssl_bump peek step1',
        'ssl_bump bump all',
        `tls_outgoing_options cafile=${join(dir, 'upstream-ca.pem')}`,
      );
    } else {
      lines.push(`http_port 127.0.0.1:${options.port}`);
    }
    if (options.auth && 'basic' in options.auth) {
      const passwd = join(dir, 'passwd');
      const hash = execFileSync('openssl', ['passwd', '-apr1', '-stdin'], { input: `${options.auth.basic.password}\n`, encoding: 'utf8' }).trim();
      writeFileSync(passwd, `${options.auth.basic.user}:${hash}\n`);
      lines.push(
        `auth_param basic program /usr/lib/squid/basic_ncsa_auth ${passwd}`,
        'auth_param basic children 2 startup=1',
        'auth_param basic realm emaint-egress test',
      );
    } else if (options.auth) {
      lines.push('auth_param ntlm program /usr/lib/squid/ntlm_fake_auth', 'auth_param ntlm children 2 startup=1');
    }
    if (options.deny && options.deny.length > 0) lines.push(`acl denied dstdomain ${options.deny.join(' ')}`);
    if (options.auth) lines.push('acl authed proxy_auth REQUIRED', 'http_access deny !authed');
    // CONNECT passes, so the denial comes from inside the inspected session, as at the sites.
    if (options.deny && options.deny.length > 0) lines.push('http_access deny denied !CONNECT');
    if (options.include !== undefined) {
      const file = join(dir, 'include.conf');
      writeFileSync(file, options.include);
      lines.push('acl SSL_ports port 443', 'acl Safe_ports port 80 443', 'http_access deny !Safe_ports', 'http_access deny CONNECT !SSL_ports');
      lines.push(`include ${file}`, 'http_access deny all');
    } else {
      lines.push('http_access allow all');
    }
    // Squid reads config lines of up to 2 KiB: the padding is many headers of 1 KiB.
    for (let i = 0; i < (options.padKiB ?? 0); i += 1) lines.push(`reply_header_add X-Padding-${i} "${'p'.repeat(1024)}" all`);
    lines.push('');
    writeFileSync(conf, lines.join('\n'));
    // Squid drops to the proxy user: it must reach its folder (and only that) below the site's.
    chmodSync(this.dir, 0o711);
    execFileSync('chown', ['-R', 'proxy:proxy', dir]);
    await this.background(['squid', '-N', '-d', '1', '-f', conf], /Accepting .*HTTP Socket connections at/);
    const accessLog = join(dir, 'access.log');
    return { dir, caIssuer, accessLog: () => (existsSync(accessLog) ? readFileSync(accessLog, 'utf8') : '') };
  }

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
