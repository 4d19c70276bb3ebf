// `report`: saved runs (and an earlier run, and the rules folder) read and validated, made
// into the report's model, and rendered as HTML or Markdown.
import type { Catalogue } from '../core/catalogue.js';
import { type ReportModel, type ReportRun, reportModel } from '../core/report/model.js';
import { reportHtml } from '../core/report/render-html.js';
import { reportMarkdown } from '../core/report/render-md.js';
import { readRulesDir } from '../io/rules-dir.js';
import { readRun } from '../io/run-file.js';

import { REPORT_FORMATS } from '../core/report/formats.js';

export { REPORT_FORMATS };
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface ReportRequest {
  /** Saved runs, one per site or network. */
  runs: readonly string[];
  /** An earlier run of the same site (with one run only). */
  since: string | null;
  /** The folder `render --out` wrote, and how the user named it (for messages). */
  rules: { dir: string; label: string } | null;
  format: ReportFormat;
}

export interface ReportTool {
  catalogue: Catalogue;
  program: string;
  toolVersion: string;
  now(): Date;
}

export function makeReport(ctx: ReportTool, req: ReportRequest): { model: ReportModel; content: string } {
  const read = (file: string): ReportRun => ({ file, run: readRun(file) });
  const model = reportModel({
    tool: { name: ctx.program, version: ctx.toolVersion },
    generatedAt: ctx.now().toISOString(),
    catalogue: ctx.catalogue,
    runs: req.runs.map(read),
    since: req.since === null ? null : read(req.since),
    rules: req.rules === null ? null : readRulesDir(req.rules.dir, req.rules.label),
  });
  return { model, content: req.format === 'html' ? reportHtml(model) : reportMarkdown(model) };
}
