import { describe, expect, it } from 'vitest';
import { table, wrap } from '../src/core/table.js';

describe('table', () => {
  const rows = [
    ['a', 'one two three four five six'],
    ['bbbb', 'x'],
  ];

  it('pads every column but the last', () => {
    expect(table(['K', 'V'], rows)).toBe('K     V\na     one two three four five six\nbbbb  x');
  });

  it('wraps the last column under itself when there is room', () => {
    expect(table(['K', 'V'], rows, 22)).toBe('K     V\na     one two three\n      four five six\nbbbb  x');
  });

  it('moves the last cell below its row when the column would be too narrow', () => {
    const wide = [['a-very-long-first-cell', 'one two three']];
    expect(table(['K', 'V'], wide, 30)).toBe('K                       V\na-very-long-first-cell\n    one two three');
  });
});

describe('wrap', () => {
  it('wraps at spaces with a first-line indent and a hanging indent', () => {
    expect(wrap('aa bb cc dd', 6, '', '  ')).toBe('aa bb\n  cc\n  dd');
  });

  it('keeps a word longer than the width whole', () => {
    expect(wrap('abcdefghij k', 5)).toBe('abcdefghij\nk');
  });
});
