import { Box, Text } from 'ink';
import type { Flow, Plan } from '../../core/planner.js';
import { escapeUnsafe } from '../../core/text.js';
import type { Mode, RuleSet } from '../../core/rules.js';
import { windowAround } from '../state/cursor.js';
import type { PlanStep } from '../state/plan-step.js';
import { clip, wildcardLines, wrapLines } from '../text-layout.js';
import { Painted } from './Painted.js';
import { ScrollLines } from './ScrollLines.js';

/** Rows besides the table: title, column heads, blank, detail (5). */
const OTHER_ROWS = 8;
const DETAIL_ROWS = 5;

export interface PlanViewProps {
  plan: Plan;
  step: PlanStep;
  mode: Mode;
  /** The rules in wildcard mode, null in exact mode. */
  rules: RuleSet | null;
  width: number;
  height: number;
}

export function PlanView({ plan, step, mode, rules, width, height }: PlanViewProps) {
  if (rules && step.pane === 'wildcards') {
    return (
      <Box flexDirection="column">
        <Painted tone="title">{clip(`The plan: ${plan.flows.length} flows to ${plan.hosts.length} hosts, all outbound tcp (${mode} mode)`, width)}</Painted>
        <ScrollLines lines={wildcardLines(rules, width)} top={step.scroll} height={height - 1} />
      </Box>
    );
  }
  const cursor = step.cursor;
  const win = windowAround(cursor, plan.flows.length, height - OTHER_ROWS);
  // Hosts give way on a narrow terminal: the port and at least the first agents stay in view.
  const hostWidth = Math.max(12, Math.min(width - 30, Math.max(...plan.flows.map((f) => f.host.length))));
  const row = (pointer: string, host: string, port: string, mark: string, by: string) =>
    clip(`${pointer} ${host.padEnd(hostWidth)}  ${port.padEnd(9)} ${mark.padEnd(1)}  ${by}`, width);
  const range = win.above + win.below > 0 ? ` (rows ${win.start + 1}–${win.end})` : '';
  const flow = plan.flows[cursor];
  return (
    <Box flexDirection="column">
      <Painted tone="title">
        {clip(`The plan: ${plan.flows.length} flows to ${plan.hosts.length} hosts${range}, all outbound tcp (${mode} mode)`, width)}
      </Painted>
      <Painted tone="muted">{row(' ', 'HOST', 'PORT', '!', 'NEEDED BY')}</Painted>
      {plan.flows.slice(win.start, win.end).map((f, i) => {
        const here = win.start + i === cursor;
        return (
          <Painted key={`${f.host}:${f.port}`} tone={here ? 'accent' : 'plain'}>
            {row(here ? '›' : ' ', clip(f.host, hostWidth), `tcp/${f.port}${f.portStated ? '' : '*'}`, f.notes.length > 0 ? '!' : '', neededBy(f))}
          </Painted>
        );
      })}
      <Box marginTop={1} flexDirection="column" height={DETAIL_ROWS}>
        {flow ? flowDetail(flow, width).map((l, i) => <Text key={i}>{l}</Text>) : null}
      </Box>
    </Box>
  );
}

/** The agents, each marked with the option that makes it need the flow, if only that does. */
function neededBy(f: Flow): string {
  if (f.site !== null) return 'site';
  return f.agents
    .map((a) => {
      const options = [...new Set(f.provenance.filter((p) => p.agent === a).map((p) => p.option))];
      return options.every((o) => o !== undefined) ? `${a} (+${options.join(', +')})` : a;
    })
    .join(', ');
}

/** The flow under the cursor in full: who needs it and why, and its notes. */
function flowDetail(f: Flow, width: number): string[] {
  const lines = [...wrapLines(`${f.host} tcp/${f.port}${f.service ? ` · ${f.service}` : ''}`, width, 2), ...wrapLines(`Needed by: ${neededBy(f)}`, width, 1)];
  // The site's own endpoint: why and who, never taken for one of Canon's.
  if (f.site !== null)
    lines.push(
      ...wrapLines(`Site-specific (not in the Canon catalogue): ${escapeUnsafe(f.site.reason)}; asked by ${escapeUnsafe(f.site.requestedBy)}`, width, 2),
    );
  if (f.clientCertificate) lines.push(clip('! Client-certificate TLS (mutual TLS): exempt this host from TLS inspection.', width));
  if (!f.portStated) lines.push(...wrapLines("Port assumed: Canon's document names this host without a port; 443 (HTTPS).", width, 1));
  for (const n of f.notes) lines.push(...wrapLines(`! ${n.text}`, width, DETAIL_ROWS - lines.length));
  return lines.slice(0, DETAIL_ROWS);
}
