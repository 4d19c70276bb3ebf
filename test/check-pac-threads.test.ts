// The PAC sandbox on a machine that will not start another thread: a limit on threads or
// processes (ulimit -u, systemd's TasksMax, a container's pids.max) makes `new Worker`
// throw ERR_WORKER_INIT_FAILED ("EAGAIN") at once, as Node does it (seen with
// `su nobody -c 'ulimit -u 18; emaint-egress check --pac ...'`). That is this machine's
// trouble: the flows it keeps from being routed are local-error (Nagios UNKNOWN), never
// "fix the PAC file", and never a crash (which would take the exporter down with every
// site it serves). Here Node's own Worker is used, refused once `refuse.after` threads
// have started. No traffic: the resolver is a stand-in.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkNagios } from '../src/cli/output/check-nagios.js';
import { parseRange } from '../src/cli/nagios-range.js';
import { plan } from '../src/core/planner.js';
import { checkFlows } from '../src/net/check/checker.js';
import { type PacRouter, PacFileError, loadPac } from '../src/net/check/pac.js';
import { catalogue } from './helpers/catalogue.js';
import { checkOutput } from './helpers/check-output.js';
import { PAC_FILES, fakeResolver } from './helpers/pac-sandbox.js';
import { guardTraffic } from './helpers/traffic-guard.js';

const refuse = vi.hoisted(() => ({ after: Number.POSITIVE_INFINITY, started: 0 }));

vi.mock('node:worker_threads', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:worker_threads')>();
  class Worker extends real.Worker {
    constructor(...args: ConstructorParameters<typeof real.Worker>) {
      // What Node throws when pthread_create fails.
      if (refuse.started >= refuse.after) throw Object.assign(new Error('EAGAIN'), { code: 'ERR_WORKER_INIT_FAILED' });
      super(...args);
      refuse.started += 1;
    }
  }
  return { ...real, Worker, default: { ...real, Worker } };
});

const traffic = guardTraffic();
const NO_DNS = fakeResolver({});
const TIMEOUT_MS = 500;

const routers: PacRouter[] = [];
afterEach(async () => {
  await Promise.all(routers.splice(0).map((r) => r.close()));
  refuse.after = Number.POSITIVE_INFINITY;
  refuse.started = 0;
});

async function pac(body: string): Promise<PacRouter> {
  const router = await loadPac(`function FindProxyForURL(url, host) {\n${body}\n}`, 'site.pac', NO_DNS, TIMEOUT_MS, '192.0.2.7', PAC_FILES);
  routers.push(router);
  return router;
}

describe('the PAC sandbox when this machine refuses another thread', () => {
  it('no thread beyond the first: that one routes every host, the pool does not grow', async () => {
    refuse.after = 1;
    const router = await pac('return "DIRECT";');
    const flows = plan(catalogue, { agents: ['cca'], options: [] }).flows;
    const answers = await Promise.all(flows.map((f) => router.route(f.host, f.port)));
    expect(answers.map((a) => a.kind)).toEqual(flows.map(() => 'direct'));
    expect(refuse.started).toBe(1);
  });

  it('the only thread killed (stuck in native code) and no new one: the next hosts are local-error, so UNKNOWN, not the PAC file and not a crash', async () => {
    refuse.after = 1;
    // A scan the engine cannot interrupt: its thread is killed at the deadline.
    const router = await pac('if (host === "hang.example") { var a = []; a.length = 4294967295; a.lastIndexOf(1); } return "DIRECT";');
    expect(await router.route('hang.example', 443)).toMatchObject({
      kind: 'error',
      detail: `FindProxyForURL was interrupted: it did not finish within ${TIMEOUT_MS} ms`,
    });
    // Its thread was killed; none can take its place.
    const flows = plan(catalogue, { agents: ['rdms'], options: [] }).flows;
    const started = performance.now();
    const results = await checkFlows(flows, { resolver: NO_DNS, proxy: null, pac: router, timeoutMs: TIMEOUT_MS, concurrency: flows.length });
    expect(performance.now() - started).toBeLessThan(TIMEOUT_MS);
    for (const r of results) {
      expect(r).toMatchObject({ status: 'local-error', localProblem: 'EAGAIN', route: 'pac' });
      expect(r.detail).toBe('this machine could not start a thread for the PAC file (EAGAIN)');
    }
    const report = checkNagios(checkOutput(results), { warning: null, critical: parseRange('0', '--critical'), seconds: 0.1 });
    expect(report.state).toBe('UNKNOWN');
    expect(traffic.sent).toEqual([]);
  });

  it('no thread at all: the load is this machine’s error, not a bad PAC file (exit 70, Nagios UNKNOWN, never exit 2)', async () => {
    refuse.after = 0;
    const load = loadPac('function FindProxyForURL(url, host) { return "DIRECT"; }', 'site.pac', NO_DNS, TIMEOUT_MS, '192.0.2.7', PAC_FILES);
    await expect(load).rejects.toThrow('this machine could not start a thread for the PAC file site.pac (EAGAIN)');
    await expect(load).rejects.not.toBeInstanceOf(PacFileError);
  });
});
