// CSV: one row per planned flow, for change-request tickets and spreadsheets. RFC 4180
// (CRLF, quoted where needed, quotes doubled), UTF-8, a header row. A cell a spreadsheet
// would run as a formula (starting with = + - @, tab or CR) is prefixed with ' so it is
// shown, never run: the site name and the catalogue are text, not code.
import type { Flow } from '../planner.js';
import { RenderError, createEngine } from './engine.js';
import { SITE_SPECIFIC } from './words.js';
import { BASENAME, type Target, type TargetFile } from './target.js';

const COLUMNS = ['host', 'protocol', 'port', 'port_stated', 'agents', 'allowed_as', 'vendor_wildcard', 'client_certificate', 'site', 'source'] as const;

/** One cell: formula-neutralised, then quoted when it holds a comma, quote or line break. */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** A row of cells, ended with CRLF as RFC 4180 has it. */
function row(v: unknown): string {
  if (!Array.isArray(v) || !v.every((c) => typeof c === 'string')) throw new RenderError('CSV row: expected a list of texts');
  return `${v.map(csvCell).join(',')}\r\n`;
}

/** Where Canon's documents state the flow: file § section, each once; for a site endpoint,
 *  that the site asks for it, why and who. */
function sources(f: Flow): string {
  if (f.site !== null) return `${SITE_SPECIFIC}: ${f.site.reason}; asked by ${f.site.requestedBy}`;
  return [...new Set(f.provenance.map((c) => `${c.file}: ${c.section.join(' > ')}`))].join('; ');
}

const FILE: TargetFile = { name: `${BASENAME}.csv`, apply: 'attach it to the change request, or open it in a spreadsheet' };

export const csv: Target = {
  id: 'csv',
  title: 'CSV, one row per flow (RFC 4180), for tickets and spreadsheets',
  usesAddresses: false,
  takesWildcards: true,
  options: [],
  files: [FILE],
  render(input, templates) {
    const { plan, rules, exact, site } = input;
    const engine = createEngine('csv', templates, { row });
    const flowOf = new Map(plan.flows.map((f) => [`${f.host}:${f.port}`, f]));
    // The exact rules are the flows the rules keep (the IoT port choice applied).
    const rows = exact.rules.map((r) => {
      const f = flowOf.get(`${r.name}:${r.port}`);
      const wildcard = rules.rules.find((w) => w.kind === 'wildcard' && w.port === r.port && w.hosts.includes(r.name));
      return [
        r.name,
        r.protocol,
        String(r.port),
        r.portStated ? 'stated' : 'assumed',
        r.agents.join(' '),
        wildcard?.name ?? r.name,
        f?.wildcard ?? '',
        r.clientCertificate ? 'yes' : 'no',
        site.label ?? '',
        f ? sources(f) : '',
      ];
    });
    const content = engine.render('flows.csv.hbs', { rows: [[...COLUMNS], ...rows] });
    return {
      files: [{ ...FILE, content }],
      warnings: [],
    };
  },
};
