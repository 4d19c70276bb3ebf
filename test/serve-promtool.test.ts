// The shipped Prometheus files (data/prometheus): the alerting rules pass
// `promtool check rules` and their unit tests (`promtool test rules`), which fail when a
// rule changes; every config passes `promtool check config`; and the rules and configs name
// only metrics, labels and profile names the exporter really has.
import { copyFileSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OwnMetrics } from '../src/commands/serve/own-metrics.js';
import { probeMetrics } from '../src/core/check/metrics.js';
import { PROFILE_NAME } from '../src/io/profile-dir.js';
import { checkOutput } from './helpers/check-output.js';
import { checkResult } from './helpers/check-result.js';
import { promtool } from './helpers/exposition.js';
import { DEPLOY } from './helpers/prometheus.js';
import { requireSystem } from './helpers/system.js';
import { tempDirs } from './helpers/tmp.js';

const ok = requireSystem('promtool checks of the shipped rules and configs', ['promtool']);
const tempDir = tempDirs('ee-promtool-');
const RULES = join(DEPLOY, 'emaint-egress.rules.yml');
const CONFIGS = readdirSync(DEPLOY).filter((f) => f.endsWith('.yml') && !f.startsWith('emaint-egress.rules'));

describe.skipIf(!ok)('the shipped alerting rules', () => {
  it('pass promtool check rules', () => {
    const r = promtool(['check', 'rules', RULES]);
    expect(r.status).toBe(0);
    expect(r.output).toContain('SUCCESS: 6 rules found');
  });

  it('pass their unit tests: each alert fires when it must and not before', () => {
    const r = promtool(['test', 'rules', join(DEPLOY, 'emaint-egress.rules.test.yml')]);
    expect(r.output).toContain('SUCCESS');
    expect(r.status).toBe(0);
  });

  it('whose tests bite: a flow-down rule that waits 1 minute instead of 10 fails them', () => {
    const dir = tempDir();
    const rules = readFileSync(RULES, 'utf8');
    expect(rules.match(/for: 10m/g)).toHaveLength(4);
    writeFileSync(join(dir, 'emaint-egress.rules.yml'), rules.replace('for: 10m', 'for: 1m'));
    copyFileSync(join(DEPLOY, 'emaint-egress.rules.test.yml'), join(dir, 'emaint-egress.rules.test.yml'));
    const r = promtool(['test', 'rules', join(dir, 'emaint-egress.rules.test.yml')]);
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/alertname: EmaintEgressFlowDown, time: 9m/);
  });
});

describe.skipIf(!ok)('the shipped Prometheus configs', () => {
  it('are central-scrape, central-federate and site-remote-write', () => {
    expect(CONFIGS.sort()).toEqual(['central-federate.yml', 'central-scrape.yml', 'site-remote-write.yml']);
  });

  it.each(CONFIGS)('%s passes promtool check config', (file) => {
    const r = promtool(['check', 'config', join(DEPLOY, file)]);
    expect(r.output).toContain(`SUCCESS: ${join(DEPLOY, file)} is valid prometheus config file syntax`);
    expect(r.status).toBe(0);
  });

  it("keep only targets whose site can be a profile name, with the exporter's own pattern", () => {
    const text = readFileSync(join(DEPLOY, 'central-scrape.yml'), 'utf8');
    const pattern = PROFILE_NAME.source.replace(/^\^/, '').replace(/\$$/, '');
    expect(text.split(`regex: '${pattern}'`)).toHaveLength(3);
  });
});

describe('the rules name what the exporter writes', () => {
  const results = [
    checkResult({
      host: 'rgt.srv.ygles.com',
      tls: { version: 'TLSv1.3', alpn: null, issuer: 'x', subject: null, expires: '2031-01-01T00:00:00Z', error: null },
    }),
  ];
  const out = checkOutput(results, { resolver: 'x', timeoutMs: 1 });
  const families = probeMetrics(out, { durationSeconds: 1, finishedAt: 1, phaseTimeoutSeconds: 1 }, (i) => i);
  const own = new OwnMetrics({ version: '0', catalogueVersion: '0', profiles: ['p'] }).registry.getMetricsAsArray().map((m) => m.name);
  const written = new Set([...families.map((f) => f.name), ...own]);
  const labels = new Set(families.flatMap((f) => f.labelNames));

  it.each(['emaint-egress.rules.yml', 'emaint-egress.rules.test.yml'])('%s', (file) => {
    const text = readFileSync(join(DEPLOY, file), 'utf8');
    const named = new Set([...text.matchAll(/\bemaint_egress_[a-z_]+[a-z]\b/g)].map((m) => m[0]));
    expect(named.size).toBeGreaterThan(4);
    for (const n of named) expect({ file, metric: n, written: written.has(n) }).toEqual({ file, metric: n, written: true });
    for (const m of text.matchAll(/emaint_egress_flow_[a-z_]+\{([^}]*)\}/g)) {
      const used = [...(m[1] ?? '').matchAll(/([a-z_]+)=/g)].map((x) => x[1] ?? '').filter((l) => !['job', 'instance', 'site'].includes(l));
      for (const l of used) expect({ file, label: l, written: labels.has(l) }).toEqual({ file, label: l, written: true });
    }
  });
});
