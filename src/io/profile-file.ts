// Reads and writes site profiles (see src/core/profile.ts): bounded reads, atomic writes.
import { readFileSync, statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Catalogue } from '../core/catalogue.js';
import { InputError } from '../core/errors.js';
import { ProfileError, type SiteAnswers, parseProfile, profileJson } from '../core/profile.js';
import { escapeUnsafe } from '../core/text.js';
import { writeFileAtomically } from './write-files.js';

const MAX_BYTES = 256 * 1024;

/** Reads and validates a profile; every problem is one line starting with the file's name. */
export function readProfile(path: string, catalogue: Catalogue): SiteAnswers {
  const where = `profile ${escapeUnsafe(path)}`;
  let text: string;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new ProfileError(`${where} is not a file`);
    if (st.size > MAX_BYTES) throw new ProfileError(`${where} is larger than 256 KiB; a profile is a small JSON file`);
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof ProfileError) throw err;
    throw new ProfileError(`${where}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let doc: unknown;
  try {
    // Editors on Windows may save a byte-order mark first.
    doc = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    // Only where: the parser's message quotes the text, which may hold a secret typed by hand.
    const at = /position (\d+)/.exec((err as Error).message)?.[1];
    throw new ProfileError(`${where} is not valid JSON${at === undefined ? '' : ` (at character ${Number(at) + 1})`}`);
  }
  try {
    return parseProfile(doc, catalogue);
  } catch (err) {
    if (err instanceof InputError) throw new ProfileError(`${where}: ${err.message}`);
    throw err;
  }
}

/** Writes the profile atomically (a temporary file, then a rename); replaces an existing one. */
export function writeProfile(path: string, answers: SiteAnswers): string {
  // Not the folder's lock: one file is replaced by one rename, whole or not at all.
  return writeFileAtomically(dirname(path), { name: basename(path), content: profileJson(answers) }, `profile ${escapeUnsafe(path)}`);
}
