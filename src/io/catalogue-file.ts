// Reads the catalogue: the one shipped in data/ (the only file I/O the planner needs), or a
// newer or regional file of the same schema that the user names (--catalogue).
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Catalogue, CatalogueError, parseCatalogue } from '../core/catalogue.js';

/** data/catalogue.json, found from this module both in src/ (tests) and dist/ (built). */
export const CATALOGUE_PATH = fileURLToPath(new URL('../../data/catalogue.json', import.meta.url));

/** A catalogue is a few hundred KiB at most; anything larger is not one. */
const MAX_BYTES = 4 * 1024 * 1024;

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

/**
 * A catalogue file the user names, validated exactly as the shipped one. The messages do not
 * repeat the path (the caller names it) and never quote the file's text.
 */
export function readCatalogueFile(path: string): Catalogue {
  let text: string;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new CatalogueError('is not a file');
    if (st.size > MAX_BYTES) throw new CatalogueError('is larger than 4 MiB; a catalogue is a small JSON file');
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof CatalogueError) throw err;
    throw new CatalogueError(`cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    const at = /position (\d+)/.exec((err as Error).message)?.[1];
    throw new CatalogueError(`is not valid JSON${at === undefined ? '' : ` (at character ${Number(at) + 1})`}`);
  }
  return parseCatalogue(json);
}
