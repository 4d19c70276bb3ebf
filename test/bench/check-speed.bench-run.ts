// How long `check` takes on the whole catalogue when part of it is silently dropped:
// all flows at once against one flow at a time (--concurrency 1), same checks, same
// --timeout 2000. Runs against a site in a network namespace (see test/helpers/check-site.ts):
// dnsmasq, TLS servers, iptables DROP; no traffic leaves the namespace.
//   npm run bench
import { describe, it } from 'vitest';
import { plan } from '../../src/core/planner.js';
import { catalogue } from '../helpers/catalogue.js';
import { CheckSite, siteHosts } from '../helpers/check-site.js';
import { requireSystem } from '../helpers/system.js';

const TIMEOUT_MS = 2000;
const RUNS = 3;
const ok = requireSystem('check benchmark', ['ip', 'iptables', 'dnsmasq', 'openssl'], { netns: true });
const full = plan(catalogue, { agents: catalogue.agents.map((a) => a.id), options: ['cca-activation'] });

/** Hosts with one flow each, every third one dropped until `count` flows are. */
function dropped(count: number): Set<string> {
  const single = full.hosts.filter((h) => full.flows.filter((f) => f.host === h).length === 1);
  return new Set(
    single
      .filter((_, i) => i % 3 === 1)
      .concat(single.filter((_, i) => i % 3 !== 1))
      .slice(0, count),
  );
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

async function measure(drop: Set<string>): Promise<void> {
  const hosts = siteHosts(full.hosts, (h) => ({ drop: drop.has(h) }));
  const site = await CheckSite.start({ ports: [443, 8883], hosts });
  try {
    const time = (extra: string[]): number => {
      const started = performance.now();
      const r = site.run(['check', '--agents', 'all', '--cca-activation', '--timeout', String(TIMEOUT_MS), '--json', ...extra]);
      const ms = performance.now() - started;
      const out = JSON.parse(r.stdout) as { summary: { counts: Record<string, number> } };
      if (out.summary.counts['timeout'] !== drop.size) throw new Error(`expected ${drop.size} timeouts, got ${JSON.stringify(out.summary.counts)}`);
      return ms;
    };
    const parallel = median(Array.from({ length: RUNS }, () => time([])));
    const serial = time(['--concurrency', '1']);
    const lines = [
      `check, whole catalogue: ${full.flows.length} flows, ${drop.size} dropped (${Math.round((100 * drop.size) / full.flows.length)}%), --timeout ${TIMEOUT_MS}`,
      `  all at once:        ${(parallel / 1000).toFixed(2)} s (median of ${RUNS}) = ${(parallel / TIMEOUT_MS).toFixed(2)} x the timeout   [target <= 1.25 x: ${parallel <= 1.25 * TIMEOUT_MS ? 'met' : 'MISSED'}]`,
      `  one at a time:      ${(serial / 1000).toFixed(2)} s`,
      `  speed-up:           ${(serial / parallel).toFixed(1)} x   [target >= 10 x: ${serial / parallel >= 10 ? 'met' : 'MISSED'}; the ceiling is about the number of dropped flows]`,
      '  (wall time of the whole process, Node start included)',
    ];
    console.log(lines.join('\n'));
  } finally {
    await site.close();
  }
}

describe.skipIf(!ok)('check speed', () => {
  it('a third of the flows dropped', async () => {
    await measure(dropped(Math.round(full.flows.length / 3)));
  });
  it('half of the flows dropped', async () => {
    await measure(dropped(Math.round(full.flows.length / 2)));
  });
});
