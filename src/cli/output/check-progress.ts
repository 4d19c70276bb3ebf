// Live progress on a terminal: a line per flow, redrawn in place as phases change.
// Where the list is taller than the terminal, one counter line instead: a cursor
// cannot move back into lines that have scrolled away.
import { type ProgressEvent, type ProgressState, initialProgress, progressReducer } from '../../core/check/progress.js';

const PHASE_TEXT = { queued: 'waiting', route: 'asking the PAC file', dns: 'resolving', connect: 'connecting', tls: 'TLS handshake', done: '' } as const;
const REDRAW_MS = 80;

export function progressLines(state: ProgressState, columns: number, rows: number): string[] {
  const head = `Checking ${state.flows.length} flows: ${state.done} done${state.failed ? `, ${state.failed} failing` : ''}`;
  if (state.flows.length + 1 > rows - 1) return [clip(head, columns)];
  const width = Math.max(...state.flows.map((f) => `${f.host}:${f.port}`.length));
  const lines = state.flows.map((f) => {
    const name = `${f.host}:${f.port}`.padEnd(width);
    const what = f.phase === 'done' && f.result ? f.result.status : `${PHASE_TEXT[f.phase]}...`;
    return clip(`  ${name}  ${what}`, columns);
  });
  return [clip(head, columns), ...lines];
}

function clip(line: string, columns: number): string {
  return line.length < columns ? line : line.slice(0, Math.max(0, columns - 1));
}

/** Draws progress on a terminal stream; `finish()` erases it before the verdict is printed. */
export class LiveProgress {
  private state: ProgressState;
  private drawn = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    flows: readonly { host: string; port: number }[],
    private readonly write: (s: string) => void,
    private readonly size: () => { columns: number; rows: number },
  ) {
    this.state = initialProgress(flows);
    this.draw();
  }

  update(event: ProgressEvent): void {
    this.state = progressReducer(this.state, event);
    // Phases change in bursts: redraw at most every REDRAW_MS.
    this.timer ??= setTimeout(() => {
      this.timer = null;
      this.draw();
    }, REDRAW_MS);
  }

  finish(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.write(this.clear());
    this.drawn = 0;
  }

  private clear(): string {
    // Up to the first drawn line, then erase to the end of the screen.
    return this.drawn > 0 ? `\r\x1b[${this.drawn}A\x1b[J` : '';
  }

  private draw(): void {
    const { columns, rows } = this.size();
    const lines = progressLines(this.state, columns, rows);
    this.write(`${this.clear()}${lines.join('\n')}\n`);
    this.drawn = lines.length;
  }
}
