// --catalogue FILE: a newer or regional catalogue of the same schema, in place of the shipped
// one. The commands' flags come from the catalogue (agent options such as --cca-activation),
// so the file is found in argv before commander parses it, and loaded first.
import type { Command } from 'commander';
import type { Catalogue } from '../core/catalogue.js';
import { CatalogueError } from '../core/errors.js';
import { escapeUnsafe } from '../core/text.js';
import { UsageError } from './exit-codes.js';

export const CATALOGUE_HELP = 'use this catalogue file (a newer or regional one, same schema, validated as the shipped one) instead of the shipped catalogue';

/** The value of the last --catalogue in argv (commander keeps the last), or null. */
export function catalogueRequested(argv: readonly string[]): string | null {
  let path: string | null = null;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg === '--') break;
    if (arg === '--catalogue' && i + 1 < argv.length) {
      path = argv[i + 1] ?? null;
      i += 1;
    } else if (arg.startsWith('--catalogue=')) {
      path = arg.slice('--catalogue='.length);
    }
  }
  return path;
}

/** The user's catalogue: a file that does not load is bad input (exit 2), not a broken install. */
export async function loadRequestedCatalogue(path: string): Promise<Catalogue> {
  try {
    // The validator (zod) loads only when a catalogue file is named.
    return (await import('../io/catalogue-file.js')).readCatalogueFile(path);
  } catch (err) {
    if (err instanceof CatalogueError) throw new UsageError(`--catalogue ${escapeUnsafe(path)}: ${err.message}`);
    throw err;
  }
}

/** Declares --catalogue on a command; the value was read from argv already. */
export function addCatalogueFlag(cmd: Command): Command {
  return cmd.option('--catalogue <file>', CATALOGUE_HELP);
}
