// Checks every flow from this network, all at once (bounded by `concurrency`): DNS at
// the site's resolver, TCP to each address (or CONNECT through the proxy), then TLS.
// Each phase has its own timeout, so the whole run takes about as long as the slowest
// single flow. Failures become results, never exceptions.
import pLimit from 'p-limit';
import type { Phase, ProgressEvent } from '../../core/check/progress.js';
import type { HttpProxy } from '../../core/proxy-url.js';
import type { CheckResult, CheckStatus, DnsFinding, TlsFinding } from '../../core/check/result.js';
import type { Flow } from '../../core/planner.js';
import { parseIp } from '../../core/site.js';
import { attemptsText, connectAny, failedStatus } from './connect.js';
import type { Found, Resolver } from './lookup.js';
import type { PacRouter } from './pac.js';
import { connectViaProxy } from './proxy-connect.js';
import { handshake } from './tls.js';

export interface CheckSettings {
  /** The site's resolver (share one across flows: see `once`). */
  resolver: Resolver;
  /** --proxy: every flow goes through it; with a PAC file, its credentials serve the same proxy. */
  proxy: HttpProxy | null;
  pac: PacRouter | null;
  timeoutMs: number;
  concurrency: number;
}

/** The checker's progress, in the one shape every view reads (core/check/progress.ts). */
export type ProgressListener = (event: ProgressEvent) => void;

/** Ports where the agents speak TLS (HTTPS, MQTT over TLS). */
const TLS_PORTS = new Set([443, 8443, 8883]);

export async function checkFlows(flows: readonly Flow[], settings: CheckSettings, progress: ProgressListener = () => {}): Promise<CheckResult[]> {
  const limit = pLimit(Math.max(1, settings.concurrency));
  for (const i of flows.keys()) progress({ type: 'phase', index: i, phase: 'queued' });
  return Promise.all(
    flows.map((flow, i) =>
      limit(async () => {
        const result = await checkFlow(flow, settings, (phase) => progress({ type: 'phase', index: i, phase }));
        progress({ type: 'phase', index: i, phase: 'done', result });
        return result;
      }),
    ),
  );
}

type Draft = Omit<CheckResult, 'host' | 'protocol' | 'port' | 'agents' | 'clientCertificate' | 'issuer'> & { tls: TlsFinding | null };

async function checkFlow(flow: Flow, settings: CheckSettings, phase: (p: Phase) => void): Promise<CheckResult> {
  const draft = await checkRoute(flow, settings, phase);
  return {
    host: flow.host,
    protocol: flow.protocol,
    port: flow.port,
    agents: flow.agents,
    ...draft,
    issuer: draft.tls?.issuer ?? null,
    clientCertificate: flow.clientCertificate,
    ...(flow.site === null ? {} : { site: flow.site }),
  };
}

function blank(route: string): Draft {
  return { status: 'ok', detail: '', route, addresses: [], untried: 0, dns: null, attempts: [], tls: null, timings: { dns: null, connect: null, tls: null } };
}

async function checkRoute(flow: Flow, settings: CheckSettings, phase: (p: Phase) => void): Promise<Draft> {
  let proxy = settings.proxy;
  if (settings.pac) {
    phase('route');
    const route = await settings.pac.route(flow.host, flow.port);
    if (route.kind === 'error' && route.local !== undefined) return { ...blank('pac'), status: 'local-error', localProblem: route.local, detail: route.detail };
    if (route.kind === 'error') return { ...blank('pac'), status: 'proxy-error', proxyProblem: 'pac', detail: route.detail };
    if (route.kind === 'unsupported')
      return { ...blank('pac'), status: 'proxy-error', proxyProblem: 'unsupported', detail: `the PAC file answers ${route.entry}` };
    proxy =
      route.kind === 'direct'
        ? null
        : { host: route.host, port: route.port, text: route.text, auth: settings.proxy && settings.proxy.text === route.text ? settings.proxy.auth : null };
  }
  return proxy ? viaProxy(flow, proxy, settings, phase) : direct(flow, settings, phase);
}

async function direct(flow: Flow, settings: CheckSettings, phase: (p: Phase) => void): Promise<Draft> {
  const draft = blank('direct');
  phase('dns');
  const looked = await settings.resolver(flow.host);
  draft.timings.dns = looked.ms;
  draft.dns = looked.finding;
  if (!looked.ok) {
    if (looked.local !== undefined) return { ...draft, status: 'local-error', localProblem: looked.local, detail: looked.detail };
    return { ...draft, status: 'dns-error', dnsProblem: looked.problem, detail: looked.detail };
  }
  draft.addresses = looked.addresses.map((a) => a.address);
  phase('connect');
  const { winner, all, untried } = connectAny(looked.addresses, flow.port, settings.timeoutMs);
  draft.untried = untried;
  const first = await winner;
  if (!first) {
    const attempts = await all;
    draft.attempts = attempts;
    draft.timings.connect = Math.max(...attempts.map((a) => a.ms));
    const status = failedStatus(attempts);
    const local = attempts.find((a) => a.result === 'local')?.code;
    // The addresses left untried are said, so nobody reads 6 failures as all of them.
    const rest = untried > 0 ? `; ${untried} more address${untried === 1 ? '' : 'es'} not tried` : '';
    return {
      ...draft,
      status,
      ...(status === 'local-error' ? { localProblem: local ?? 'ERROR' } : {}),
      detail: `${attemptsText(attempts, flow.port, settings.timeoutMs)}${rest}`,
    };
  }
  draft.timings.connect = first.attempt.ms;
  // TLS on the first connection while the other addresses finish their attempts.
  const [secured, attempts] = await Promise.all([secure(flow, first.socket, settings, phase), all]);
  return withTls({ ...draft, attempts }, secured, draft.dns);
}

async function viaProxy(flow: Flow, proxy: HttpProxy, settings: CheckSettings, phase: (p: Phase) => void): Promise<Draft> {
  const draft = blank(`proxy ${proxy.text}`);
  let addresses: Found[];
  const ip = parseIp(proxy.host);
  if (ip) {
    addresses = [{ address: proxy.host, family: ip.family }];
  } else {
    phase('dns');
    const looked = await settings.resolver(proxy.host);
    draft.timings.dns = looked.ms;
    if (!looked.ok && looked.local !== undefined) return { ...draft, status: 'local-error', localProblem: looked.local, detail: looked.detail };
    if (!looked.ok) return { ...draft, status: 'proxy-error', proxyProblem: 'unreachable', detail: `cannot resolve the proxy ${proxy.host}: ${looked.detail}` };
    addresses = looked.addresses;
  }
  phase('connect');
  const tunnel = await connectViaProxy(proxy, addresses, flow.host, flow.port, settings.timeoutMs);
  draft.attempts = tunnel.attempts;
  draft.timings.connect = tunnel.ms;
  const local = tunnel.attempts.find((a) => a.result === 'local')?.code;
  if (!tunnel.ok && local !== undefined) return { ...draft, status: 'local-error', localProblem: local, detail: tunnel.detail };
  if (!tunnel.ok) {
    return {
      ...draft,
      status: 'proxy-error',
      proxyProblem: tunnel.problem,
      ...(tunnel.status === undefined ? {} : { proxyStatus: tunnel.status }),
      ...(tunnel.authSchemes === undefined ? {} : { proxyAuthSchemes: tunnel.authSchemes }),
      detail: tunnel.detail,
    };
  }
  return withTls(draft, await secure(flow, tunnel.socket, settings, phase), null);
}

interface Secured {
  status: CheckStatus;
  detail: string;
  tls: TlsFinding | null;
  ms: number | null;
}

async function secure(flow: Flow, socket: import('node:net').Socket, settings: CheckSettings, phase: (p: Phase) => void): Promise<Secured> {
  if (!TLS_PORTS.has(flow.port)) {
    socket.destroy();
    return { status: 'ok', detail: 'connected (no TLS on this port)', tls: null, ms: null };
  }
  phase('tls');
  const t = await handshake(socket, flow.host, flow.alpn, settings.timeoutMs, flow.port);
  return { status: t.status, detail: t.detail, tls: t.finding, ms: t.ms };
}

function withTls(draft: Draft, secured: Secured, dns: DnsFinding | null): Draft {
  const via = draft.route === 'direct' ? '' : ` via ${draft.route}`;
  return { ...draft, dns, status: secured.status, detail: `${secured.detail}${via}`, tls: secured.tls, timings: { ...draft.timings, tls: secured.ms } };
}
