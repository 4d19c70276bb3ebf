// Phase timings: whole milliseconds since a performance.now() reading.
export function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}
