// Every host and port in the catalogue must stand, verbatim, in the section of the
// seed document it cites. Needs ../shared/seeds (see test/helpers/seeds.ts).
import { describe, expect, it } from 'vitest';
import type { Cite } from '../src/core/catalogue.js';
import { catalogue } from './helpers/catalogue.js';
import { SEEDS_DIR, fold, inCI, readSeed, seedsPresent } from './helpers/seeds.js';

if (!seedsPresent) {
  const reason = `seed provenance tests skipped: ${SEEDS_DIR} not found (it is beside the project in CI)`;
  if (inCI) throw new Error(`${reason}, and CI=true requires it`);
  console.warn(reason);
}

const files = new Map(catalogue.sources.map((s) => [s.id, s.file]));
const text = new Map(seedsPresent ? catalogue.sources.map((s) => [s.id, fold(readSeed(s.file))]) : []);

/** Offset where a section opens: each anchor is looked for after the one before. */
function sectionStart(source: string, section: readonly string[]): number {
  const doc = text.get(source) ?? '';
  let at = 0;
  for (const anchor of section) {
    const i = doc.indexOf(fold(anchor), at);
    if (i < 0) return -1;
    at = i;
  }
  return at;
}

// Every section the catalogue cites; a section runs to the next one that opens after it.
const cites: (Cite & { what: string })[] = [
  { ...catalogue.hosting.cite, what: 'hosting' },
  { source: catalogue.wildcards.source, section: catalogue.wildcards.section, quote: catalogue.wildcards.quote, what: 'wildcards' },
  ...catalogue.wildcards.patterns.map((w) => ({ source: catalogue.wildcards.source, section: catalogue.wildcards.section, quote: w.quote, what: w.pattern })),
  ...catalogue.agents.flatMap((a) => [
    ...a.describedBy.map((c) => ({ ...c, what: `${a.id} description` })),
    ...[...a.endpoints, ...(a.options ?? []).flatMap((o) => o.endpoints)].map((e) => ({
      source: a.source,
      section: a.section,
      quote: e.quote,
      what: `${a.id} ${e.host}`,
    })),
  ]),
  ...catalogue.lan.map((l) => ({ source: l.source, section: l.section, quote: l.quote, what: `lan ${l.id}` })),
];

// Where every cited section opens, per source, found once.
const starts = new Map<string, number[]>();
for (const c of cites) starts.set(c.source, [...(starts.get(c.source) ?? []), sectionStart(c.source, c.section)]);

function sectionText(source: string, section: readonly string[]): string {
  const start = sectionStart(source, section);
  const end = Math.min(...(starts.get(source) ?? []).filter((s) => s > start), Number.MAX_SAFE_INTEGER);
  return (text.get(source) ?? '').slice(start, end);
}

describe.skipIf(!seedsPresent)('catalogue provenance in the seed documents', () => {
  it('cites only seed files that exist', () => {
    for (const file of files.values()) expect(readSeed(file).length).toBeGreaterThan(0);
  });

  it.each(cites.map((c) => [c.what, c] as const))('%s: its section opens in the seed and holds the quote', (_what, c) => {
    expect(sectionStart(c.source, c.section), `section ${c.section.join(' › ')}`).toBeGreaterThanOrEqual(0);
    expect(sectionText(c.source, c.section)).toContain(fold(c.quote));
  });

  it('every endpoint host and stated port stands verbatim in its quote', () => {
    for (const a of catalogue.agents) {
      for (const e of [...a.endpoints, ...(a.options ?? []).flatMap((o) => o.endpoints)]) {
        expect(e.quote).toContain(e.host);
        for (const port of e.ports ?? []) expect(e.quote, `${a.id} ${e.host}`).toContain(`poort ${port}`);
      }
    }
  });

  it('a host named without a port has no port next to it anywhere in its section', () => {
    // Guards the "443 assumed" marking: if the section does give a port, the catalogue must state it.
    for (const a of catalogue.agents) {
      const section = sectionText(a.source, a.section);
      for (const e of a.endpoints.filter((x) => x.ports === undefined)) {
        expect(section, `${a.id} ${e.host}`).not.toContain(`${e.host}: poort`);
      }
    }
  });

  it('every LAN port and protocol stands verbatim in its quote', () => {
    for (const l of catalogue.lan) {
      const port = new RegExp(`(^|[^0-9])${l.port}($|[^0-9])`);
      expect(l.quote, l.id).toMatch(port);
      if (l.protocolStated !== false) expect(l.quote.toUpperCase(), l.id).toContain(l.protocol.toUpperCase());
    }
  });

  it('every vendor wildcard matches its quote, but for the blank the text conversion inserts', () => {
    for (const w of catalogue.wildcards.patterns) expect(w.quote.replace(/\s+/g, '')).toBe(w.pattern);
  });
});
