// One flow's check result for the pure tests (summary, outputs): a working flow unless
// `over` says otherwise. Addresses are from the documentation range and never contacted.
import type { CheckResult } from '../../src/core/check/result.js';

export function checkResult(over: Partial<CheckResult> & Pick<CheckResult, 'host'>): CheckResult {
  return {
    protocol: 'tcp',
    port: 443,
    agents: ['cca'],
    status: 'ok',
    detail: 'TLSv1.3, certificate verified',
    route: 'direct',
    addresses: ['203.0.113.10'],
    untried: 0,
    dns: { server: '10.0.0.53:53', port: 53, chain: [over.host], ttl: 60, sinkhole: [], failures: [], special: [] },
    attempts: [{ address: '203.0.113.10', result: 'ok', ms: 5 }],
    tls: null,
    issuer: null,
    timings: { dns: 1, connect: 5, tls: 10 },
    clientCertificate: false,
    ...over,
  };
}
