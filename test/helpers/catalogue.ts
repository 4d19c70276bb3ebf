import { loadCatalogue } from '../../src/io/catalogue-file.js';

export const catalogue = loadCatalogue();

/** A deep copy of the shipped catalogue's JSON, for tests that break it on purpose. */
export function catalogueJson(): Record<string, unknown> {
  return JSON.parse(JSON.stringify(catalogue)) as Record<string, unknown>;
}
