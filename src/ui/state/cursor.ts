// Moving a cursor through a list, and the slice of a long list that fits on screen.

export type Move = 'up' | 'down' | 'pageup' | 'pagedown' | 'home' | 'end';

export function moveCursor(cursor: number, count: number, move: Move, page = 10): number {
  if (count <= 0) return 0;
  const next = {
    up: cursor - 1,
    down: cursor + 1,
    pageup: cursor - page,
    pagedown: cursor + page,
    home: 0,
    end: count - 1,
  }[move];
  return Math.min(count - 1, Math.max(0, next));
}

export interface Window {
  start: number;
  /** Exclusive. */
  end: number;
  above: number;
  below: number;
}

/** The rows [start, end) of `count` that show `cursor` in `height` rows, keeping it near the middle. */
export function windowAround(cursor: number, count: number, height: number): Window {
  const h = Math.max(1, height);
  if (count <= h) return { start: 0, end: count, above: 0, below: 0 };
  const start = Math.min(Math.max(0, cursor - Math.floor(h / 2)), count - h);
  return { start, end: start + h, above: start, below: count - start - h };
}
