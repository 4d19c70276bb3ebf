// `diff OLD NEW`: two saved runs, or two site profiles, read and validated, then compared.
import type { Catalogue } from '../core/catalogue.js';
import { InputError } from '../core/errors.js';
import { PROFILE_FORMAT, ProfileError, type SiteAnswers, parseProfile } from '../core/profile.js';
import { type Diff, diffProfiles, diffRuns } from '../core/run-diff.js';
import { RUN_FORMAT, RunError, type SavedRun } from '../core/saved-run.js';
import { escapeUnsafe } from '../core/text.js';
import { readJsonFile, runOf } from '../io/run-file.js';

type Side = { kind: 'run'; run: SavedRun } | { kind: 'profile'; answers: SiteAnswers };

/** Reads a saved run or a site profile, as its "format" says. */
export function readSide(path: string, catalogue: Catalogue): Side {
  const doc = readJsonFile(path, 'file');
  const format = doc !== null && typeof doc === 'object' ? (doc as Record<string, unknown>)['format'] : undefined;
  if (format === RUN_FORMAT) return { kind: 'run', run: runOf(doc, path) };
  if (format === PROFILE_FORMAT) {
    try {
      return { kind: 'profile', answers: parseProfile(doc, catalogue) };
    } catch (err) {
      if (err instanceof InputError) throw new ProfileError(`profile ${escapeUnsafe(path)}: ${err.message}`);
      throw err;
    }
  }
  throw new RunError(
    `file ${escapeUnsafe(path)} is neither a saved run ("format": "${RUN_FORMAT}", check --save) nor a site profile ("format": "${PROFILE_FORMAT}")`,
  );
}

export function diffFiles(oldPath: string, newPath: string, catalogue: Catalogue): Diff {
  const older = readSide(oldPath, catalogue);
  const newer = readSide(newPath, catalogue);
  if (older.kind === 'run' && newer.kind === 'run') return diffRuns(older.run, newer.run);
  if (older.kind === 'profile' && newer.kind === 'profile') return diffProfiles(older.answers, newer.answers, catalogue);
  const kind = (s: Side) => (s.kind === 'run' ? 'saved run' : 'site profile');
  throw new RunError(`${escapeUnsafe(oldPath)} is a ${kind(older)} and ${escapeUnsafe(newPath)} a ${kind(newer)}; diff compares two runs or two profiles`);
}
