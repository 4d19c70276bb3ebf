// "What changed" in the report (`--since OLD`): the pure diff of run-diff.ts, laid out as
// tables both renderers print. Pure.
import { type FlowRef, EXPIRY_DAYS, type RunDiff, diffRuns, isEmpty, unloggedText } from '../run-diff.js';
import type { SiteEndpoint } from '../site-endpoints.js';
import type { ReportRun } from './model.js';
import { daysText } from './words.js';

export interface ChangeTable {
  title: string;
  columns: string[];
  rows: string[][];
}

export interface ChangesSide {
  file: string;
  startedAt: string;
  checkedFrom: string;
  catalogue: string;
}

export interface ChangesSection {
  /** The site section the newer run is reported in. */
  siteId: string;
  older: ChangesSide;
  newer: ChangesSide;
  /** One line: what changed, counted. */
  summary: string;
  /** Only the tables that have rows. */
  tables: ChangeTable[];
  diff: RunDiff;
}

export function changesSection(older: ReportRun, newer: ReportRun, siteId: string): ChangesSection {
  const d = diffRuns(older.run, newer.run);
  const side = (r: ReportRun): ChangesSide => ({
    file: r.file,
    startedAt: r.run.startedAt,
    checkedFrom: r.run.checkedFrom,
    catalogue: r.run.catalogue.version,
  });
  const flow = (f: FlowRef) => `${f.host}:${f.port}`;
  const whose = (f: FlowRef) => (f.site === null ? f.agents.join(', ') : `site: ${f.site.reason} (asked by ${f.site.requestedBy})`);
  const endpoint = (e: SiteEndpoint) => [e.host, e.ports.map((p) => `tcp/${p}`).join(', '), e.reason, e.requestedBy];
  const tables: ChangeTable[] = [
    { title: 'Now failing', columns: ['Flow', 'Needed by', 'Before', 'Now', 'Detail'], rows: d.broke.map((s) => [flow(s), whose(s), s.from, s.to, s.detail]) },
    { title: 'Working again', columns: ['Flow', 'Needed by', 'Before', 'Now'], rows: d.fixed.map((s) => [flow(s), whose(s), s.from, s.to]) },
    {
      title: 'Failing another way',
      columns: ['Flow', 'Needed by', 'Before', 'Now', 'Detail'],
      rows: d.changed.map((s) => [flow(s), whose(s), s.from, s.to, s.detail]),
    },
    { title: 'Certificate issuer changed (a new TLS inspection CA?)', columns: ['Flow', 'Before', 'Now'], rows: d.issuers.map((i) => [flow(i), i.from, i.to]) },
    {
      title: `Certificates expiring within ${EXPIRY_DAYS} days of the newer run`,
      columns: ['Flow', 'Expires', 'When', 'Issuer'],
      rows: d.expiring.map((x) => [flow(x), x.expires, daysText(x.days), x.issuer ?? '']),
    },
    { title: 'Flows added', columns: ['Flow', 'Needed by'], rows: d.flows.added.map((f) => [flow(f), whose(f)]) },
    { title: 'Flows removed', columns: ['Flow', 'Needed by'], rows: d.flows.removed.map((f) => [flow(f), whose(f)]) },
    {
      // A log that does not reach back to the older version lists only part of what changed.
      title: `Catalogue change log between the runs${d.catalogue?.logged === false ? ` (${unloggedText(d.catalogue)})` : ''}`,
      columns: ['Version', 'Date', 'Summary', 'Hosts added', 'Hosts removed'],
      rows: (d.catalogue?.changes ?? []).map((c) => [c.version, c.date, c.summary, c.added.join(', '), c.removed.join(', ')]),
    },
    {
      title: 'Agents and options',
      columns: ['Change', 'Agent or option'],
      rows: [
        ...d.agents.added.map((a) => ['agent added', a]),
        ...d.agents.removed.map((a) => ['agent removed', a]),
        ...d.options.added.map((a) => ['option added', a]),
        ...d.options.removed.map((a) => ['option removed', a]),
      ],
    },
    {
      title: 'Site endpoints',
      columns: ['Change', 'Host', 'Ports', 'Reason', 'Asked by'],
      rows: [
        ...d.endpoints.added.map((e) => ['added', ...endpoint(e)]),
        ...d.endpoints.removed.map((e) => ['removed', ...endpoint(e)]),
        ...d.endpoints.changed.map((c) => ['changed', ...endpoint(c.to)]),
      ],
    },
    { title: 'Settings changed', columns: ['Setting', 'Before', 'Now'], rows: d.settings.map((s) => [s.field, s.from ?? '(none)', s.to ?? '(none)']) },
  ].filter((t) => t.rows.length > 0);
  return { siteId, older: side(older), newer: side(newer), summary: summaryLine(d), tables, diff: d };
}

function summaryLine(d: RunDiff): string {
  if (isEmpty(d)) return `No changes: ${d.new.flows} flows, each as before.`;
  const n = (count: number, one: string, many: string) => (count === 0 ? [] : [`${count} ${count === 1 ? one : many}`]);
  const parts = [
    ...n(d.broke.length, 'flow now fails', 'flows now fail'),
    ...n(d.fixed.length, 'flow works again', 'flows work again'),
    ...n(d.changed.length, 'flow fails another way', 'flows fail another way'),
    ...n(d.flows.added.length, 'flow added', 'flows added'),
    ...n(d.flows.removed.length, 'flow removed', 'flows removed'),
    ...n(d.issuers.length, 'certificate issuer changed', 'certificate issuers changed'),
    ...n(d.expiring.length, `certificate expires within ${EXPIRY_DAYS} days`, `certificates expire within ${EXPIRY_DAYS} days`),
    ...(d.catalogue === null ? [] : [`catalogue ${d.catalogue.from} → ${d.catalogue.to}${d.catalogue.logged ? '' : ` (${unloggedText(d.catalogue)})`}`]),
    ...n(d.settings.length, 'setting changed', 'settings changed'),
  ];
  const unchanged = `${d.unchanged.ok} ok and ${d.unchanged.failing} failing as before`;
  return `${parts.length === 0 ? 'Agents or endpoints changed' : parts.join(', ')}; ${unchanged}.`;
}
