// Who changes what: each failing verdict belongs to the team that owns the device at fault
// (the firewall, the proxy, DNS, the TLS-inspecting box), or to the machine that checked.
// The report groups its changes by owner, so each team gets its own list. Pure.
import type { CheckResult, CheckStatus } from '../check/result.js';

export const OWNERS = ['firewall', 'proxy', 'dns', 'tls-inspection', 'this-machine'] as const;
export type Owner = (typeof OWNERS)[number];

export const OWNER_TITLES: Record<Owner, string> = {
  firewall: 'Firewall',
  proxy: 'Proxy',
  dns: 'DNS',
  'tls-inspection': 'TLS inspection',
  'this-machine': 'This machine (where the check ran)',
};

/**
 * The owner of a failing verdict. By status alone: every cause of a status has the same
 * owner (summary.ts words the fix for that device), and the second cause of an inspected
 * flow, a denial inside the session, is the inspecting box's web filter.
 */
export function ownerOf(status: Exclude<CheckStatus, 'ok'>): Owner {
  switch (status) {
    case 'dns-error':
      return 'dns';
    case 'timeout':
    case 'refused':
      return 'firewall';
    case 'tls-untrusted':
    // A wrong certificate, a swallowed handshake or a stripped ALPN: something in the path
    // intercepts TLS (summary.ts: "a proxy or firewall that breaks or intercepts TLS").
    case 'tls-error':
      return 'tls-inspection';
    case 'proxy-error':
      return 'proxy';
    case 'local-error':
      return 'this-machine';
  }
}

/** A kind of failure that can recur across sites: the status and its problem, named shortly. */
export interface CauseKind {
  key: string;
  owner: Owner;
  label: string;
}

const DNS_LABELS: Record<NonNullable<CheckResult['dnsProblem']>, string> = {
  'no-such-name': 'the resolver says the names do not exist (NXDOMAIN)',
  'no-address': 'the resolver has no A or AAAA records for the names',
  'no-answer': 'the resolver does not answer',
  'server-error': 'the resolver fails the names (SERVFAIL or REFUSED)',
  'cname-loop': 'a CNAME loop or endless chain',
  sinkhole: 'a DNS filter or sinkhole answers the names',
};

const PROXY_LABELS: Record<NonNullable<CheckResult['proxyProblem']>, string> = {
  unreachable: 'the proxy is not reachable',
  auth: 'the proxy wants other credentials',
  'auth-scheme': 'the proxy offers no Basic authentication',
  denied: 'the proxy refuses CONNECT',
  upstream: 'the proxy cannot reach the hosts',
  'no-answer': 'the proxy does not answer CONNECT',
  pac: 'the PAC file fails',
  unsupported: 'the PAC file routes where the agents cannot go',
};

/** The kind of a failing flow's verdict; null for a flow that gets out. */
export function causeKind(r: Pick<CheckResult, 'status' | 'port' | 'dnsProblem' | 'proxyProblem'>): CauseKind | null {
  const { status } = r;
  if (status === 'ok') return null;
  const owner = ownerOf(status);
  switch (status) {
    case 'dns-error': {
      const problem = r.dnsProblem ?? 'no-such-name';
      return { key: `${status}:${problem}`, owner, label: DNS_LABELS[problem] };
    }
    case 'timeout':
      return { key: `${status}:${r.port}`, owner, label: `tcp/${r.port} is silently dropped` };
    case 'refused':
      return { key: `${status}:${r.port}`, owner, label: `tcp/${r.port} is refused` };
    case 'tls-untrusted':
      return { key: status, owner, label: 'TLS inspection: a certificate the system does not trust' };
    case 'tls-error':
      return { key: status, owner, label: 'the TLS handshake fails' };
    case 'proxy-error': {
      const problem = r.proxyProblem ?? 'unreachable';
      return { key: `${status}:${problem}`, owner, label: PROXY_LABELS[problem] };
    }
    case 'local-error':
      return { key: status, owner, label: 'this machine ran out of files, buffers, memory or ports' };
  }
}
