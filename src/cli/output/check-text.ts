// The check's verdict for people (a table per flow, then the causes with their fixes)
// and for programs (--json). Remote text (issuers, PAC answers) is escaped for the terminal.
import { type CheckOutput, inspectionAdvice, verdictText } from '../../core/check/output.js';
import type { CheckResult } from '../../core/check/result.js';
import { type Cause, type Warning, flowName } from '../../core/check/summary.js';
import { escapeUnsafe, safeJson } from '../../core/text.js';
import { table, wrap } from '../../core/table.js';

export function checkJson(out: CheckOutput): string {
  const results = out.results.map((r) => ({
    host: r.host,
    protocol: r.protocol,
    port: r.port,
    status: r.status,
    detail: r.detail,
    addresses: r.addresses,
    untried: r.untried,
    timings: r.timings,
    issuer: r.issuer,
    tlsVersion: r.tls?.version ?? null,
    alpn: r.tls?.alpn ?? null,
    expires: r.tls?.expires ?? null,
    route: r.route,
    dns: r.dns,
    attempts: r.attempts,
    clientCertificate: r.clientCertificate,
    agents: r.agents,
    ...(r.dnsProblem === undefined ? {} : { dnsProblem: r.dnsProblem }),
    ...(r.localProblem === undefined ? {} : { localProblem: r.localProblem }),
    ...(r.proxyProblem === undefined ? {} : { proxyProblem: r.proxyProblem }),
    ...(r.proxyStatus === undefined ? {} : { proxyStatus: r.proxyStatus }),
    ...(r.proxyAuthSchemes === undefined ? {} : { proxyAuthSchemes: r.proxyAuthSchemes }),
    ...(r.tls?.probe === undefined ? {} : { probe: r.tls.probe }),
    ...(r.site === undefined ? {} : { site: r.site }),
  }));
  const summary = {
    ...out.summary,
    resolver: out.resolver,
    timeoutMs: out.timeoutMs,
    concurrency: out.concurrency,
    catalogueVersion: out.catalogueVersion,
    agents: out.agents,
    options: out.options,
    notes: out.notes,
  };
  return `${safeJson({ results, summary })}\n`;
}

export function checkText(out: CheckOutput, columns?: number): string {
  const rows = out.results.map((r) => [r.status.toUpperCase(), r.host, `tcp/${r.port}`, timing(r), escapeUnsafe(r.detail)]);
  const lines = [table(['STATUS', 'HOST', 'PORT', 'TIME', 'DETAIL'], rows, columns), ''];
  const { summary } = out;
  lines.push(para(verdictText(out), columns));
  if (summary.causes.length > 0) lines.push('', 'Causes and fixes:', ...causeLines(summary.causes, columns));
  if (summary.warnings.length > 0) lines.push('', 'Warnings:', ...causeLines(summary.warnings, columns));
  const advice = inspectionAdvice(out);
  if (advice !== null) lines.push('', para(advice, columns));
  const site = out.results.filter((r) => r.site !== undefined);
  if (site.length > 0)
    lines.push('', para(`Site-specific flows (the site's own endpoints, not in the Canon catalogue): ${site.map(flowName).join(', ')}.`, columns));
  for (const note of out.notes) lines.push('', para(`Note: ${note}`, columns));
  return `${lines.join('\n')}\n`;
}

function causeLines(causes: readonly (Cause | Warning)[], columns: number | undefined): string[] {
  return causes.flatMap((c) => [
    para(`- ${'status' in c ? `${c.status} ` : ''}(${c.flows.length} flow${c.flows.length === 1 ? '' : 's'}): ${escapeUnsafe(c.cause)}`, columns, '  '),
    para(`fix: ${escapeUnsafe(c.fix)}`, columns, '       ', '  '),
  ]);
}

function para(text: string, columns?: number, hanging = '', indent = ''): string {
  return columns === undefined ? indent + text : wrap(text, columns, indent, hanging);
}

/** Time spent on the flow, all phases together. */
function timing(r: CheckResult): string {
  const total = (r.timings.dns ?? 0) + (r.timings.connect ?? 0) + (r.timings.tls ?? 0);
  return `${total}ms`;
}
