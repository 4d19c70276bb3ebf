// The CSV target: one row per flow the rules keep, RFC 4180 as a real parser (csv-parse)
// reads it, and no cell a spreadsheet would run as a formula.
import { parse as parseCsv } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvCell } from '../src/core/render/csv.js';
import { plan } from '../src/core/planner.js';
import { catalogue } from './helpers/catalogue.js';
import { cli } from './helpers/cli.js';

async function csvOf(...args: string[]): Promise<string[][]> {
  const r = await cli('render', '--target', 'csv', ...args);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout.endsWith('\r\n')).toBe(true);
  expect(r.stdout.replace(/\r\n/g, '')).not.toMatch(/\n/);
  return parseCsv(r.stdout, { record_delimiter: '\r\n' }) as string[][];
}

describe('csv', () => {
  it('has a header and one row per planned flow, with the agents, the port stated or assumed and the source', async () => {
    const [head, ...rows] = await csvOf('--agents', 'all', '--cca-activation');
    expect(head).toEqual(['host', 'protocol', 'port', 'port_stated', 'agents', 'allowed_as', 'vendor_wildcard', 'client_certificate', 'site', 'source']);
    const p = plan(catalogue, { agents: catalogue.agents.map((a) => a.id), options: ['cca-activation'] });
    expect(rows.map((r) => `${r[0]}:${r[2]}`).sort()).toEqual(p.flows.map((f) => `${f.host}:${f.port}`).sort());
    for (const f of p.flows) {
      const r = rows.find((x) => x[0] === f.host && x[2] === String(f.port));
      expect(r?.[3]).toBe(f.portStated ? 'stated' : 'assumed');
      expect(r?.[4]).toBe(f.agents.join(' '));
      expect(r?.[7]).toBe(f.clientCertificate ? 'yes' : 'no');
      expect(r?.[9]).toContain('000_57f108dee08cf570.txt: ');
    }
  });

  it('follows the IoT port choice and, in wildcard mode, says which wildcard allows each host', async () => {
    const only443 = (await csvOf('--agents', 'cca', '--iot-port', '443')).slice(1);
    expect(only443.some((r) => r[2] === '8883')).toBe(false);
    const wild = (await csvOf('--agents', 'cca', '--mode', 'wildcard')).slice(1);
    expect(wild.find((r) => r[0] === 'camapi.srv.ygles.com')?.[5]).toBe('*.srv.ygles.com');
  });

  it('neutralises formulas and quotes what needs quoting', async () => {
    expect(csvCell("=cmd|' /C calc'!A0")).toBe("'=cmd|' /C calc'!A0");
    for (const c of ['+1', '-1', '@SUM(A1)', '\tx', '\rx']) expect(csvCell(c).replace(/^"/, '').startsWith("'")).toBe(true);
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    const rows = (await csvOf('--agents', 'rdms', '--site', '=HYPERLINK("http://x.example","ACME, HQ")')).slice(1);
    for (const r of rows) expect(r[8]).toBe('\'=HYPERLINK("http://x.example","ACME, HQ")');
  });
});
