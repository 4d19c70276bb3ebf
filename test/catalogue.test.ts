import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CatalogueError, compareVersions, parseCatalogue } from '../src/core/catalogue.js';
import { loadCatalogue } from '../src/io/catalogue-file.js';
import { catalogue, catalogueJson, newerCatalogueJson } from './helpers/catalogue.js';

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
    [
      'a host of an agent listed again by its option',
      (c: Json) => c.agents.find((a: Json) => a.options).options[0].endpoints.push(c.agents.find((a: Json) => a.options).endpoints[0]),
      /duplicate host of agent erds '/,
    ],
    ['a port listed twice for one host', (c: Json) => (c.agents[0].endpoints[0].ports = [443, 443]), /duplicate port of [a-z0-9.-]+ '443'/],
    ['a source id listed twice', (c: Json) => c.sources.push({ ...c.sources[0], file: 'other.md' }), /duplicate source id 'emaint-security'/],
    ['facts for a host no agent uses', (c: Json) => (c.hosts[0].host = 'unused.example.org'), /used by no agent/],
    ['a malformed wildcard', (c: Json) => (c.wildcards.patterns[0].pattern = 'srv.ygles.com'), /\*\.<domain>/],
    ['no change log', (c: Json) => delete c.changes, /at changes: /],
    ['a change log whose newest entry is another version', (c: Json) => (c.version = '1.0.1'), /the newest entry is 1\.0\.0, not this version 1\.0\.1/],
    [
      'a change log oldest first',
      (c: Json) => c.changes.push({ ...c.changes[0], version: '1.0.1', added: [] }),
      /1\.0\.0 comes before 1\.0\.1; list the newest first/,
    ],
    ['a change citing an unknown document', (c: Json) => (c.changes[0].sources = ['nowhere']), /changes 1\.0\.0 cites unknown source 'nowhere'/],
    ['a host the change log never adds', (c: Json) => c.changes[0].added.pop(), /no version adds dcf-ec1\.srv\.ygles\.com, which the agents name/],
    ['a host added twice', (c: Json) => c.changes[0].added.push('rgt.srv.ygles.com'), /adds rgt\.srv\.ygles\.com, which an earlier version added already/],
    [
      'a removal of a host never added',
      (c: Json) => {
        c.version = '1.0.1';
        c.changes.unshift({ ...c.changes[0], version: '1.0.1', added: [], removed: ['gone.srv.ygles.com'] });
      },
      /changes 1\.0\.1 removes gone\.srv\.ygles\.com, which no earlier version added/,
    ],
    [
      'a change log host no agent names',
      (c: Json) => c.changes[0].added.push('extra.srv.ygles.com'),
      /extra\.srv\.ygles\.com is added and never removed, but no agent names it/,
    ],
    ['a change without a date', (c: Json) => (c.changes[0].date = 'yesterday'), /changes\.0\.date: must be a date YYYY-MM-DD/],
  ])('rejects %s', (_what, edit, message) => {
    const parse = broken(edit);
    expect(parse).toThrow(CatalogueError);
    expect(parse).toThrow(message);
  });

  it('accepts a newer catalogue whose change log adds its new host, and names the documents of the first version', () => {
    const newer = parseCatalogue(newerCatalogueJson());
    expect(newer.version).toBe('1.1.0');
    expect(newer.changes.map((c) => c.version)).toEqual(['1.1.0', '1.0.0']);
    expect(catalogue.changes).toHaveLength(1);
    expect(catalogue.changes[0]).toMatchObject({ version: catalogue.version, sources: catalogue.sources.map((s) => s.id), removed: [] });
  });

  it('compares versions part by part, as numbers', () => {
    expect(compareVersions('1.10.0', '1.9.9')).toBe(1);
    expect(compareVersions('1.0.0', '1.0.0')).toBe(0);
    expect(compareVersions('0.9.12', '1.0.0')).toBe(-1);
  });

  it('reports an unreadable or non-JSON file as a catalogue error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'emaint-cat-'));
    const file = join(dir, 'catalogue.json');
    writeFileSync(file, '{ not json');
    expect(() => loadCatalogue(file)).toThrow(/cannot read catalogue/);
    expect(() => loadCatalogue(join(dir, 'missing.json'))).toThrow(/cannot read catalogue/);
  });
});
