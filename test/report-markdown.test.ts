// The Markdown report read by a real Markdown implementation: cmark-gfm (Debian cmark-gfm),
// GitHub's own, with its table, autolink and strikethrough extensions and --unsafe (raw HTML
// let through, as wikis that allow it do). The same headings as the HTML report, one table
// row per flow, and hostile text (markup, table pipes, emphasis, links, list markers) read
// back as the very text, with no element made of it.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { summarise } from '../src/core/check/summary.js';
import { type ReportRun, reportModel } from '../src/core/report/model.js';
import { reportHtml } from '../src/core/report/render-html.js';
import { reportMarkdown } from '../src/core/report/render-md.js';
import { type SavedRun, parseSavedRun } from '../src/core/saved-run.js';
import { ENDPOINT_LIMITS } from '../src/core/site-endpoints.js';
import { catalogue } from './helpers/catalogue.js';
import { htmlCount, htmlTexts, htmlXpath } from './helpers/html-dom.js';
import { requireSystem } from './helpers/system.js';

const ok = requireSystem('the Markdown report read by cmark-gfm', ['cmark-gfm', 'xmllint']);
const FIXTURES = fileURLToPath(new URL('./fixtures/report/', import.meta.url));
const TOOL = { name: 'emaint-egress', version: 'TEST' };
const AT = '2026-11-21T09:00:00.000Z';

function fixture(name: string): SavedRun {
  return parseSavedRun(JSON.parse(readFileSync(`${FIXTURES}${name}.json`, 'utf8')));
}

/** Markdown to HTML as GitHub renders it (and with raw HTML let through), in a page. */
function cmark(markdown: string): string {
  const r = spawnSync('cmark-gfm', ['--unsafe', '-e', 'table', '-e', 'autolink', '-e', 'strikethrough'], { input: markdown, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cmark-gfm: ${r.stderr}`);
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>md</title></head><body>${r.stdout}</body></html>`;
}

function both(runs: ReportRun[], since: ReportRun | null = null): { html: string; md: string } {
  const model = reportModel({ tool: TOOL, generatedAt: AT, catalogue, runs, since, rules: null });
  return { html: reportHtml(model), md: cmark(reportMarkdown(model)) };
}

/** Text a site, an issuer, a PAC answer or a machine could carry, made to break Markdown and HTML. */
const HOSTILE = [
  '- [click](javascript:alert(1)) | *bold* _em_ `code` ~~gone~~ <b onclick=x>&amp; #1',
  '1. www.evil.example <img src=x onerror=alert(2)> \\| \\\\ ]]> | |',
];

describe.skipIf(!ok)('the Markdown report, rendered by cmark-gfm', () => {
  it('has the HTML report’s headings, one row per flow in the path and flow tables, and the fleet’s', () => {
    for (const [runs, since] of [
      [[{ file: 'customer.json', run: fixture('customer') }], { file: 'earlier.json', run: fixture('earlier') }],
      [
        [
          { file: 'customer.json', run: fixture('customer') },
          { file: 'eindhoven.json', run: fixture('eindhoven') },
          { file: 'reference.json', run: fixture('reference') },
        ],
        null,
      ],
    ] as const) {
      const { html, md } = both([...runs], since);
      const headings = '//h1|//h2|//h3|//h4|//h5';
      expect(htmlTexts(md, headings)).toEqual(htmlTexts(html, headings));
      const flows = runs.reduce((n, r) => n + r.run.flows.length, 0);
      // The picture's table ends with the verdict; the flow table has port and verdict columns.
      expect(htmlCount(md, '//table[thead/tr/th[last()]="Verdict"]/tbody/tr')).toBe(flows);
      expect(htmlCount(md, '//table[thead/tr/th[2]="Port" and thead/tr/th[4]="Verdict"]/tbody/tr')).toBe(flows);
      expect(htmlCount(md, '//script|//img|//a|//@*[starts-with(name(),"on")]')).toBe(0);
    }
  });

  it('hostile text in every free field reads back as the very text: no link, emphasis, code, cell or element made of it', () => {
    const run = fixture('hostile');
    const [a, b] = HOSTILE as [string, string];
    const doc = run.profile?.document as Record<string, unknown>;
    doc['site'] = a;
    run.checkedFrom = b;
    run.resolver = a;
    run.notes = [a, b];
    const flow = run.flows.find((f) => f.port === 8883);
    if (flow === undefined || flow.tls === null) throw new Error('the hostile fixture has no TLS flow on 8883');
    Object.assign(flow, { issuer: b, tls: { ...flow.tls, issuer: b } });
    // The site endpoint's reason and requester, as long as a profile lets them be.
    const request = { reason: a.slice(0, ENDPOINT_LIMITS.reason), requestedBy: b.slice(0, ENDPOINT_LIMITS.requestedBy) };
    run.endpoints = run.endpoints.map((e) => ({ ...e, ...request }));
    for (const f of run.flows) if (f.site !== undefined) f.site = { ...request };
    run.summary = summarise(run.flows);
    const { md, html } = both([{ file: `${b}.json`, run }]);
    expect(htmlCount(md, '//script|//img|//a|//em|//strong[contains(.,"bold")]|//code[.="code"]|//del|//b|//@*[starts-with(name(),"on")]')).toBe(0);
    expect(htmlXpath(md, 'string(//h1)')).toBe(`eMaintenance egress report: ${a}`);
    expect(htmlXpath(md, 'string(//h2)')).toBe(a);
    // The facts table still has two columns, the value whole.
    expect(htmlCount(md, '(//table)[1]/tbody/tr[td[1]="Site"]/td')).toBe(2);
    expect(htmlXpath(md, 'string((//table)[1]/tbody/tr[td[1]="Site"]/td[2])')).toBe(a);
    expect(htmlXpath(md, 'string((//table)[1]/tbody/tr[td[1]="Resolver"]/td[2])')).toBe(a);
    expect(htmlXpath(md, 'string((//table)[1]/tbody/tr[td[1]="Run file"]/td[2])')).toBe(`${b}.json`);
    const flows = '//table[thead/tr/th[2]="Port" and thead/tr/th[4]="Verdict"]/tbody/tr';
    expect(htmlCount(md, `${flows}/td`)).toBe(run.flows.length * 11);
    const row = run.flows.indexOf(flow) + 1;
    expect(htmlXpath(md, `string((${flows})[${row}]/td[9])`)).toBe(`${b} (${flow.tls.version})`);
    // The site flows' "needed by" is the endpoint's reason and requester, whole, in both formats.
    const siteRows = run.flows.flatMap((f, i) => (f.site === undefined ? [] : [i + 1]));
    expect(siteRows).toHaveLength(2);
    const neededBy = `site: ${request.reason} (asked by ${request.requestedBy})`;
    for (const i of siteRows) expect(htmlXpath(md, `string((${flows})[${i}]/td[3])`)).toBe(neededBy);
    expect(neededBy).not.toContain('"');
    expect(htmlCount(html, `//td[.="${neededBy}"]`)).toBeGreaterThanOrEqual(2);
    expect(htmlCount(html, '//script|//img|//a|//b|//@*[starts-with(name(),"on")]')).toBe(0);
    // A note that begins like a list marker ("- ", "1. ") stays one item of text.
    expect(htmlTexts(md, '//h4[.="Notes"]/following-sibling::ul[1]/li')).toEqual([a, b]);
    expect(htmlCount(md, '//ol|//ul/li/ul')).toBe(0);
  });
});
