// Reads the catalogue shipped in data/ (the only file I/O the planner needs).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Catalogue, CatalogueError, parseCatalogue } from '../core/catalogue.js';

/** data/catalogue.json, found from this module both in src/ (tests) and dist/ (built). */
export const CATALOGUE_PATH = fileURLToPath(new URL('../../data/catalogue.json', import.meta.url));

let cached: Catalogue | undefined;

/** Loads and validates the catalogue once per process. */
export function loadCatalogue(path: string = CATALOGUE_PATH): Catalogue {
  if (path === CATALOGUE_PATH && cached) return cached;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new CatalogueError(`cannot read catalogue ${path}: ${(err as Error).message}`);
  }
  const catalogue = parseCatalogue(json);
  if (path === CATALOGUE_PATH) cached = catalogue;
  return catalogue;
}
