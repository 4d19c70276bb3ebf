// Pure: the CLI prints these, and the app lays out its scrolling text with wrap().
// Plain text columns for terminal output. The last column is not padded, so a
// long value there does not widen the others; given a terminal width, it wraps
// under itself instead of running past the edge.

/** Narrowest room worth wrapping the last column into; below it, lines run long. */
const MIN_LAST_COLUMN = 16;
const CONTINUATION = '    ';

export function table(headers: readonly string[], rows: readonly (readonly string[])[], maxWidth?: number): string {
  const all = [headers, ...rows];
  const widths = headers.map((_, i) => Math.max(...all.map((r) => width(r[i] ?? ''))));
  const lastStart = widths.slice(0, -1).reduce((sum, w) => sum + w + 2, 0);
  const wrapLast = maxWidth !== undefined && maxWidth - lastStart >= MIN_LAST_COLUMN;
  return all
    .map((r) => {
      const line = r
        .map((cell, i) => (i === r.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - width(cell))))
        .join('  ')
        .trimEnd();
      if (maxWidth === undefined || width(line) <= maxWidth) return line;
      const last = r[r.length - 1] ?? '';
      if (wrapLast) {
        const pad = ' '.repeat(lastStart);
        return line.slice(0, lastStart) + wrap(last, maxWidth, pad, pad).slice(lastStart);
      }
      // Too narrow to wrap beside the other columns: the last cell goes below its row.
      return `${line.slice(0, lastStart).trimEnd()}\n${wrap(last, maxWidth, CONTINUATION, CONTINUATION)}`;
    })
    .join('\n');
}

/** Greedy word wrap to `columns`; every line starts with `indent`, the lines
 *  after the first with `hanging` (default: the same indent). */
export function wrap(text: string, columns: number, indent = '', hanging = indent): string {
  const lines: string[] = [];
  let line = '';
  const prefix = () => (lines.length === 0 ? indent : hanging);
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && width(`${prefix() + line} ${word}`) > columns) {
      lines.push(prefix() + line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(prefix() + line);
  return lines.join('\n');
}

function width(s: string): number {
  return [...s].length;
}
