// The report as one self-contained HTML file for the customer's IT: inline CSS and SVG, no
// script, no external request (the Content-Security-Policy forbids all three), readable
// offline and on paper. Every value goes through the `html` tag's escaping. Pure.
import type { CheckStatus } from '../check/result.js';
import type { Cause, Warning } from '../check/summary.js';
import { type Html, type Part, html } from './html.js';
import type { ChangesSection, Fleet, ReportModel, RulesSection, SiteReport } from './model.js';
import { OWNER_TITLES } from './owners.js';
import { STATUS_COLOURS, pathSvg } from './path-svg.js';
import type { AllowRule, FlowRow, ProvenanceRow } from './site.js';
import { daysText, madeFor, ms, when } from './words.js';

/** Nothing may load or run: styles only inline, images only as data: URIs, no script at all. */
export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

export function reportHtml(m: ReportModel): string {
  const runs = m.sites.length === 1 ? 'one saved run' : `${m.sites.length} saved runs`;
  const nav = m.sites.length > 1 ? html`<nav><ol>${m.sites.map((s) => html`<li><a href="#${s.id}">${s.name}</a></li>`)}</ol></nav>` : null;
  const sites = m.sites.map((s) => siteSection(s, m.changes?.siteId === s.id ? m.changes : null, m.sites.length > 1));
  const page = html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${m.tool.name} ${m.tool.version}">
<title>${m.title}</title>
<style>${STYLE}${STATUS_STYLE}</style>
</head>
<body>
<header>
<h1>${m.title}</h1>
<p class="meta">Made ${when(m.generatedAt)} by ${m.tool.name} ${m.tool.version} from ${runs}.</p>
${nav}
</header>
${m.fleet === null ? null : fleetSection(m.fleet)}${sites}${m.rules === null ? null : rulesSection(m.rules)}<footer>
<p>Every value from the runs (site names, details, certificate issuers, PAC answers) is shown as text. Verdicts and fixes: README, "On-site check".</p>
</footer>
</body>
</html>
`;
  return page.markup;
}

/** A column heading; numbers are right-aligned. */
type Column = string | { title: string; num: true };

/** A table: its id or class attribute, its headings, its rows (each from `tr`). */
function table(attribute: Html, columns: readonly Column[], rows: readonly Html[]): Html {
  const th = (c: Column) => (typeof c === 'string' ? html`<th>${c}</th>` : html`<th class="num">${c.title}</th>`);
  return html`<table ${attribute}>
<thead><tr>${columns.map(th)}</tr></thead>
<tbody>
${rows}</tbody>
</table>
`;
}

/** A cell with a class (host, num, hash, detail) for its column's layout. */
class Cell {
  constructor(
    readonly content: Part,
    readonly style: string,
  ) {}
}
const cell = (content: Part, style: string) => new Cell(content, style);

/** A row of cells: content, or a Cell. */
function tr(cells: readonly (Part | Cell)[], attributes: Html | null = null): Html {
  const td = (c: Part | Cell) => (c instanceof Cell ? html`<td class="${c.style}">${c.content}</td>` : html`<td>${c}</td>`);
  return html`<tr${attributes}>${cells.map(td)}</tr>
`;
}

const num = (title: string): Column => ({ title, num: true });
const SITE_COLUMNS = ['Site', 'Checked', 'From', num('Flows'), num('Get out'), num('Need changes'), num('Not tried'), 'Changes for'];

function fleetSection(f: Fleet): Html {
  const sites = f.sites.map((s) =>
    tr([
      html`<a href="#${s.id}">${s.name}</a>`,
      when(s.startedAt),
      s.checkedFrom,
      cell(s.total, 'num'),
      cell(s.ok, 'num'),
      cell(s.needChanges, s.needChanges > 0 ? 'num bad' : 'num'),
      cell(s.untried, 'num'),
      s.owners.map((o) => OWNER_TITLES[o]).join(', ') || 'nothing',
    ]),
  );
  const causes = f.causes.map((c) =>
    tr(
      [
        c.label,
        OWNER_TITLES[c.owner],
        cell(c.sites.length, 'num'),
        cell(c.flows, 'num'),
        c.sites.map((s, i) => html`${i > 0 ? ', ' : null}<a href="#${s.id}">${s.name}</a> (${s.flows})`),
      ],
      c.sites.length > 1 ? html` class="recurs"` : null,
    ),
  );
  const recurring = f.causes.length === 0 ? 'Every flow gets out at every site.' : `${f.recurring} of ${f.causes.length} causes recur at more than one site.`;
  return html`<section id="fleet">
<h2>Fleet summary</h2>
${table(html`id="fleet-sites"`, SITE_COLUMNS, sites)}<h3>Causes across the sites</h3>
<p>${recurring}</p>
${f.causes.length === 0 ? null : table(html`id="fleet-causes"`, ['Cause', 'Owner', num('Sites'), num('Flows'), 'Where'], causes)}</section>
`;
}

function siteSection(s: SiteReport, changes: ChangesSection | null, fleet: boolean): Html {
  const sum = s.summary;
  const agents = sum.agents.map((a, i) => html`${i > 0 ? '; ' : null}<span class="id">${a.id}</span> (${a.name})`);
  const options = sum.options.length > 0 ? `; options: ${sum.options.join(', ')}` : null;
  const endpoints = sum.endpoints > 0 ? `; ${sum.endpoints} site endpoint${sum.endpoints === 1 ? '' : 's'}` : null;
  const owners =
    sum.changes.length === 0
      ? html`<p>None: every flow gets out.</p>`
      : sum.changes.map(
          (g) => html`<section class="owner" data-owner="${g.owner}">
<h5>${g.title}</h5>
<ul>${g.causes.map(causeItem)}</ul>
</section>
`,
        );
  const warnings = sum.warnings.length === 0 ? null : html`<h4>Warnings</h4><ul class="warnings">${sum.warnings.map(causeItem)}</ul>`;
  const notes = sum.notes.length === 0 ? null : html`<h4>Notes</h4><ul class="notes">${sum.notes.map((n) => html`<li>${n}</li>`)}</ul>`;
  const gateway = s.path.nodes[2]?.title.toLowerCase() ?? 'firewall';
  return html`<section class="site" id="${s.id}">
<h2>${fleet ? 'Site: ' : ''}${s.name}</h2>
<section class="summary">
<h3>Summary</h3>
<p class="verdict ${sum.verdict.needChanges + sum.verdict.untried === 0 ? 'good' : 'bad'}">${sum.verdict.text}</p>
<dl class="facts">
<dt>Site</dt><dd>${sum.site}</dd>
<dt>Checked</dt><dd>${when(sum.startedAt)}, in ${sum.seconds} s, from ${sum.checkedFrom}</dd>
<dt>Agents</dt><dd>${agents}${options}${endpoints}</dd>
<dt>Catalogue</dt><dd>${sum.catalogue.version}${sum.catalogue.file === null ? ' (shipped)' : ` (${sum.catalogue.file})`}</dd>
<dt>Resolver</dt><dd>${sum.resolver}</dd>
<dt>Route</dt><dd>${sum.route}</dd>
<dt>Run file</dt><dd>${s.file}</dd>
</dl>
<h4>Changes to make</h4>
${owners}${warnings}${notes}
</section>
${changes === null ? null : changesSection(changes)}<section class="path">
<h3>Path</h3>
<p>Each line is one flow, from the devices and agent host (${sum.checkedFrom}) through the resolver and the ${gateway} to its cloud host,
coloured by its verdict; a cross marks where it stops.</p>
${pathSvg(s.path, `${s.id}-path`)}
</section>
<section class="flows">
<h3>Flows</h3>
${table(
  html`class="flow-table"`,
  ['Host', num('Port'), 'Needed by', 'Verdict', num('DNS'), num('Connect'), num('TLS'), 'Certificate issuer', 'Expires', 'Detail'],
  s.flows.map(flowRow),
)}<p class="legend">* Canon's document names the host without a port: 443 (HTTPS) is assumed. Times in ms; — where the phase was not reached.</p>
</section>
${allowSection(s)}${provenanceSection(s.provenance)}</section>
`;
}

function causeItem(c: Cause | Warning): Html {
  const affects = `${c.flows.length} flow${c.flows.length === 1 ? '' : 's'}: ${c.flows.join(', ')}`;
  return html`<li><span class="cause">${c.cause}</span><br><span class="fix">Fix: ${c.fix}</span><br><span class="affects">${affects}</span></li>`;
}

function badge(status: CheckStatus): Html {
  return html`<span class="badge st-${status}">${status}</span>`;
}

function portCell(port: number, stated: boolean): Part {
  return stated ? port : html`${port}<abbr title="port assumed: the document names no port">*</abbr>`;
}

function flowRow(f: FlowRow): Html {
  const days = f.expiresInDays === null ? null : ` (${daysText(f.expiresInDays)})`;
  const expires = f.expires === null ? '—' : html`<span class="${f.expiringSoon ? 'bad' : ''}">${f.expires.slice(0, 10)}${days}</span>`;
  const owner = f.owner === null ? null : html`<br><span class="owner-tag">${OWNER_TITLES[f.owner]}</span>`;
  const version = f.tlsVersion === null ? null : html`<br><span class="small">${f.tlsVersion}</span>`;
  const via = f.route === 'direct' || f.detail.includes(f.route) ? null : html`<br><span class="small">via ${f.route}</span>`;
  return tr(
    [
      cell(f.host, 'host'),
      cell(portCell(f.port, f.portStated), 'num'),
      f.neededBy,
      html`${badge(f.status)}${owner}`,
      cell(ms(f.timings.dns), 'num'),
      cell(ms(f.timings.connect), 'num'),
      cell(ms(f.timings.tls), 'num'),
      html`${f.issuer ?? '—'}${version}`,
      expires,
      cell(html`${f.detail}${via}`, 'detail'),
    ],
    html` data-status="${f.status}"`,
  );
}

function allowSection(s: SiteReport): Html {
  const a = s.allowList;
  const now = (r: AllowRule): Part =>
    r.kind === 'wildcard' ? `covers ${r.hosts.join(', ')}` : r.failing.length > 0 ? html`<span class="bad">fails now</span>` : 'gets out now';
  const rows = (rules: readonly AllowRule[]) =>
    rules.map((r) =>
      tr(
        [
          cell(r.name, 'host'),
          cell(portCell(r.port, r.portStated), 'num'),
          r.neededBy,
          html`${now(r)}${r.clientCertificate ? html`<br><span class="small">client certificates: exempt from TLS inspection</span>` : null}`,
        ],
        html` class="${r.kind}"`,
      ),
    );
  return html`<section class="allow-list">
<h3>Allow-list</h3>
<p>Outbound TCP from the devices and agent hosts to these names. Rules by name need the firewall to resolve them with the devices' resolver;
<code>emaint-egress render</code> writes them for each firewall and proxy.</p>
<h4>Exact host names (least privilege)</h4>
${table(html`class="allow-exact"`, ['Host', num('Port'), 'Needed by', 'Now'], rows(a.exact))}<h4>Vendor wildcards, and their risks</h4>
<ul class="risks">${a.wildcardWarnings.map((w) => html`<li>${w}</li>`)}</ul>
${table(html`class="allow-wildcard"`, ['Name', num('Port'), 'Needed by', 'Lets through'], rows(a.wildcard))}</section>
`;
}

function provenanceSection(rows: readonly ProvenanceRow[]): Html {
  const source = (r: ProvenanceRow): Part => {
    if (r.site !== null) return `Site-specific, not in Canon's documents: ${r.site.reason} (asked by ${r.site.requestedBy})`;
    if (r.missing) return html`<span class="bad">Not in this catalogue</span>`;
    const cites = r.cites.map((c) => {
      const where = `${c.document} (${c.file}), ${c.section.join(' › ')}${c.portStated ? '' : ', no port given'}`;
      return html`<li><span class="id">${c.agent}</span>${c.option === null ? null : ` (${c.option})`}: ${where}<blockquote>${c.quote}</blockquote></li>`;
    });
    const notes = r.notes.map((n) => html`<li class="note">${n.text} <span class="small">(${n.reference})</span></li>`);
    return html`<ul class="cites">${cites}${notes}</ul>`;
  };
  const port = (r: ProvenanceRow): Part => html`${r.port} ${r.portStated ? 'stated' : html`<span class="bad">assumed</span>`}`;
  return html`<section class="provenance">
<h3>Provenance</h3>
<p>Where each flow comes from: Canon's document, the section and its words. A port the document does not state is marked assumed.</p>
${table(
  html`class="provenance-table"`,
  ['Flow', 'Port', 'Source'],
  rows.map((r) => tr([cell(r.host, 'host'), port(r), source(r)])),
)}</section>
`;
}

function changesSection(c: ChangesSection): Html {
  const side = (x: ChangesSection['older']) => `${x.file} (${when(x.startedAt)}, from ${x.checkedFrom}, catalogue ${x.catalogue})`;
  return html`<section id="changes">
<h3>What changed since ${when(c.older.startedAt)}</h3>
<p class="changes-summary">${c.summary}</p>
<p class="small">Older run: ${side(c.older)}. Newer run: ${side(c.newer)}.</p>
${c.tables.map(
  (t) => html`<h4>${t.title}</h4>
${table(
  html`class="change-table"`,
  t.columns,
  t.rows.map((r) => tr(r)),
)}`,
)}</section>
`;
}

function rulesSection(r: RulesSection): Html {
  const rows = r.files.map((f) =>
    tr([
      cell(f.name, 'host'),
      f.target ?? 'not written by emaint-egress render',
      cell(f.bytes, 'num'),
      cell(f.sha256, 'hash'),
      madeFor(f.header),
      f.apply ?? '—',
    ]),
  );
  return html`<section id="rules">
<h2>Rules files</h2>
<p>The files in ${r.dir}, each with its SHA-256: compare it (<code>sha256sum FILE</code>) before applying the file.</p>
${r.warnings.length === 0 ? null : html`<ul class="warnings">${r.warnings.map((x) => html`<li>${x}</li>`)}</ul>`}
${table(html`id="rules-files"`, ['File', 'Target', num('Bytes'), 'SHA-256', 'Made for', 'How to apply'], rows)}</section>
`;
}

/** The verdict badges, in the picture's colours. */
const STATUS_STYLE = html`${Object.entries(STATUS_COLOURS).map(
  ([s, colour]) => html`.st-${s} { background: ${colour}; }
`,
)}`;

/** Screen and paper: A4, colours kept, rows never split, each site from a new page. */
const STYLE = html`
:root { color: #1f2328; font-family: "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif; font-size: 14px; }
body { margin: 0 auto; max-width: 1140px; padding: 16px 24px; line-height: 1.4; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 20px; border-bottom: 2px solid #d0d7de; padding-bottom: 4px; margin-top: 28px; }
h3 { font-size: 17px; margin: 20px 0 8px; }
h4 { font-size: 15px; margin: 14px 0 6px; }
h5 { font-size: 14px; margin: 10px 0 4px; }
.meta, .small, .legend { color: #57606a; font-size: 0.86em; }
.verdict { font-size: 18px; font-weight: bold; padding: 8px 12px; border-radius: 6px; }
.verdict.good { background: #dafbe1; border-left: 6px solid #1a7f37; }
.verdict.bad { background: #ffebe9; border-left: 6px solid #cf222e; }
.bad { color: #cf222e; font-weight: bold; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 8px 0; }
dl.facts dt { font-weight: bold; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
section.owner { border-left: 4px solid #8c959f; padding-left: 10px; margin: 8px 0; }
ul { padding-left: 20px; margin: 4px 0; }
li { margin: 3px 0; }
.fix { font-weight: bold; }
.affects { color: #57606a; font-size: 0.86em; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; font-size: 0.86em; }
th, td { border: 1px solid #d0d7de; padding: 3px 6px; text-align: left; vertical-align: top; }
thead th { background: #f6f8fa; }
tbody tr:nth-child(even) { background: #fafbfc; }
td.num, th.num { text-align: right; white-space: nowrap; }
td.host, td.detail { overflow-wrap: anywhere; }
td.host { min-width: 15em; }
td.hash { font-family: "DejaVu Sans Mono", monospace; font-size: 0.9em; word-break: break-all; min-width: 12em; }
.badge { color: #ffffff; border-radius: 4px; padding: 1px 5px; font-weight: bold; white-space: nowrap; }
.owner-tag { font-size: 0.86em; color: #57606a; }
.id, code { font-family: "DejaVu Sans Mono", monospace; }
tr.recurs td:first-child { font-weight: bold; }
blockquote { margin: 2px 0 4px 12px; color: #424a53; font-style: italic; }
svg.path-picture { width: 100%; height: auto; font-family: "DejaVu Sans", sans-serif; }
nav ol { columns: 3; }
footer { margin-top: 32px; color: #57606a; font-size: 0.86em; border-top: 1px solid #d0d7de; }
@page { size: A4; margin: 12mm; }
@media print {
  :root { font-size: 10px; }
  body { max-width: none; padding: 0; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  section.site + section.site, #rules { break-before: page; }
  h2, h3, h4, h5 { break-after: avoid; }
  tr, li, svg, dl { break-inside: avoid; }
  nav { display: none; }
}
`;
