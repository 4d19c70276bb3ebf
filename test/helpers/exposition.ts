// Reads Prometheus's text exposition format back into samples, for the tests: one sample
// per line `name{label="value",...} value`, with the format's escapes (\\, \", \n) undone.
// Also runs Debian's promtool, the format's own checker.
import { spawnSync } from 'node:child_process';

export interface Parsed {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export function parseExposition(text: string): Parsed[] {
  return text
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((line) => {
      const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!m) throw new Error(`not an exposition line: ${JSON.stringify(line)}`);
      return { name: m[1] ?? '', labels: parseLabels(m[2] ?? ''), value: Number(m[3]) };
    });
}

function parseLabels(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/y;
  let end = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    out[m[1] ?? ''] = (m[2] ?? '').replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    end = re.lastIndex;
  }
  if (end !== text.length) throw new Error(`labels not parsed to the end: ${JSON.stringify(text)}`);
  return out;
}

/** The samples of one metric, keyed by some of their labels joined with ":" (e.g. host:port). */
export function byLabels(samples: readonly Parsed[], name: string, keys: readonly string[]): Map<string, Parsed> {
  return new Map(samples.filter((s) => s.name === name).map((s) => [keys.map((k) => s.labels[k] ?? '').join(':'), s]));
}

/** promtool with these arguments and stdin; its exit status and both outputs. */
export function promtool(args: readonly string[], input?: string): { status: number; output: string } {
  const r = spawnSync('promtool', args, { input, encoding: 'utf8' });
  return { status: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
}
