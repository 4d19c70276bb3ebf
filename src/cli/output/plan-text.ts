import type { PlanResult } from '../../commands/plan.js';
import type { Flow, LanFlow } from '../../core/planner.js';
import { table, wrap } from '../../core/table.js';
import { escapeUnsafe, safeJson } from '../../core/text.js';

/** `columns`: the terminal width when printing to one. Table rows then wrap their
 *  last column to fit (piped output keeps one row per line, for grep); prose wraps
 *  at 80 or narrower. */
export function planText({ catalogue, plan, lan }: PlanResult, columns?: number): string {
  const cols = Math.min(columns ?? 80, 80);
  const flows = plan.flows;
  const out: string[] = [];
  const chosen = `${plan.agents.join(', ')}${plan.options.map((o) => ` +${o}`).join('')}`;
  out.push(wrap(`Egress plan for ${chosen} (catalogue ${plan.catalogueVersion})`, cols, '', '  '));
  out.push(`${flows.length} flows to ${plan.hosts.length} hosts, all outbound tcp.`, '');

  // Notes are numbered once per distinct text and referenced from the rows.
  const notes: string[] = [];
  const noteRefs = (f: Flow) =>
    f.notes
      .map((n) => {
        const text = f.service ? `${f.host}, ${f.service}: ${n.text}` : `${f.host}: ${n.text}`;
        if (!notes.includes(text)) notes.push(text);
        return `[${notes.indexOf(text) + 1}]`;
      })
      .join(' ');
  const rows = flows.map((f) => [f.host, `${f.protocol}/${f.port}${f.portStated ? '' : '*'}`, noteRefs(f), neededBy(f)]);
  out.push(table(['HOST', 'PORT', 'NOTE', 'NEEDED BY'], rows, columns));
  out.push('');
  if (flows.some((f) => !f.portStated)) {
    out.push(wrap("* Canon's document names the host without a port for these agents; 443 (HTTPS) is assumed.", cols, '', '  '));
  }
  for (const [i, n] of notes.entries()) out.push(wrap(`[${i + 1}] ${n}`, cols, '', '    '));

  const used = plan.wildcards.filter((w) => w.covers.length > 0);
  if (used.length > 0) {
    const covers = used.map((w) => `${w.pattern} covers ${w.covers.length}`).join(', ');
    const uncovered =
      plan.uncovered.length > 0 ? ` No wildcard covers ${plan.uncovered.join(', ')}: allow ${plan.uncovered.length === 1 ? 'it' : 'them'} by name.` : '';
    out.push('', wrap(`Vendor wildcards: ${covers} of these hosts.${uncovered}`, cols));
  }
  out.push(wrap(catalogue.hosting.text, cols));
  if (plan.endpoints.length > 0) out.push('', ...siteLines(plan, cols));

  if (lan) {
    out.push('', 'LAN side (hardening guide), for internal firewalls between VLANs, not egress:', '');
    out.push(table(['FROM', 'TO', 'PORT', 'SERVICE', 'FOR'], lan.map(lanRow), columns));
    out.push('', "FOR '-': not tied to one agent.");
    if (lan.some((l) => !l.protocolStated)) {
      out.push(wrap('* the guide gives the port but not the transport; the one shown is assumed.', cols, '', '  '));
    }
  }
  return `${out.join('\n')}\n`;
}

/** The site's own endpoints, apart from the catalogue's: why each is there and who asked. */
function siteLines(plan: PlanResult['plan'], cols: number): string[] {
  const out = [wrap("Site-specific endpoints (NEEDED BY site), from the site's profile, not in the Canon catalogue:", cols)];
  for (const e of plan.endpoints) {
    out.push(
      wrap(`- ${e.host} ${e.ports.map((p) => `tcp/${p}`).join(', ')}: ${escapeUnsafe(e.reason)} (asked by ${escapeUnsafe(e.requestedBy)})`, cols, '', '  '),
    );
  }
  return out;
}

function neededBy(f: Flow): string {
  if (f.site !== null) return 'site';
  return f.agents
    .map((a) => {
      const cites = f.provenance.filter((p) => p.agent === a);
      const options = [...new Set(cites.map((p) => p.option))];
      // Mark an agent that needs the flow only because of an option.
      return options.every((o) => o !== undefined) ? `${a} (--${options.join(', --')})` : a;
    })
    .join(', ');
}

function lanRow(l: LanFlow): string[] {
  return [l.from, l.to, `${l.protocol}/${l.port}${l.protocolStated ? '' : '*'}`, l.service, l.agents?.join(', ') ?? '-'];
}

export function planJson({ catalogue, plan, lan }: PlanResult): string {
  const body = {
    catalogue: {
      version: catalogue.version,
      sources: catalogue.sources,
    },
    agents: plan.agents,
    options: plan.options,
    flows: plan.flows,
    hosts: plan.hosts,
    wildcards: plan.wildcards,
    uncovered: plan.uncovered,
    ...(plan.endpoints.length > 0 ? { endpoints: plan.endpoints } : {}),
    hosting: catalogue.hosting.text,
    ...(lan ? { lan } : {}),
  };
  return `${safeJson(body)}\n`;
}
