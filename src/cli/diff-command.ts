// `diff OLD NEW [--json]`: what changed between two saved runs (check --save) or two site
// profiles. Exit 0 with the changes (or "No changes"), 2 for a file that cannot be read.
import type { Command } from 'commander';
import type { Catalogue } from '../core/catalogue.js';
import { EXPIRY_DAYS } from '../core/expiry.js';
import { addCatalogueFlag } from './catalogue-flag.js';

export interface DiffContext {
  catalogue: Catalogue;
  program: string;
  stdout(text: string): void;
  columns: number | undefined;
}

export function addDiffCommand(cmd: Command, ctx: DiffContext): Command {
  cmd
    .description('what changed between two saved runs (check --save) or two site profiles')
    .argument('<old>', 'the older saved run or profile')
    .argument('<new>', 'the newer one')
    .option('--json', 'print JSON instead of text');
  addCatalogueFlag(cmd);
  cmd
    .addHelpText(
      'after',
      [
        '',
        'Runs: flows added or removed (a catalogue update, another agent, a site endpoint), flows that',
        `broke or work again, certificate issuers that changed, certificates expiring within ${EXPIRY_DAYS} days,`,
        'and the catalogue versions with what their change log says lies between them.',
        'Profiles: the flows each plans (with the catalogue), the site endpoints and the settings.',
        '',
        'Examples:',
        `  ${ctx.program} diff runs/2026-11-01.json runs/2026-11-21.json`,
        `  ${ctx.program} diff site-old.json site.json --json`,
      ].join('\n'),
    )
    // The run reader and its validator (zod) load only when diff runs.
    .action(async (oldPath: string, newPath: string, opts: { json?: boolean }) => {
      const [{ diffFiles }, { diffJson, diffText }] = await Promise.all([import('../commands/diff.js'), import('./output/diff-text.js')]);
      const diff = diffFiles(oldPath, newPath, ctx.catalogue);
      ctx.stdout(opts.json ? diffJson(diff) : diffText(diff, { old: oldPath, new: newPath }, ctx.columns));
    });
  return cmd;
}
