// The catalogue at start-up. The shipped file is validated when the tool is built (`npm run
// build` records its SHA-256 in dist/catalogue.sha256; `npm run package` embeds both): when it
// still has that digest it is used as it is, without loading the validator (zod, about half
// of Node's own start-up time). Any other file, and a shipped one changed since the build, is
// validated in full (catalogue-file.ts).
import { createHash } from 'node:crypto';
import type { Catalogue } from '../core/catalogue.js';
import { CatalogueError } from '../core/errors.js';
import { shippedCataloguePlace, shippedText, validatedCatalogueDigest } from './shipped.js';

/** The catalogue at `path`, or the shipped one. */
export async function readCatalogue(path?: string): Promise<Catalogue> {
  if (path === undefined) {
    const known = validatedCatalogueDigest();
    if (known !== null) {
      let text: string;
      try {
        text = shippedText('data/catalogue.json');
      } catch (err) {
        throw new CatalogueError(`cannot read catalogue ${shippedCataloguePlace()}: ${(err as Error).message}`);
      }
      if (catalogueDigest(text) === known) return JSON.parse(text) as Catalogue;
    }
  }
  return (await import('./catalogue-file.js')).loadCatalogue(path);
}

/** What the build records of a validated catalogue (.ci/build/catalogue-digest.mjs computes the same). */
export function catalogueDigest(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
