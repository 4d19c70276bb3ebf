// A finished check for the pure output tests: the results given, summarised as the
// command would; the rest fixed unless `over` says otherwise.
import type { CheckOutput } from '../../src/core/check/output.js';
import type { CheckResult } from '../../src/core/check/result.js';
import { summarise } from '../../src/core/check/summary.js';

export function checkOutput(results: CheckResult[], over: Partial<CheckOutput> = {}): CheckOutput {
  return {
    catalogueVersion: '1.0.0',
    agents: ['cca'],
    options: [],
    resolver: '10.0.0.53:53',
    timeoutMs: 5000,
    concurrency: results.length,
    results,
    summary: summarise(results),
    notes: [],
    ...over,
  };
}
