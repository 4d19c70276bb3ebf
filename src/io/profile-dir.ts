// The profiles an exporter serves: one file (--profile) or every NAME.json of a folder
// (--profiles), each with the PAC file NAME.pac beside it when there is one. The names
// become ?profile=NAME and a label value, so they are checked here, once, at start.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { InputError } from '../core/errors.js';
import { escapeUnsafe, quoteValue } from '../core/text.js';

export interface ProfileEntry {
  name: string;
  path: string;
  /** NAME.pac beside a profile of a folder; null when there is none. */
  pacPath: string | null;
}

export const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const NAME_HINT = 'a profile name (the file name without .json) is 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit';
/** A folder of profiles for one exporter: more is a sign of the wrong folder. */
export const MAX_PROFILES = 1000;

/** The name a profile file is served under: its file name without `.json`. */
export function profileName(path: string, option: string): string {
  const name = basename(path).replace(/\.json$/i, '');
  if (!PROFILE_NAME.test(name)) throw new InputError(`${option} ${escapeUnsafe(path)}: ${quoteValue(name)} cannot be a profile name; ${NAME_HINT}`);
  return name;
}

export function profilesIn(dir: string): ProfileEntry[] {
  const where = `--profiles ${escapeUnsafe(dir)}`;
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new InputError(`${where} is not a folder`);
    names = readdirSync(dir).filter((f) => /\.json$/i.test(f));
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`${where}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  if (names.length === 0) throw new InputError(`${where} holds no profile (NAME.json)`);
  if (names.length > MAX_PROFILES) throw new InputError(`${where} holds ${names.length} profiles; one exporter serves at most ${MAX_PROFILES}`);
  const seen = new Set<string>();
  return names.sort().map((f) => {
    const name = profileName(f, '--profiles');
    if (seen.has(name)) throw new InputError(`${where} holds two files named ${quoteValue(name)} (.json and .JSON?); rename one`);
    seen.add(name);
    const pac = join(dir, `${name}.pac`);
    return { name, path: join(dir, f), pacPath: existsSync(pac) ? pac : null };
  });
}
