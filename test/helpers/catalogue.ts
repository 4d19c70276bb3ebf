import { loadCatalogue } from '../../src/io/catalogue-file.js';

export const catalogue = loadCatalogue();

/** A deep copy of the shipped catalogue's JSON, for tests that break it on purpose. */
export function catalogueJson(): Record<string, unknown> {
  return JSON.parse(JSON.stringify(catalogue)) as Record<string, unknown>;
}

/** The JSON of a newer catalogue: version 1.1.0, with one more host for an agent (CCA unless
 *  told) and the change-log entry that adds it (for --catalogue and diff across versions). */
export function newerCatalogueJson(host = 'hbp2-ec1l.srv.ygles.com', agent = 'cca'): Record<string, unknown> {
  // biome-ignore lint/suspicious/noExplicitAny: edits the catalogue's JSON as a maintainer would
  const c = catalogueJson() as Record<string, any>;
  c['version'] = '1.1.0';
  c['agents'].find((a: { id: string }) => a.id === agent).endpoints.push({ host, ports: [443], quote: `${host}: poort 443` });
  c['changes'].unshift({
    version: '1.1.0',
    date: '2026-12-01',
    summary: `One more ${agent} host, ${host}`,
    sources: ['emaint-security'],
    added: [host],
    removed: [],
  });
  return c;
}
