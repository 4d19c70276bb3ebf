// The rules files a report lists (`report --rules DIR`): which target wrote each, how to apply
// it, and what its header says it was made for. The folder is read and hashed by
// io/rules-dir.ts; this names and reads what it found. Pure.
import { targets } from '../render/index.js';
import type { TargetId } from '../render/target.js';

/** A file as found in the folder: its name, size, SHA-256 and the first bytes as text. */
export interface RulesFileInput {
  name: string;
  bytes: number;
  sha256: string;
  /** The file's first few KiB as UTF-8 (the header lives there). */
  head: string;
}

/** What a rules file's header says: the tool, catalogue, agents and mode it was made with. */
export interface RulesHeader {
  tool: string | null;
  catalogue: string | null;
  agents: string[];
  options: string[];
  mode: string | null;
  generatedAt: string | null;
  site: string | null;
  /** The site's own endpoints it allows (their hosts), in the header's order. */
  endpoints: string[];
}

export interface RulesFile extends RulesFileInput {
  /** The target that writes a file of this name; null: not a file `render` writes. */
  target: TargetId | null;
  /** How to apply it, one line (the target's own words, for its default settings). */
  apply: string | null;
  header: RulesHeader | null;
}

/**
 * Every file `render` writes, by name (names are unique across targets), with the target's
 * apply line for its default settings: what each target declares (Target.files).
 * test/report-core.test.ts renders every target and fails on a file a target writes but
 * does not declare.
 */
export const RULES_FILES: ReadonlyMap<string, { target: TargetId; apply: string }> = new Map(
  Object.values(targets).flatMap((t) => t.files.map((f) => [f.name, { target: t.id, apply: f.apply }] as const)),
);

export function rulesFile(input: RulesFileInput): RulesFile {
  const known = RULES_FILES.get(input.name);
  return { ...input, target: known?.target ?? null, apply: known?.apply ?? null, header: known ? readHeader(input.head) : null };
}

/** The comment markers of the targets' headers: `#`, `//`, `!` (Cisco), `<!-- ... -->`. */
const COMMENT = /^\s*(?:#|\/\/|!|<!--)\s?(.*?)\s*(?:-->)?\s*$/;
/** OPNsense's JSON files carry the header as the strings of an "about" list, one a line. */
const JSON_TEXT = /^\s*("(?:[^"\\]|\\.)*"),?\s*$/;

/** Reads target.ts's headerLines() back from the start of a file: its comment lines up to the
 *  first empty one after the header (500 sources and 100 endpoints make it a few hundred
 *  lines); null when there is none. */
export function readHeader(head: string): RulesHeader | null {
  const lines: string[] = [];
  for (const l of head.split(/\r?\n/)) {
    const c = COMMENT.exec(l)?.[1] ?? jsonText(l);
    if (c === null) continue;
    if (c === '' && lines.length > 0) break;
    if (c !== '') lines.push(c);
  }
  const find = (re: RegExp) => {
    for (const l of lines) {
      const m = re.exec(l);
      if (m) return m;
    }
    return null;
  };
  // ASA's file is ASCII: hyphens for the dashes.
  const tool = find(/^(\S+ \S+) (?:—|-) generated (?:—|-) do not edit by hand$/);
  const cat = find(/^catalogue (\d+\.\d+\.\d+); agents: ([a-z0-9, -]+?)(?: \(options: ([a-z0-9, -]+)\))?$/);
  if (tool === null && cat === null) return null;
  const list = (s: string | undefined) => (s === undefined ? [] : s.split(', ').filter((x) => x !== ''));
  return {
    tool: tool?.[1] ?? null,
    catalogue: cat?.[1] ?? null,
    agents: list(cat?.[2]),
    options: list(cat?.[3]),
    mode: find(/^mode: (exact|wildcard);/)?.[1] ?? null,
    generatedAt: find(/^generated: (\S+)$/)?.[1] ?? null,
    site: find(/^site: (.+)$/)?.[1] ?? null,
    endpoints: listed(lines, 'site-specific endpoints (not in the Canon catalogue):'),
  };
}

/** A list headerLines() wrote with listLines(): `HEAD a, b` on one line, or `HEAD N:` and the
 *  items on the indented lines after it. */
function listed(lines: readonly string[], head: string): string[] {
  const at = lines.findIndex((l) => l.startsWith(`${head} `));
  if (at === -1) return [];
  const rest = (lines[at] as string).slice(head.length + 1);
  const parts = [rest];
  if (/^\d+:$/.test(rest)) {
    parts.length = 0;
    for (const l of lines.slice(at + 1)) {
      if (!l.startsWith('  ')) break;
      parts.push(l);
    }
  }
  return parts
    .join(' ')
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');
}

function jsonText(line: string): string | null {
  const m = JSON_TEXT.exec(line);
  if (!m) return null;
  try {
    return JSON.parse(m[1] as string) as string;
  } catch {
    return null;
  }
}
