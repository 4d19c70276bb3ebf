// The report as Markdown (CommonMark with GitHub's tables) for tickets and wikis: the same
// sections as the HTML, the picture as a table. Every value goes through `md`, which
// backslash-escapes what Markdown would read as markup (inline HTML included) and the
// table's `|`. Pure.
import type { Cause, Warning } from '../check/summary.js';
import { escapeUnsafe } from '../text.js';
import type { ChangesSection, Fleet, ReportModel, RulesSection, SiteReport } from './model.js';
import { OWNER_TITLES } from './owners.js';
import { STAGES } from './path.js';
import type { AllowRule, FlowRow } from './site.js';
import { daysText, madeFor, ms, when } from './words.js';

/**
 * Text for a Markdown paragraph or table cell: unsafe characters as \uXXXX (so no line
 * break ends a cell), then a backslash before every character that could open markup:
 * emphasis, code, links and images, inline HTML and entities, headings, tables, a list marker
 * at the start, and the www. and scheme:// forms GitHub would link (a mail address it still
 * links, as mailto: with the address as its text).
 */
export function md(text: string | number): string {
  return (
    escapeUnsafe(String(text))
      .replace(/[\\`*_[\]<>#|~&]/g, (c) => `\\${c}`)
      // GitHub's autolinks: a www. name or a scheme:// address in text would become a link.
      .replace(/\b(www)\./gi, '$1\\.')
      .replace(/\b([a-z][a-z0-9+.-]*):(?=\/\/)/gi, '$1\\:')
      // What opens a list at the start of a list item's text.
      .replace(/^([-+]|\d{1,9}(?=[.)]))(?=[.)]?(\s|$))/, (c) => (c === '-' || c === '+' ? `\\${c}` : `${c}\\`))
  );
}

type Cell = string | number;

function table(columns: readonly string[], rows: readonly (readonly Cell[])[], right: readonly number[] = []): string[] {
  const line = (cells: readonly Cell[]) => `| ${cells.map((c) => md(c)).join(' | ')} |`;
  return [line(columns), `|${columns.map((_, i) => (right.includes(i) ? ' ---: |' : ' --- |')).join('')}`, ...rows.map(line), ''];
}

export function reportMarkdown(m: ReportModel): string {
  const runs = m.sites.length === 1 ? 'one saved run' : `${m.sites.length} saved runs`;
  const out: string[] = [`# ${md(m.title)}`, '', `Made ${md(when(m.generatedAt))} by ${md(`${m.tool.name} ${m.tool.version}`)} from ${runs}.`, ''];
  if (m.fleet !== null) out.push(...fleetLines(m.fleet));
  for (const s of m.sites) out.push(...siteLines(s, m.changes?.siteId === s.id ? m.changes : null, m.sites.length > 1));
  if (m.rules !== null) out.push(...rulesLines(m.rules));
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}

function fleetLines(f: Fleet): string[] {
  return [
    '## Fleet summary',
    '',
    ...table(
      ['Site', 'Checked', 'From', 'Flows', 'Get out', 'Need changes', 'Not tried', 'Changes for'],
      f.sites.map((s) => [
        s.name,
        when(s.startedAt),
        s.checkedFrom,
        s.total,
        s.ok,
        s.needChanges,
        s.untried,
        s.owners.map((o) => OWNER_TITLES[o]).join(', ') || 'nothing',
      ]),
      [3, 4, 5, 6],
    ),
    '### Causes across the sites',
    '',
    f.causes.length === 0 ? 'Every flow gets out at every site.' : `${f.recurring} of ${f.causes.length} causes recur at more than one site.`,
    '',
    ...(f.causes.length === 0
      ? []
      : table(
          ['Cause', 'Owner', 'Sites', 'Flows', 'Where'],
          f.causes.map((c) => [c.label, OWNER_TITLES[c.owner], c.sites.length, c.flows, c.sites.map((s) => `${s.name} (${s.flows})`).join(', ')]),
          [2, 3],
        )),
  ];
}

function causeLines(c: Cause | Warning): string[] {
  return [`- ${md(c.cause)}  `, `  **Fix:** ${md(c.fix)}  `, `  ${c.flows.length} flow${c.flows.length === 1 ? '' : 's'}: ${md(c.flows.join(', '))}`];
}

function siteLines(s: SiteReport, changes: ChangesSection | null, fleet: boolean): string[] {
  const sum = s.summary;
  const agents = sum.agents.map((a) => `${a.id} (${a.name})`).join('; ');
  const extra = [
    ...(sum.options.length > 0 ? [`options: ${sum.options.join(', ')}`] : []),
    ...(sum.endpoints > 0 ? [`${sum.endpoints} site endpoint${sum.endpoints === 1 ? '' : 's'}`] : []),
  ];
  const out = [
    `## ${fleet ? 'Site: ' : ''}${md(s.name)}`,
    '',
    '### Summary',
    '',
    `**${md(sum.verdict.text)}**`,
    '',
    ...table(
      ['Fact', 'Value'],
      [
        ['Site', sum.site],
        ['Checked', `${when(sum.startedAt)}, in ${sum.seconds} s, from ${sum.checkedFrom}`],
        ['Agents', [agents, ...extra].join('; ')],
        ['Catalogue', `${sum.catalogue.version}${sum.catalogue.file === null ? ' (shipped)' : ` (${sum.catalogue.file})`}`],
        ['Resolver', sum.resolver],
        ['Route', sum.route],
        ['Run file', s.file],
      ],
    ),
    '#### Changes to make',
    '',
  ];
  if (sum.changes.length === 0) out.push('None: every flow gets out.', '');
  for (const g of sum.changes) out.push(`##### ${md(g.title)}`, '', ...g.causes.flatMap(causeLines), '');
  if (sum.warnings.length > 0) out.push('#### Warnings', '', ...sum.warnings.flatMap(causeLines), '');
  if (sum.notes.length > 0) out.push('#### Notes', '', ...sum.notes.map((n) => `- ${md(n)}`), '');
  if (changes !== null) out.push(...changesLines(changes));
  out.push(...pathLines(s), ...flowLines(s), ...allowLines(s), ...provenanceLines(s));
  return out;
}

function pathLines(s: SiteReport): string[] {
  const titles = s.path.nodes.map((n) => `${n.title} (${n.detail})`);
  return [
    '### Path',
    '',
    'Each row is one flow on its way out: ✓ passed, ✗ stopped there.',
    '',
    ...table(
      ['Flow', ...titles, 'Verdict'],
      s.path.rows.map((r) => {
        const stop = STAGES.indexOf(r.stop);
        const marks = STAGES.map((stage, i) => {
          if (i > stop) return '';
          if (i === stop) return r.status === 'ok' ? '✓' : '✗';
          return stage === 'resolver' && !r.resolved ? 'not asked' : '✓';
        });
        return [r.flow, ...marks, r.status];
      }),
    ),
  ];
}

function flowLines(s: SiteReport): string[] {
  return [
    '### Flows',
    '',
    ...table(
      ['Host', 'Port', 'Needed by', 'Verdict', 'Owner', 'DNS ms', 'Connect ms', 'TLS ms', 'Certificate issuer', 'Expires', 'Detail'],
      s.flows.map((f) => [
        f.host,
        f.portStated ? String(f.port) : `${f.port}*`,
        f.neededBy,
        f.status,
        f.owner === null ? '' : OWNER_TITLES[f.owner],
        ms(f.timings.dns),
        ms(f.timings.connect),
        ms(f.timings.tls),
        `${f.issuer ?? '—'}${f.tlsVersion === null ? '' : ` (${f.tlsVersion})`}`,
        expires(f),
        `${f.detail}${f.route === 'direct' || f.detail.includes(f.route) ? '' : ` (via ${f.route})`}`,
      ]),
      [1, 5, 6, 7],
    ),
    "\\* Canon's document names the host without a port: 443 (HTTPS) is assumed. ! expires within 30 days of the check.",
    '',
  ];
}

function expires(f: FlowRow): string {
  if (f.expires === null) return '—';
  return `${f.expires.slice(0, 10)}${f.expiresInDays === null ? '' : ` (${daysText(f.expiresInDays)})`}${f.expiringSoon ? ' !' : ''}`;
}

function allowLines(s: SiteReport): string[] {
  const a = s.allowList;
  const now = (r: AllowRule) => (r.kind === 'wildcard' ? `covers ${r.hosts.join(', ')}` : r.failing.length > 0 ? 'fails now' : 'gets out now');
  const rows = (rules: readonly AllowRule[]) =>
    rules.map((r) => [
      r.name,
      r.portStated ? String(r.port) : `${r.port}*`,
      r.neededBy,
      `${now(r)}${r.clientCertificate ? '; client certificates: exempt from TLS inspection' : ''}`,
    ]);
  return [
    '### Allow-list',
    '',
    'Outbound TCP from the devices and agent hosts to these names. ' +
      "Rules by name need the firewall to resolve them with the devices' resolver; `emaint-egress render` writes them for each firewall and proxy.",
    '',
    '#### Exact host names (least privilege)',
    '',
    ...table(['Host', 'Port', 'Needed by', 'Now'], rows(a.exact), [1]),
    '#### Vendor wildcards, and their risks',
    '',
    ...a.wildcardWarnings.map((w) => `- ${md(w)}`),
    '',
    ...table(['Name', 'Port', 'Needed by', 'Lets through'], rows(a.wildcard), [1]),
  ];
}

function provenanceLines(s: SiteReport): string[] {
  return [
    '### Provenance',
    '',
    "Where each flow comes from: Canon's document, the section and its words. A port the document does not state is marked assumed.",
    '',
    ...table(
      ['Flow', 'Port', 'Source'],
      s.provenance.map((r) => [
        r.host,
        `${r.port} ${r.portStated ? 'stated' : 'assumed'}`,
        r.site !== null
          ? `Site-specific, not in Canon's documents: ${r.site.reason} (asked by ${r.site.requestedBy})`
          : r.missing
            ? 'Not in this catalogue'
            : [
                ...r.cites.map((c) => {
                  const where = `${c.document} (${c.file}), ${c.section.join(' › ')}${c.portStated ? '' : ', no port given'}`;
                  return `${c.agent}${c.option === null ? '' : ` (${c.option})`}: ${where}: “${c.quote}”`;
                }),
                ...r.notes.map((n) => `${n.text} (${n.reference})`),
              ].join(' · '),
      ]),
    ),
  ];
}

function changesLines(c: ChangesSection): string[] {
  return [
    `### What changed since ${md(when(c.older.startedAt))}`,
    '',
    md(c.summary),
    '',
    md(
      `Older run: ${c.older.file} (${when(c.older.startedAt)}, from ${c.older.checkedFrom}, catalogue ${c.older.catalogue}). ` +
        `Newer run: ${c.newer.file} (${when(c.newer.startedAt)}, from ${c.newer.checkedFrom}, catalogue ${c.newer.catalogue}).`,
    ),
    '',
    ...c.tables.flatMap((t) => [`#### ${md(t.title)}`, '', ...table(t.columns, t.rows)]),
  ];
}

function rulesLines(r: RulesSection): string[] {
  return [
    '## Rules files',
    '',
    `The files in ${md(r.dir)}, each with its SHA-256: compare it (\`sha256sum FILE\`) before applying the file.`,
    '',
    ...r.warnings.map((x) => `- ${md(x)}`),
    ...(r.warnings.length > 0 ? [''] : []),
    ...table(
      ['File', 'Target', 'Bytes', 'SHA-256', 'Made for', 'How to apply'],
      r.files.map((f) => [f.name, f.target ?? 'not written by emaint-egress render', f.bytes, f.sha256, madeFor(f.header), f.apply ?? '—']),
      [2],
    ),
  ];
}
