// The verdict over all flows: failures grouped by cause, each with what to change.
// Pure: the same results always give the same summary, in a stable order.
import { localResource } from './local.js';
import { type CheckResult, type CheckStatus, STATUSES } from './result.js';

export interface Cause {
  status: CheckStatus;
  /** What went wrong, one line. */
  cause: string;
  /** What to change, one line. */
  fix: string;
  /** The flows it applies to, as host:port. */
  flows: string[];
}

export interface Summary {
  total: number;
  ok: number;
  failed: number;
  counts: Record<CheckStatus, number>;
  causes: Cause[];
  /** Things that work now but point at a problem (private answers, partly failing addresses). */
  warnings: Warning[];
}

/** Like a cause, for any status: the flows may be ok or failing for another reason. */
export type Warning = Omit<Cause, 'status'>;

export function summarise(results: readonly CheckResult[]): Summary {
  const counts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<CheckStatus, number>;
  for (const r of results) counts[r.status] += 1;
  const causes = new Grouper(true);
  // A warning can cover every host; its fix names a few (--json lists all flows).
  const warnings = new Grouper(false, 5);
  for (const r of results) {
    if (r.status !== 'ok') causes.add(r, ...causeOf(r));
    // Inspection and a denial are two findings with two fixes, on two different pages of the firewall.
    if (r.tls?.probe?.denied) causes.add(r, ...deniedCause(r));
    for (const [cause, fix] of warningsOf(r)) warnings.add(r, cause, fix);
  }
  return {
    total: results.length,
    ok: counts.ok,
    failed: results.length - counts.ok,
    counts,
    causes: causes.list(),
    warnings: warnings.list().map(({ status: _, ...w }) => w),
  };
}

/** Makes the fix for a group: named hosts, and the group's results where the fix needs more (their agents). */
type Fix = (hosts: string, results: readonly CheckResult[]) => string;

/** Groups flows under one (status, cause, fix); the fix text names the hosts at the end. */
class Grouper {
  private readonly groups = new Map<string, { status: CheckStatus; cause: string; fix: Fix; results: CheckResult[] }>();
  constructor(
    private readonly byStatus: boolean,
    private readonly maxHosts = Number.POSITIVE_INFINITY,
  ) {}
  add(r: CheckResult, cause: string, fix: Fix): void {
    const key = `${this.byStatus ? r.status : ''}\u0000${cause}\u0000${fix('', [])}`;
    const g = this.groups.get(key) ?? { status: r.status, cause, fix, results: [] };
    g.results.push(r);
    this.groups.set(key, g);
  }
  list(): Cause[] {
    const order = (s: CheckStatus) => STATUSES.indexOf(s);
    return [...this.groups.values()]
      .sort((a, b) => order(a.status) - order(b.status) || b.results.length - a.results.length || a.cause.localeCompare(b.cause))
      .map((g) => ({ status: g.status, cause: g.cause, fix: g.fix(hostList(g.results, this.maxHosts), g.results), flows: g.results.map(flowName) }));
  }
}

export function flowName(r: Pick<CheckResult, 'host' | 'port'>): string {
  return `${r.host}:${r.port}`;
}

/** "a, b and c": each host once (a cause that depends on the port names it itself). */
function hostList(results: readonly CheckResult[], max = Number.POSITIVE_INFINITY): string {
  const names = [...new Set(results.map((r) => r.host))];
  if (names.length > max) return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

function portOf(r: CheckResult): string {
  return `tcp/${r.port}`;
}

function causeOf(r: CheckResult): [string, Fix] {
  const resolver = r.dns?.server ?? 'the resolver';
  switch (r.status) {
    case 'dns-error':
      switch (r.dnsProblem) {
        case 'no-answer': {
          const port = r.dns?.port ?? null;
          const where = port === null ? 'allow this machine to reach its resolver' : `allow udp/${port} and tcp/${port} to it`;
          return [`the resolver ${resolver} did not answer`, () => `check the resolver address and ${where}`];
        }
        case 'server-error':
          return [
            `the resolver ${resolver} failed to resolve these names (SERVFAIL or REFUSED)`,
            (h) => `make ${resolver} able to resolve ${h}: check its forwarders and DNSSEC`,
          ];
        case 'cname-loop':
          return [
            `the resolver ${resolver} answers these names with a CNAME loop or an endless CNAME chain`,
            (h) => `fix the CNAME records ${resolver} gives for ${h}: a local zone, DNS filter or rewrite rule points them in a circle`,
          ];
        case 'sinkhole':
          return [
            `the resolver ${resolver} answers these names with addresses no host can be reached at (0.0.0.0, multicast, reserved): ` +
              'a DNS filter or sinkhole blocks them',
            (h) => `allow ${h} in the DNS filter (sinkhole, RPZ, DNS security service) or make ${resolver} answer them with their public addresses`,
          ];
        case 'no-address':
          return [
            `the resolver ${resolver} has no A or AAAA records for these names`,
            (h) => `make ${resolver} answer ${h} with the public addresses (no local zone or filter)`,
          ];
        default:
          return [
            `the resolver ${resolver} says these names do not exist (NXDOMAIN)`,
            (h) => `make ${resolver} forward ${h} to public DNS; remove any local zone or filter that hides them`,
          ];
      }
    case 'timeout':
      return [`${portOf(r)} is silently dropped (no answer within the timeout)`, (h) => `allow ${portOf(r)} to ${h} on the firewall`];
    case 'refused':
      return [
        `${portOf(r)} is actively refused (reset or ICMP reject)`,
        (h) => `allow ${portOf(r)} to ${h} on the firewall, or check that DNS gives their real addresses`,
      ];
    case 'tls-untrusted': {
      const issuer = r.issuer ?? 'an unknown issuer';
      const fix = (h: string) =>
        r.clientCertificate
          ? `exempt ${h} from TLS inspection: the devices authenticate there with client certificates, so inspection breaks the agent`
          : `exempt ${h} from TLS inspection`;
      return [`certificates issued by "${issuer}", which the system does not trust: TLS inspection`, fix];
    }
    case 'tls-error':
      return [
        `the TLS handshake fails: ${r.tls?.error ?? r.detail}`,
        (h) => `check what answers on ${portOf(r)} for ${h}: a proxy or firewall that breaks or intercepts TLS`,
      ];
    case 'proxy-error':
      return proxyCause(r);
    case 'local-error':
      return [
        `this machine ran out of ${localResource(r.localProblem)} (${r.localProblem ?? 'error'}): ` +
          'these flows could not be tried, which says nothing about the site',
        () => `free that resource on this machine (open files: raise ulimit -n) or check fewer flows at once, then run the check again`,
      ];
    case 'ok':
      return ['', () => ''];
  }
}

function proxyCause(r: CheckResult): [string, Fix] {
  const proxy = r.route.replace(/^proxy /, '');
  const code = r.proxyStatus === undefined ? '' : ` (HTTP ${r.proxyStatus})`;
  switch (r.proxyProblem) {
    case 'auth':
      return [
        `the proxy ${proxy} wants other credentials${code}`,
        () => `check the proxy user and password (Basic authentication: the only kind eRDS supports)`,
      ];
    case 'auth-scheme': {
      const offered = (r.proxyAuthSchemes ?? []).join(', ') || 'another scheme';
      return [
        `the proxy ${proxy} offers only ${offered} authentication${code}: eRDS supports only Basic, so the devices cannot pass it whatever the password`,
        (h, results) =>
          `enable Basic authentication on ${proxy} for the devices' subnet, or exempt ${h} from proxy authentication (affects ${agentList(results)})`,
      ];
    }
    case 'denied':
      return [`the proxy ${proxy} refuses CONNECT to ${portOf(r)}${code}`, (h) => `allow CONNECT to ${h} on ${portOf(r)} on the proxy`];
    case 'upstream':
      return [`the proxy ${proxy} cannot reach these hosts${code}`, (h) => `allow the proxy to reach ${h} on ${portOf(r)} (its firewall and DNS)`];
    case 'no-answer':
      return [`the proxy ${proxy} did not answer CONNECT within the timeout`, (h) => `check that the proxy can reach ${h} on ${portOf(r)}`];
    case 'pac':
      return [`the PAC file fails for these hosts: ${r.detail}`, () => `fix the PAC file so that FindProxyForURL returns "DIRECT" or "PROXY host:port"`];
    case 'unsupported':
      return [
        `the PAC file routes these hosts where the agents cannot go: ${r.detail}`,
        (h) => `route ${h} DIRECT or through an HTTP proxy ("PROXY host:port")`,
      ];
    default:
      return [`the proxy ${proxy} is not reachable: ${r.detail}`, () => `check the proxy address and port, and that this network may reach it`];
  }
}

/** A denial served inside an inspected session: the proxy/firewall's own answer to HEAD /. */
function deniedCause(r: CheckResult): [string, Fix] {
  const probe = r.tls?.probe;
  const marks = [
    probe?.httpStatus === null || probe?.httpStatus === undefined ? null : `HTTP ${probe.httpStatus}`,
    probe?.proxyError ?? null,
    probe?.server ? `Server: ${probe.server}` : null,
  ].filter((m): m is string => m !== null);
  // Without a proxy's mark a 403 is likely, not certain: the server itself may refuse a bare HEAD /.
  const verdict = probe?.marked ? 'denies these hosts' : 'likely denies these hosts';
  const caveat = probe?.marked ? '' : '; no proxy mark, so the server itself may refuse a bare HEAD /';
  return [
    `the inspecting proxy/firewall ${verdict}: it answers HEAD / inside the inspected session itself (${marks.join(', ')}${caveat})`,
    (h) => `allow ${h} in the web/URL filter policy of the inspecting proxy/firewall (besides the TLS inspection exemption)`,
  ];
}

/** The agents of these flows, each once, in the order they first appear. */
function agentList(results: readonly CheckResult[]): string {
  const ids = [...new Set(results.flatMap((r) => r.agents))];
  return ids.length === 0 ? 'no agent' : `agent${ids.length === 1 ? '' : 's'} ${ids.join(', ')}`;
}

function warningsOf(r: CheckResult): [string, (hosts: string) => string][] {
  const out: [string, (hosts: string) => string][] = [];
  for (const range of new Set(r.dns?.special.map((s) => s.range) ?? [])) {
    out.push([
      `these names resolve to ${range} addresses: a sign of split-horizon DNS or a sinkhole`,
      (h) => `make sure the devices' resolver answers ${h} with the public addresses`,
    ]);
  }
  const resolver = r.dns?.server ?? 'the resolver';
  for (const f of r.dns?.failures ?? []) {
    const other = f.type === 'A' ? 'AAAA' : 'A';
    out.push([
      `the resolver ${resolver} answers ${other} but fails ${f.type} for these names (${f.type}: ${f.reason})`,
      (h) =>
        f.type === 'AAAA'
          ? `IPv4 devices are not affected; make ${resolver} answer AAAA for ${h} (an empty answer is fine), or IPv6 and dual-stack devices may wait or fail`
          : `make ${resolver} answer A for ${h}: IPv4-only devices cannot reach them`,
    ]);
  }
  if (r.status !== 'dns-error' && (r.dns?.sinkhole.length ?? 0) > 0) {
    const shown = [...new Set(r.dns?.sinkhole.map((s) => s.address))].join(', ');
    out.push([
      `some answers for these names are addresses no host can be reached at (${shown}): not tried`,
      (h) => `make ${resolver} answer ${h} with their public addresses only (a DNS filter may answer part of them)`,
    ]);
  }
  if (r.status === 'ok' && r.attempts.some((a) => a.result !== 'ok')) {
    out.push([
      `some addresses of these hosts do not connect on ${portOf(r)} (another does)`,
      (h) => `allow ${portOf(r)} to every address of ${h}, or devices that pick a failing one will fail`,
    ]);
  }
  return out;
}
