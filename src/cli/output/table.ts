// Plain text columns for terminal output. The last column is not padded, so a
// long value there does not widen the others.

export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [headers, ...rows];
  const widths = headers.map((_, i) => Math.max(...all.map((r) => width(r[i] ?? ''))));
  return all
    .map((r) =>
      r
        .map((cell, i) => (i === r.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - width(cell))))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** Greedy word wrap to `columns`; every line starts with `indent`, the lines
 *  after the first with `hanging` (default: the same indent). */
export function wrap(text: string, columns: number, indent = '', hanging = indent): string {
  const lines: string[] = [];
  let line = '';
  const prefix = () => (lines.length === 0 ? indent : hanging);
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && width(prefix() + line + ' ' + word) > columns) {
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
