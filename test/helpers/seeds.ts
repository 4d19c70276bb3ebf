// The source documents live beside the project in ../shared/seeds (CI has them; a
// user's fresh clone does not). Tests that need them skip with a reason, except
// under CI=true, where a missing folder is a failure.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const SEEDS_DIR = fileURLToPath(new URL('../../../shared/seeds/', import.meta.url));
export const seedsPresent = existsSync(SEEDS_DIR);
export const inCI = process.env['CI'] === 'true' || process.env['CI'] === '1';

export function readSeed(file: string): string {
  return readFileSync(`${SEEDS_DIR}${file}`, 'utf8');
}

/** The PDF-to-text output breaks lines anywhere; compare text with white space folded. */
export function fold(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
