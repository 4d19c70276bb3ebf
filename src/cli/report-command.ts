// `report --run FILE [--run FILE...] [--since OLD] [--rules DIR] [--format html|md] [--out FILE]`:
// the customer's report from saved runs. Stdout without --out; with it, one file written
// atomically (a temporary file, then a rename), an existing one replaced only with --force.
import { basename, dirname } from 'node:path';
import type { Command } from 'commander';
import type { ReportFormat } from '../commands/report.js';
import { REPORT_FORMATS } from '../core/report/formats.js';
import { quoteValue } from '../core/text.js';
import { writeFilesAtomically } from '../io/write-files.js';
import { addCatalogueFlag } from './catalogue-flag.js';
import type { RenderContext } from './render-command.js';
import { UsageError } from './exit-codes.js';

/** What report needs of the program: the same as render (a catalogue, the tool, output, a clock). */
export type ReportContext = RenderContext;

interface ReportFlags {
  run?: string[];
  since?: string;
  rules?: string;
  format?: string;
  out?: string;
  force?: boolean;
}

export function addReportCommand(cmd: Command, ctx: ReportContext): Command {
  cmd
    .description("a report for the customer's IT from saved runs (check --save): one HTML file, or Markdown for tickets")
    .option('--run <file>', 'a saved run (check --save); repeat it for several sites or networks', (v: string, all: string[] = []) => [...all, v])
    .option('--since <file>', 'an earlier saved run of the same site: the report says what changed (with one --run)')
    .option('--rules <dir>', 'the folder render --out wrote: each file with its SHA-256 and how to apply it')
    .option('--format <format>', `${REPORT_FORMATS.join(', ')} (default: md when --out ends in .md, else html)`)
    .option('--out <file>', 'write the report to this file instead of stdout')
    .option('--force', 'replace --out if it exists');
  addCatalogueFlag(cmd);
  cmd
    .addHelpText(
      'after',
      [
        '',
        'HTML: one self-contained file (inline CSS and SVG, no script, no external request), for the',
        'screen and for print. Markdown: the same sections, with tables instead of the picture.',
        '',
        'Examples:',
        `  ${ctx.program} report --run runs/2026-11-21.json --rules rules/ --out report.html`,
        `  ${ctx.program} report --run runs/2026-11-21.json --since runs/2026-11-01.json --format md`,
        `  ${ctx.program} report --run customer.json --run reference.json --out fleet.html`,
      ].join('\n'),
    )
    .action(async (opts: ReportFlags) => {
      const runs = opts.run ?? [];
      if (runs.length === 0) throw new UsageError('--run FILE is required: a saved run (check --save FILE)');
      if (opts.since !== undefined && runs.length > 1) throw new UsageError(`--since compares one site's runs; give one --run with it (got ${runs.length})`);
      const format = formatOf(opts.format, opts.out);
      if (opts.force && opts.out === undefined) throw new UsageError('--force applies to --out; add --out FILE or drop --force');
      // The report code and the run reader (its validator, zod) load only when report runs.
      const { makeReport } = await import('../commands/report.js');
      const { model, content } = makeReport(ctx, {
        runs,
        since: opts.since ?? null,
        rules: opts.rules === undefined ? null : { dir: opts.rules, label: '--rules' },
        format,
      });
      if (opts.out === undefined) {
        ctx.stdout(content);
        return;
      }
      const [path] = writeFilesAtomically(dirname(opts.out), [{ name: basename(opts.out), content }], opts.force === true, `--out ${opts.out}`, (n) =>
        ctx.stderr(`${n.level}: ${n.text}\n`),
      );
      const lines = [
        `Wrote ${path ?? opts.out} (${format === 'html' ? 'HTML' : 'Markdown'}):`,
        ...model.sites.map((s) => `  ${s.name}: ${s.summary.verdict.text}`),
      ];
      ctx.stdout(`${lines.join('\n')}\n`);
    });
  return cmd;
}

function formatOf(flag: string | undefined, out: string | undefined): ReportFormat {
  if (flag === undefined) return out !== undefined && /\.(md|markdown)$/i.test(out) ? 'md' : 'html';
  if (!(REPORT_FORMATS as readonly string[]).includes(flag)) throw new UsageError(`--format ${quoteValue(flag)}: valid: ${REPORT_FORMATS.join(', ')}`);
  return flag as ReportFormat;
}
