// Reads the PAC file for --pac: a text file of bounded size.
import { readFileSync, statSync } from 'node:fs';
import { InputError } from '../core/errors.js';
import { escapeUnsafe } from '../core/text.js';

const MAX_BYTES = 1024 * 1024;

export function readPacFile(path: string): string {
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new InputError(`--pac ${escapeUnsafe(path)} is not a file`);
    if (st.size > MAX_BYTES) throw new InputError(`--pac ${escapeUnsafe(path)} is larger than 1 MiB; a PAC file is a small script`);
    return readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`--pac ${escapeUnsafe(path)}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}
