// The HTML report in a real browser: headless Chromium in a network namespace with no
// interface up loads it from the file, with its net log on. The page asks for nothing, needs
// no script (the DOM after loading has the file's structure), draws its colours, and prints
// to PDF pages that pdftoppm renders with ink on them. Its Content-Security-Policy is proved
// to work: markup slipped into a copy neither loads nor runs. The reports come from the saved
// runs in test/fixtures/report/ (real checks, see report-site.test.ts).
//
// UPDATE_SCREENSHOT=1 writes the README's screenshot, test/fixtures/report.png.
import { copyFileSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATUS_COLOURS } from '../src/core/report/path-svg.js';
import { summarise } from '../src/core/check/summary.js';
import type { SavedRun } from '../src/core/saved-run.js';
import { OfflineChromium } from './helpers/chromium.js';
import { cli } from './helpers/cli.js';
import { htmlCount, htmlTexts, htmlXpath } from './helpers/html-dom.js';
import { colourCount, inkShare, readPng } from './helpers/png.js';
import { requireSystem } from './helpers/system.js';
import { tempDirs } from './helpers/tmp.js';

const ok = requireSystem('the report in headless Chromium', ['chromium', 'pdftoppm', 'xmllint', 'ip'], { netns: true });

const FIXTURES = fileURLToPath(new URL('./fixtures/report/', import.meta.url));
const SCREENSHOT = fileURLToPath(new URL('../test/fixtures/report.png', import.meta.url));
const fixture = (name: string) => join(FIXTURES, `${name}.json`);
const tmp = tempDirs('ee-report-browser-');
/** Markup where a certificate issuer and the machine's name go, as a hostile network could send them. */
const HOSTILE_ISSUER = `</td></tr></table><script>document.title="owned"</script><svg onload=alert(3)><img src="http://192.0.2.1/i.png">`;

describe.skipIf(!ok)('the HTML report in headless Chromium, offline', () => {
  let browser: OfflineChromium;
  const dir = tmp();
  const file = (name: string) => join(dir, name);
  const customer = JSON.parse(readFileSync(fixture('customer'), 'utf8')) as SavedRun;

  beforeAll(async () => {
    browser = new OfflineChromium();
    expect((await cli('render', '--agents', 'cca,cdca-v2', '--target', 'iptables', '--out', file('rules'))).code).toBe(0);
    const report = await cli('report', '--run', fixture('customer'), '--since', fixture('earlier'), '--rules', file('rules'), '--out', file('report.html'));
    expect(report.code).toBe(0);
    const fleet = await cli('report', '--run', fixture('customer'), '--run', fixture('eindhoven'), '--run', fixture('reference'), '--out', file('fleet.html'));
    expect(fleet.code).toBe(0);
    // The real hostile run (site name, PAC answer), with a hostile issuer and machine name too.
    const hostile = JSON.parse(readFileSync(fixture('hostile'), 'utf8')) as SavedRun;
    const iot = hostile.flows.find((f) => f.port === 8883);
    if (iot?.tls === null || iot === undefined) throw new Error('the hostile fixture has no TLS flow on 8883');
    Object.assign(iot, { issuer: HOSTILE_ISSUER, tls: { ...iot.tls, issuer: HOSTILE_ISSUER } });
    hostile.checkedFrom = '<b onmouseover=alert(5)>pc</b>';
    hostile.summary = summarise(hostile.flows);
    writeFileSync(file('hostile.json'), JSON.stringify(hostile));
    expect((await cli('report', '--run', file('hostile.json'), '--out', file('hostile.html'))).code).toBe(0);
  }, 60_000);
  afterAll(() => browser?.close());

  it('loads with no request and no script: the DOM after loading has the file’s sections, rows and picture', () => {
    const html = readFileSync(file('report.html'), 'utf8');
    const { dom, pageRequests } = browser.load(file('report.html'));
    expect(pageRequests).toEqual([]);
    expect(htmlCount(html, '//script|//link|//img|//iframe|//object|//@*[starts-with(name(),"on")]')).toBe(0);
    expect(htmlXpath(dom, 'string(//head/meta[@http-equiv="Content-Security-Policy"]/@content)')).toBe(
      "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
    );
    const headings = '//h1|//h2|//h3|//h4|//h5';
    expect(htmlTexts(dom, headings)).toEqual(htmlTexts(html, headings));
    expect(htmlTexts(dom, '//section[@class="site"]/section/h3')).toEqual([
      'Summary',
      expect.stringMatching(/^What changed since /),
      'Path',
      'Flows',
      'Allow-list',
      'Provenance',
    ]);
    for (const rows of [
      '//table[@class="flow-table"]/tbody/tr',
      '//svg//*[@class="flow"]',
      '//table[@class="provenance-table"]/tbody/tr',
      '//table[@class="allow-exact"]/tbody/tr',
    ])
      expect([rows, htmlCount(dom, rows)]).toEqual([rows, customer.flows.length]);
    expect(htmlCount(dom, '//table[@id="rules-files"]/tbody/tr')).toBe(readdirSync(file('rules')).length);
    expect(htmlCount(dom, '//*')).toBe(htmlCount(html, '//*'));
  });

  it('the net log sees a page’s request, so its silence means something; the CSP stops what markup in a copy asks for', () => {
    const bare = file('bare.html');
    writeFileSync(bare, '<!DOCTYPE html><html><head><title>no policy</title></head><body><img src="http://192.0.2.1/x.png"></body></html>');
    expect(browser.load(bare).pageRequests).toEqual(['http://192.0.2.1/x.png']);
    // The report with markup slipped in, as if escaping had failed: nothing loads, nothing runs.
    const injected = file('injected.html');
    writeFileSync(
      injected,
      readFileSync(file('report.html'), 'utf8').replace(
        '</h1>',
        '</h1><img src="http://192.0.2.1/y.png"><script>document.title = "ran"</script><link rel="stylesheet" href="http://192.0.2.1/z.css">',
      ),
    );
    const { dom, pageRequests } = browser.load(injected);
    expect(pageRequests).toEqual([]);
    expect(htmlXpath(dom, 'string(//title)')).toBe('eMaintenance egress report: ACME Utrecht');
  });

  it('hostile text stays text: the issuer, site name, PAC answer and machine name make no element, and read back whole', () => {
    const { dom, pageRequests } = browser.load(file('hostile.html'));
    expect(pageRequests).toEqual([]);
    expect(htmlCount(dom, '//script|//img|//link|//iframe|//@*[starts-with(name(),"on")]')).toBe(0);
    expect(htmlCount(dom, '//svg')).toBe(1);
    const hostile = JSON.parse(readFileSync(file('hostile.json'), 'utf8')) as SavedRun;
    expect(htmlCount(dom, '//table[@class="flow-table"]/tbody/tr')).toBe(hostile.flows.length);
    const row = hostile.flows.findIndex((f) => f.port === 8883) + 1;
    expect(htmlXpath(dom, `string((//table[@class="flow-table"]/tbody/tr)[${row}]/td[8]/text()[1])`)).toBe(HOSTILE_ISSUER);
    const site = String(hostile.profile?.document['site']);
    expect(htmlXpath(dom, 'string(//title)')).toBe(`eMaintenance egress report: ${site}`);
    expect(htmlXpath(dom, 'string(//h2)')).toBe(site);
    expect(htmlXpath(dom, 'string(//dl[@class="facts"]/dd[2])')).toContain('from <b onmouseover=alert(5)>pc</b>');
    const pac = hostile.flows.find((f) => f.status === 'proxy-error')?.detail ?? 'missing';
    expect(htmlTexts(dom, '//table[@class="flow-table"]/tbody/tr/td[10]/text()[1]')).toContain(pac);
  });

  it('a screenshot shows the report: ink on the page, and the verdict colours of the picture and badges', async () => {
    const png = file('report.png');
    browser.screenshot(file('report.html'), png, { width: 1200, height: 3600 });
    const img = readPng(readFileSync(png));
    expect([img.width, img.height]).toEqual([1200, 3600]);
    expect(inkShare(img)).toBeGreaterThan(0.03);
    // The verdict box and the path's lines are drawn in the verdict colours (CSS and SVG both applied).
    for (const status of ['ok', 'timeout', 'tls-untrusted'] as const) expect([status, colourCount(img, STATUS_COLOURS[status]) > 200]).toEqual([status, true]);
    if (process.env['UPDATE_SCREENSHOT']) {
      mkdirSync(join(SCREENSHOT, '..'), { recursive: true });
      // The summary and the picture: the report of the one run, without what changed.
      expect((await cli('report', '--run', 'test/fixtures/report/customer.json', '--out', file('readme.html'))).code).toBe(0);
      const small = file('small.png');
      browser.screenshot(file('readme.html'), small, { width: 1200, height: 1460 }, 0.75);
      copyFileSync(small, SCREENSHOT);
    }
    // The README's screenshot is the test tooling's, and small.
    expect(statSync(SCREENSHOT).size).toBeLessThan(200 * 1024);
    expect(readPng(readFileSync(SCREENSHOT)).width).toBe(900);
  });

  it('prints to PDF: A4 pages that pdftoppm renders, none blank, a site per page in the fleet report', () => {
    for (const name of ['report', 'fleet']) {
      const pdf = file(`${name}.pdf`);
      browser.printToPdf(file(`${name}.html`), pdf);
      const r = spawnSync('pdftoppm', ['-png', '-r', '30', pdf, file(`${name}-page`)], { encoding: 'utf8' });
      expect(r.status).toBe(0);
      const pages = readdirSync(dir)
        .filter((n) => n.startsWith(`${name}-page`))
        .sort();
      expect(pages.length).toBeGreaterThan(name === 'fleet' ? 3 : 1);
      for (const page of pages) {
        const img = readPng(readFileSync(file(page)));
        // A4 portrait at 30 dpi: 248 x 351 pixels.
        expect([page, img.width, img.height]).toEqual([page, 248, 351]);
        expect([page, inkShare(img) > 0.005]).toEqual([page, true]);
      }
      const info = spawnSync('pdfinfo', [pdf], { encoding: 'utf8' });
      if (info.status === 0) expect(info.stdout).toMatch(/Page size: .* pts \(A4\)/);
    }
  });
});
