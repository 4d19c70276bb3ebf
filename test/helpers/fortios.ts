// A small FortiOS CLI script reader for the tests: config/edit/set/append/next/end blocks,
// double-quoted strings, and what each object sets. It fails on anything malformed.
export interface FortiObject {
  table: string;
  name: string;
  line: number;
  props: Map<string, string[]>;
}

/** Tokens of one line: bare words and "double-quoted strings" (no escapes inside). */
export function tokens(line: string): string[] {
  const out: string[] = [];
  const re = /\s*(?:"([^"\\]*)"|([^\s"]+))/y;
  let at = 0;
  while (at < line.length) {
    re.lastIndex = at;
    const m = re.exec(line);
    if (!m) break;
    out.push(m[1] ?? m[2] ?? '');
    at = re.lastIndex;
  }
  if (line.slice(at).trim() !== '') throw new Error(`cannot read: ${line}`);
  return out;
}

export function readFortiOs(text: string): FortiObject[] {
  const objects: FortiObject[] = [];
  let table: string | null = null;
  let current: FortiObject | null = null;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const t = tokens(line);
    const [word, ...rest] = t;
    if (word === 'config') {
      if (table !== null) throw new Error(`line ${i + 1}: config inside ${table}`);
      table = rest.join(' ');
    } else if (word === 'end') {
      if (table === null || current !== null) throw new Error(`line ${i + 1}: end without its config, or an edit left open`);
      table = null;
    } else if (word === 'edit') {
      if (table === null || current !== null || rest.length !== 1) throw new Error(`line ${i + 1}: edit outside a config or inside another`);
      current = { table, name: rest[0] ?? '', line: i, props: new Map() };
    } else if (word === 'next') {
      if (current === null) throw new Error(`line ${i + 1}: next without edit`);
      objects.push(current);
      current = null;
    } else if ((word === 'set' || word === 'append') && current !== null && rest.length >= 2) {
      const [key, ...values] = rest as [string, ...string[]];
      current.props.set(key, word === 'append' ? [...(current.props.get(key) ?? []), ...values] : values);
    } else {
      throw new Error(`line ${i + 1}: unexpected ${line}`);
    }
  });
  if (table !== null || current !== null) throw new Error('the script ends inside a block');
  return objects;
}
