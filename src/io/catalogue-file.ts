// Reads and validates a catalogue file: the shipped one (data/catalogue.json, or the
// executable's embedded copy) or another (tests). See shipped-catalogue.ts for the start-up
// path that does without the validator when the shipped file is the one the build validated.
import { readFileSync } from 'node:fs';
import { type Catalogue, parseCatalogue } from '../core/catalogue.js';
import { CatalogueError } from '../core/errors.js';
import { shippedCataloguePlace, shippedText } from './shipped.js';

let cached: Catalogue | undefined;

/** Loads and validates the catalogue (the shipped one once per process). */
export function loadCatalogue(path?: string): Catalogue {
  if (path === undefined && cached) return cached;
  let json: unknown;
  try {
    json = JSON.parse(path === undefined ? shippedText('data/catalogue.json') : readFileSync(path, 'utf8'));
  } catch (err) {
    throw new CatalogueError(`cannot read catalogue ${path ?? shippedCataloguePlace()}: ${(err as Error).message}`);
  }
  const catalogue = parseCatalogue(json);
  if (path === undefined) cached = catalogue;
  return catalogue;
}
