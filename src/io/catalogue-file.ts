// Reads and validates a catalogue file: the shipped one (data/catalogue.json, or the
// executable's embedded copy), or a newer or regional file of the same schema that the user
// names (--catalogue). See shipped-catalogue.ts for the start-up path that does without the
// validator when the shipped file is the one the build validated.
import { readFileSync } from 'node:fs';
import { type Catalogue, parseCatalogue } from '../core/catalogue.js';
import { CatalogueError } from '../core/errors.js';
import { readJsonDocument } from './json-file.js';
import { shippedCataloguePlace, shippedText } from './shipped.js';

/** A catalogue is a few hundred KiB at most; anything larger is not one. */
const MAX_BYTES = 4 * 1024 * 1024;

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

/**
 * A catalogue file the user names, validated exactly as the shipped one. The messages do not
 * repeat the path (the caller names it) and never quote the file's text.
 */
export function readCatalogueFile(path: string): Catalogue {
  const json = readJsonDocument(path, {
    where: '',
    maxBytes: MAX_BYTES,
    tooLarge: '; a catalogue is a small JSON file',
    error: (m) => new CatalogueError(m),
  });
  return parseCatalogue(json);
}
