// `report --rules DIR`: the rules files `render --out DIR` wrote, read for the report: each
// regular file's size, SHA-256 and first lines. Hidden files (the folder's lock, manifest and
// temporary files) are not rules; a manifest left behind means the set may be mixed.
import { createHash } from 'node:crypto';
import { lstatSync, readFileSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../core/errors.js';
import type { RulesDir } from '../core/report/model.js';
import type { RulesFileInput } from '../core/report/rules-files.js';
import { escapeUnsafe } from '../core/text.js';
import { readInterrupted } from './write-manifest.js';

/** A folder that cannot be read as rules files; one line naming it. */
export class RulesDirError extends InputError {
  override name = 'RulesDirError';
}

/** Far more than any target writes; a folder beyond it is not a rules folder. */
const MAX_FILES = 200;
/** 500 sources and every agent make files of a few hundred KiB. */
const MAX_BYTES = 64 * 1024 * 1024;
/** The header: 500 sources and 100 site endpoints of 253 characters make it about 50 KiB. */
export const HEAD_BYTES = 128 * 1024;

export function readRulesDir(dir: string, label: string): RulesDir {
  const where = `${label} ${escapeUnsafe(dir)}`;
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new RulesDirError(`${where} is not a folder`);
    names = readdirSync(dir).sort();
  } catch (err) {
    if (err instanceof RulesDirError) throw err;
    throw new RulesDirError(`${where}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const files: RulesFileInput[] = [];
  const links: string[] = [];
  for (const name of names.filter((n) => !n.startsWith('.'))) {
    const path = join(dir, name);
    let content: Buffer;
    try {
      // Not followed: render writes regular files only, and a link's file (anywhere on the
      // disk, changed by whoever owns it) is not what render wrote into the folder.
      const st = lstatSync(path);
      if (st.isSymbolicLink()) {
        links.push(`${name} is a symbolic link to ${readlinkSync(path)}, not a file render writes: not listed`);
        continue;
      }
      if (!st.isFile()) continue;
      if (st.size > MAX_BYTES) throw new RulesDirError(`${where}: ${escapeUnsafe(name)} is larger than ${MAX_BYTES / 1024 / 1024} MiB; not a rules file`);
      content = readFileSync(path);
    } catch (err) {
      if (err instanceof RulesDirError) throw err;
      throw new RulesDirError(`${where}: cannot read ${escapeUnsafe(name)} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    if (files.length === MAX_FILES) throw new RulesDirError(`${where} holds more than ${MAX_FILES} files; give the folder render --out wrote`);
    files.push({
      name,
      bytes: content.length,
      sha256: createHash('sha256').update(content).digest('hex'),
      head: content.subarray(0, HEAD_BYTES).toString('utf8'),
    });
  }
  if (files.length === 0)
    throw new RulesDirError(`${where} holds no files${links.length > 0 ? ' (only symbolic links, not followed)' : ''}; give the folder render --out wrote`);
  const interrupted = readInterrupted(dir);
  const warnings =
    interrupted === null
      ? []
      : 'unreadable' in interrupted
        ? [`a write into ${dir} was interrupted (its manifest is unreadable): the files may be a mix of two runs; render again with --force`]
        : [
            `the last write into ${dir} (pid ${interrupted.pid}) was interrupted: ${interrupted.fresh.join(', ') || 'no file'} from that run, ` +
              `${interrupted.stale.join(', ') || 'no file'} from before; render again with --force`,
          ];
  return { dir, files, warnings: [...warnings, ...links] };
}
