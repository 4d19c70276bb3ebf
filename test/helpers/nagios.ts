// Plugin output as the Monitoring Plugins Development Guidelines define it (monitoring-plugins,
// doc/developer-guidelines.sgml: "Plugin Output for Nagios", "Threshold and ranges",
// "Performance data"), as a grammar the tests hold `check --format nagios` to:
//   first line:  SERVICE STATUS: text | 'label'=value[UOM];[warn];[crit];[min];[max] ...
//   then:        long output lines, none with a "|" (it would start more perfdata)
// Labels: any characters but = and ', quoted (required with spaces), '' for a quote;
// value, min, max in [-0-9.] (value may be U); warn and crit in the range format
// [@]start:end (start ~ for minus infinity, "start:" alone for up to infinity);
// UOM one of s, ms, us, %, B, KB, MB, TB, c; trailing empty fields may be dropped.

const LABEL = "'(?:[^'=]|'')+'|[^'= |]+";
const VALUE = '-?[0-9.]+|U';
const UOM = 's|ms|us|%|B|KB|MB|TB|c';
const RANGE = '@?(?:(?:~|-?[0-9.]+):)?(?:-?[0-9.]+)?';
const NUM = '-?[0-9.]*';
const ITEM = `(${LABEL})=(${VALUE})(${UOM})?(?:;(${RANGE})(?:;(${RANGE})(?:;(${NUM})(?:;(${NUM}))?)?)?)?`;

export const STATUS_LINE = new RegExp(`^([A-Z][A-Z0-9_-]*) (OK|WARNING|CRITICAL|UNKNOWN): ([^|\\n]+?)(?: \\| ((?:${ITEM})(?: (?:${ITEM}))*))?$`);

export interface PerfItem {
  value: string;
  uom: string;
  warn: string;
  crit: string;
  min: string;
  max: string;
}

export interface PluginOutput {
  service: string;
  state: string;
  text: string;
  perf: Map<string, PerfItem>;
  long: string[];
}

/** Parses plugin output; throws, naming the line, where it breaks the grammar. */
export function parsePluginOutput(stdout: string): PluginOutput {
  if (!stdout.endsWith('\n')) throw new Error('the output does not end with a newline');
  const [first = '', ...long] = stdout.slice(0, -1).split('\n');
  const m = STATUS_LINE.exec(first);
  if (!m) throw new Error(`not a status line of the guidelines: ${first}`);
  for (const line of long) if (line.includes('|')) throw new Error(`a long output line holds "|": ${line}`);
  const perf = new Map<string, PerfItem>();
  for (const item of (m[4] ?? '').matchAll(new RegExp(ITEM, 'g'))) {
    const label = (item[1] ?? '').replace(/^'(.*)'$/, '$1').replace(/''/g, "'");
    if (perf.has(label)) throw new Error(`perfdata label ${label} twice`);
    perf.set(label, { value: item[2] ?? '', uom: item[3] ?? '', warn: item[4] ?? '', crit: item[5] ?? '', min: item[6] ?? '', max: item[7] ?? '' });
  }
  return { service: m[1] ?? '', state: m[2] ?? '', text: m[3] ?? '', perf, long };
}

/** The perfdata value of `label` as a number; fails the test when it is missing. */
export function perfValue(out: PluginOutput, label: string): number {
  const item = out.perf.get(label);
  if (!item) throw new Error(`no perfdata ${label} in ${[...out.perf.keys()].join(', ')}`);
  return Number(item.value);
}
