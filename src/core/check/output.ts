// A finished check: what was asked, each flow's result and the verdict. Pure data, shared
// by the command that makes it and every view that shows it.
import type { CheckResult } from './result.js';
import type { Summary } from './summary.js';

export interface CheckOutput {
  catalogueVersion: string;
  agents: string[];
  options: string[];
  /** "127.0.0.53:53", or "platform". */
  resolver: string;
  timeoutMs: number;
  concurrency: number;
  results: CheckResult[];
  summary: Summary;
  notes: string[];
}
