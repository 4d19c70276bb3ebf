// No line of the product's source is wider than the formatter's width (.ci/biome.json,
// lineWidth 160): the formatter wraps code, but cannot wrap a long string or regex, so
// this keeps those short too. Test files may hold a long expected message whole.
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));
const WIDTH = (JSON.parse(readFileSync(fileURLToPath(new URL('../.ci/biome.json', import.meta.url)), 'utf8')) as { formatter: { lineWidth: number } }).formatter
  .lineWidth;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

describe('source width', () => {
  it(`no line in src/ is over ${WIDTH} characters`, () => {
    const long = files(SRC).flatMap((f) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .flatMap((line, i) => ([...line].length > WIDTH ? [`${relative(SRC, f)}:${i + 1} (${[...line].length})`] : [])),
    );
    expect(long).toEqual([]);
  });
});
