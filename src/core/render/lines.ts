// Lines that grow with the site (500 source networks) are split, so that no line of any
// file passes the line buffer of the tool that reads it: dnsmasq and ipset stop at 1024
// bytes, and a dnsmasq snippet it cannot read takes the site's DNS down with it.
import { wrap } from '../table.js';

/** Widest header line: far below the smallest line buffer of the tools that read the
 *  files (dnsmasq and ipset stop at 1024 bytes), whatever the number of sources. */
export const HEADER_WIDTH = 100;

/**
 * `head` followed by `items`, on one line when it fits in HEADER_WIDTH; otherwise `head`
 * with the count, then the items over as many indented lines as it takes.
 */
export function listLines(head: string, items: readonly string[]): string[] {
  const one = `${head} ${items.join(', ')}`;
  if (one.length <= HEADER_WIDTH) return [one];
  const lines = [`${head} ${items.length}:`];
  let line = '';
  for (const item of items) {
    const next = line === '' ? `  ${item}` : `${line}, ${item}`;
    if (next.length > HEADER_WIDTH && line !== '') {
      lines.push(`${line},`);
      line = `  ${item}`;
    } else {
      line = next;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** `list` in parts of at most `size`, for commands that add members part by part. */
export function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** Notes for a file's comments, each paragraph wrapped to read well in an editor. */
export function noteLines(paragraphs: readonly string[], width = 86): string[] {
  return paragraphs.flatMap((p) => wrap(p, width).split('\n'));
}
