// `check --format junit`: one test case per flow, as CI servers read JUnit reports (the
// Ant/Surefire format that Jenkins, GitLab and GitHub Actions' report actions parse).
// A failing flow is a <failure> with its causes and fixes; a flow this machine could not
// try (local-error) is an <error>, JUnit's "the test could not run". All text escaped.
import { type CheckOutput, inspectionAdvice, verdictText } from '../../core/check/output.js';
import type { CheckResult } from '../../core/check/result.js';
import { flowName } from '../../core/check/summary.js';
import { xmlLines, xmlText } from './xml.js';

export interface JunitOptions {
  /** Wall time of the check, in seconds. */
  seconds: number;
  /** When the check ran: Ant's timestamp, yyyy-MM-ddTHH:mm:ss, here in UTC. */
  started: Date;
  /** The machine the check ran on: which network was checked. */
  hostname: string;
}

export function checkJunit(out: CheckOutput, options: JunitOptions): string {
  const { summary } = out;
  const errors = summary.counts['local-error'];
  const failures = summary.failed - errors;
  const counts = `tests="${summary.total}" failures="${failures}" errors="${errors}"`;
  const time = seconds(options.seconds * 1000);
  // Ant's form, without a zone: UTC here.
  const timestamp = options.started.toISOString().slice(0, 19);
  const suite = `emaint-egress check: ${out.agents.join(', ')} (resolver ${out.resolver})`;
  const properties: [string, string][] = [
    ['agents', out.agents.join(',')],
    ['options', out.options.join(',')],
    ['resolver', out.resolver],
    ['timeoutMs', String(out.timeoutMs)],
    ['concurrency', String(out.concurrency)],
    ['catalogueVersion', out.catalogueVersion],
  ];
  const advice = inspectionAdvice(out);
  const suiteOut = [verdictText(out), ...(advice === null ? [] : [advice]), ...out.notes.map((n) => `Note: ${n}`)];
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="emaint-egress check" ${counts} time="${time}">`,
    `  <testsuite name="${xmlText(suite)}" ${counts} skipped="0" time="${time}" timestamp="${timestamp}" hostname="${xmlText(options.hostname)}">`,
    '    <properties>',
    ...properties.map(([name, value]) => `      <property name="${name}" value="${xmlText(value)}"/>`),
    '    </properties>',
    ...out.results.flatMap((r) => testCase(r, out)),
    `    <system-out>${xmlLines(suiteOut)}</system-out>`,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

function testCase(r: CheckResult, out: CheckOutput): string[] {
  const flow = flowName(r);
  // The agent ids (no dots) as the class: CI servers group a report by the part after the last dot.
  const head = `    <testcase classname="emaint-egress.${xmlText(r.agents.join('+') || 'site')}" name="${xmlText(flow)}" time="${seconds(phaseMs(r))}">`;
  const lines = [head];
  if (r.status !== 'ok') {
    const causes = out.summary.causes.filter((c) => c.flows.includes(flow));
    const message = causes.length > 0 ? causes.map((c) => c.cause).join('; ') : r.detail;
    const body = [...causes.flatMap((c) => [c.cause, `fix: ${c.fix}`]), `detail: ${r.detail}`];
    const element = r.status === 'local-error' ? 'error' : 'failure';
    lines.push(`      <${element} message="${xmlText(message)}" type="${r.status}">${xmlLines(body)}</${element}>`);
  }
  lines.push(`      <system-out>${xmlLines(details(r, out))}</system-out>`, '    </testcase>');
  return lines;
}

/** What the check saw on this flow, one fact a line. */
function details(r: CheckResult, out: CheckOutput): string[] {
  const ms = (v: number | null) => (v === null ? '-' : `${v} ms`);
  const lines = [`status: ${r.status}`, `detail: ${r.detail}`, `route: ${r.route}`];
  lines.push(r.site ? `site-specific (not in the Canon catalogue): ${r.site.reason}; asked by ${r.site.requestedBy}` : `agents: ${r.agents.join(', ')}`);
  if (r.addresses.length > 0) lines.push(`addresses: ${r.addresses.join(', ')}${r.untried > 0 ? ` (${r.untried} more not tried)` : ''}`);
  if (r.dns) lines.push(`dns: ${r.dns.server}, ${r.dns.chain.join(' -> ')}${r.dns.ttl === null ? '' : `, ttl ${r.dns.ttl} s`}`);
  if (r.tls) lines.push(`tls: ${r.tls.version ?? '-'}, issuer ${r.tls.issuer ?? '-'}, expires ${r.tls.expires ?? '-'}`);
  lines.push(`timings: dns ${ms(r.timings.dns)}, connect ${ms(r.timings.connect)}, tls ${ms(r.timings.tls)}`);
  const flow = flowName(r);
  for (const w of out.summary.warnings.filter((x) => x.flows.includes(flow))) lines.push(`warning: ${w.cause}`, `fix: ${w.fix}`);
  return lines;
}

/** Time spent on the flow, all phases together (as the table's TIME). */
function phaseMs(r: CheckResult): number {
  return (r.timings.dns ?? 0) + (r.timings.connect ?? 0) + (r.timings.tls ?? 0);
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}
