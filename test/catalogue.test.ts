import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CatalogueError, parseCatalogue } from '../src/core/catalogue.js';
import { loadCatalogue } from '../src/io/catalogue-file.js';
import { catalogue, catalogueJson } from './helpers/catalogue.js';

// biome-ignore lint/suspicious/noExplicitAny: the tests break the catalogue's JSON on purpose, field by field
type Json = Record<string, any>;

function broken(edit: (c: Json) => void): () => unknown {
  const c = catalogueJson() as Json;
  edit(c);
  return () => parseCatalogue(c);
}

describe('catalogue validation', () => {
  it('accepts the shipped catalogue', () => {
    expect(parseCatalogue(catalogueJson()).version).toBe(catalogue.version);
  });

  it.each([
    ['a wildcard host', (c: Json) => (c.agents[0].endpoints[0].host = '*.srv.ygles.com'), /agents\.0\.endpoints\.0\.host/],
    ['an upper-case host', (c: Json) => (c.agents[0].endpoints[0].host = 'RGT.srv.ygles.com'), /lower-case DNS name/],
    ['a host with a quote', (c: Json) => (c.agents[0].endpoints[0].host = 'a"b.srv.ygles.com'), /lower-case DNS name/],
    ['port 0', (c: Json) => (c.agents[0].endpoints[0].ports = [0]), /ports/],
    ['port 65536', (c: Json) => (c.agents[0].endpoints[0].ports = [65536]), /ports/],
    ['an unknown field', (c: Json) => (c.agents[0].colour = 'red'), /colour/],
    ['a duplicate agent id', (c: Json) => (c.agents[1].id = 'cca'), /duplicate agent id 'cca'/],
    ['an unknown source', (c: Json) => (c.agents[2].source = 'nowhere'), /unknown source 'nowhere'/],
    ['a quote that does not name the host', (c: Json) => (c.agents[0].endpoints[0].quote = 'poort 443'), /does not name the host/],
    ['a LAN flow for an unknown agent', (c: Json) => (c.lan[4].agents = ['cdca-v9']), /unknown agent 'cdca-v9'/],
    ['a host listed twice for one agent', (c: Json) => c.agents[0].endpoints.push(c.agents[0].endpoints[0]), /duplicate host/],
    ['facts for a host no agent uses', (c: Json) => (c.hosts[0].host = 'unused.example.org'), /used by no agent/],
    ['a malformed wildcard', (c: Json) => (c.wildcards.patterns[0].pattern = 'srv.ygles.com'), /\*\.<domain>/],
  ])('rejects %s', (_what, edit, message) => {
    const parse = broken(edit);
    expect(parse).toThrow(CatalogueError);
    expect(parse).toThrow(message);
  });

  it('reports an unreadable or non-JSON file as a catalogue error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'emaint-cat-'));
    const file = join(dir, 'catalogue.json');
    writeFileSync(file, '{ not json');
    expect(() => loadCatalogue(file)).toThrow(/cannot read catalogue/);
    expect(() => loadCatalogue(join(dir, 'missing.json'))).toThrow(/cannot read catalogue/);
  });
});
