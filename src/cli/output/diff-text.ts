// `diff` for people (one line per change, grouped, only the groups that have any) and for
// programs (--json: the diff as core/run-diff.ts makes it). Remote text (details, issuers)
// and the site's own text are escaped for the terminal.
import type { CatalogueDelta, Diff, FieldChange, FlowRef, RunDiff, RunSide, StatusChange } from '../../core/run-diff.js';
import { EXPIRY_DAYS, isEmpty, unloggedText } from '../../core/run-diff.js';
import type { SiteEndpoint } from '../../core/site-endpoints.js';
import { wrap } from '../../core/table.js';
import { escapeUnsafe, safeJson } from '../../core/text.js';

const e = escapeUnsafe;

export function diffJson(d: Diff): string {
  return `${safeJson(d)}\n`;
}

/** `columns`: the terminal's width, when printing to one (long lines wrap under their item). */
export function diffText(d: Diff, names: { old: string; new: string }, columns?: number): string {
  const out: string[] = [];
  const line = (text: string, indent = '  ') => out.push(columns === undefined ? text : wrap(text, columns, '', indent));
  const section = (title: string, items: readonly string[]) => {
    if (items.length === 0) return;
    out.push('', `${title} (${items.length}):`);
    for (const item of items) line(`  ${item}`, '      ');
  };
  if (d.kind === 'runs') {
    line(`Saved runs: ${e(names.old)} → ${e(names.new)}`);
    line(`  old: ${sideText(d.old)}`, '       ');
    line(`  new: ${sideText(d.new)}`, '       ');
  } else {
    line(`Site profiles: ${e(names.old)} → ${e(names.new)} (planned with catalogue ${d.catalogueVersion})`);
  }
  if (isEmpty(d)) {
    out.push('', d.kind === 'runs' ? `No changes: ${d.new.flows} flows, each as before.` : 'No changes: the same flows and settings.');
    return `${out.join('\n')}\n`;
  }
  if (d.catalogue) {
    out.push('');
    for (const [i, l] of catalogueLines(d.catalogue).entries()) line(l, i === 0 ? '  ' : '      ');
  }
  const lists = [
    ['Agents', d.agents],
    ['Options', d.options],
  ] as const;
  for (const [title, l] of lists) {
    if (l.added.length + l.removed.length === 0) continue;
    out.push('');
    line(`${title}: ${[...l.added.map((x) => `+ ${x}`), ...l.removed.map((x) => `- ${x}`)].join(', ')}`);
  }
  section(
    'Flows added',
    d.flows.added.map((f) => `+ ${flowText(f)}`),
  );
  section(
    'Flows removed',
    d.flows.removed.map((f) => `- ${flowText(f)}`),
  );
  if (d.kind === 'runs') runSections(d, section);
  const ep = d.endpoints;
  section('Site endpoints', [
    ...ep.added.map((x) => `+ ${endpointText(x)}`),
    ...ep.removed.map((x) => `- ${endpointText(x)}`),
    ...ep.changed.map((x) => `~ ${x.host}: ${endpointText(x.from, false)} → ${endpointText(x.to, false)}`),
  ]);
  section('Settings changed', d.settings.map(fieldText));
  if (d.kind === 'runs') {
    out.push('');
    line(`Unchanged: ${d.unchanged.ok} flow${d.unchanged.ok === 1 ? '' : 's'} ok, ${d.unchanged.failing} failing as before.`);
  }
  return `${out.join('\n')}\n`;
}

function runSections(d: RunDiff, section: (title: string, items: readonly string[]) => void): void {
  section('Now failing', d.broke.map(statusText));
  section('Working again', d.fixed.map(statusText));
  section('Failing another way', d.changed.map(statusText));
  section(
    'Certificate issuer changed (a new TLS inspection CA?)',
    d.issuers.map((i) => `${flowName(i)}: "${e(i.from)}" → "${e(i.to)}"`),
  );
  section(
    `Certificates expiring within ${EXPIRY_DAYS} days of the new run`,
    d.expiring.map((x) => `${flowName(x)}: ${e(x.expires)} (${daysText(x.days)})${x.issuer === null ? '' : `, issued by "${e(x.issuer)}"`}`),
  );
}

function sideText(s: RunSide): string {
  const failed = s.failed === 0 ? 'all ok' : `${s.failed} fail`;
  return `${s.startedAt} from ${e(s.checkedFrom)}, catalogue ${s.catalogue}, ${s.flows} flows (${failed})`;
}

/** "catalogue 1.0.0 → 1.1.0: +1 host", then each change-log entry between them. */
export function catalogueLines(c: CatalogueDelta): string[] {
  const count = (n: number) => `${n} host${n === 1 ? '' : 's'}`;
  const head = `Catalogue ${c.from} → ${c.to}: +${count(c.hostsAdded.length)}, -${count(c.hostsRemoved.length)}`;
  const lines = [c.logged ? head : `${head} (${unloggedText(c)})`];
  for (const change of c.changes) {
    const hosts = [...change.added.map((h) => `+${h}`), ...change.removed.map((h) => `-${h}`)].join(' ');
    lines.push(`  ${change.version} (${e(change.date)}, from ${change.sources.map(e).join(', ')}): ${e(change.summary)}${hosts === '' ? '' : ` [${hosts}]`}`);
  }
  return lines;
}

function flowName(f: FlowRef): string {
  return `${f.host}:${f.port}`;
}

function whose(f: FlowRef): string {
  return f.site === null ? `for ${f.agents.join(', ')}` : `site-specific: ${e(f.site.reason)} (asked by ${e(f.site.requestedBy)})`;
}

function flowText(f: FlowRef): string {
  return `${flowName(f)} ${whose(f)}`;
}

function statusText(s: StatusChange): string {
  return `${flowName(s)}: ${s.from} → ${s.to}${s.to === 'ok' ? '' : `: ${e(s.detail)}`}`;
}

function daysText(days: number): string {
  if (days < 0) return `expired ${-days} day${days === -1 ? '' : 's'} before the run`;
  if (days === 0) return 'expires within a day';
  return `in ${days} day${days === 1 ? '' : 's'}`;
}

function endpointText(x: SiteEndpoint, host = true): string {
  return `${host ? `${x.host} ` : ''}${x.ports.map((p) => `tcp/${p}`).join(', ')} (${e(x.reason)}; asked by ${e(x.requestedBy)})`;
}

function fieldText(c: FieldChange): string {
  const v = (x: string | null) => (x === null ? '(none)' : e(x));
  return `${c.field}: ${v(c.from)} → ${v(c.to)}`;
}
