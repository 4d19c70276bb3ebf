// Job control for the app: Ctrl-Z, `fg`, and kill -TSTP / -STOP / -CONT from outside.
// In raw mode the terminal does not stop the app on Ctrl-Z, it sends the key (\x1a); and a
// shell that stops a job puts its own cooked settings back, which is what the app finds
// after `fg`. So the app gives the terminal back before it stops (raw mode off, cursor
// shown, below its frame), and takes it again when it is continued (raw mode, hidden
// cursor, the whole screen drawn anew).
//
// Windows has neither SIGTSTP nor SIGCONT (nor job control in its consoles): there Ctrl-Z
// does nothing and no listener is installed.

const SHOW_CURSOR = '\x1b[?25h';
const HIDE_CURSOR = '\x1b[?25l';
/** Erase the screen and put the cursor home (the scrollback is left alone). */
const CLEAR_SCREEN = '\x1b[2J\x1b[H';
/**
 * How long after its own SIGTSTP the app waits for SIGCONT before it takes the terminal back
 * anyway. The kernel discards SIGTSTP in an orphaned process group (nothing there could
 * continue the app, e.g. when it is a terminal's first program, without a shell): then the
 * app never stops and no SIGCONT comes. When it did stop, SIGCONT's event is already
 * waiting when kill() returns, and comes first.
 */
const NOT_STOPPED_MS = 250;

export interface JobTerminal {
  stdin: Pick<NodeJS.ReadStream, 'isTTY' | 'isRaw' | 'setRawMode'>;
  stdout: Pick<NodeJS.WriteStream, 'write'>;
  /** Draws the app's whole frame again, on a cleared screen. */
  redraw(): void;
}

export interface JobControl {
  /** Gives the terminal back and stops the process (as the shell's Ctrl-Z would). */
  suspend(): void;
  /** Removes the signal listeners: the app has ended. */
  dispose(): void;
}

const NONE: JobControl = { suspend() {}, dispose() {} };

export function jobControl({ stdin, stdout, redraw }: JobTerminal, platform: NodeJS.Platform = process.platform): JobControl {
  if (platform === 'win32' || !stdin.isTTY) return NONE;
  /** Whether raw mode was on when the app gave the terminal back; null while the app has it. */
  let released: boolean | null = null;
  let ended = false;

  const release = (): void => {
    if (released !== null) return;
    released = stdin.isRaw === true;
    if (released) stdin.setRawMode(false);
    // ink leaves the cursor at the end of its frame: the shell's lines go below it.
    stdout.write(`${SHOW_CURSOR}\n`);
  };

  const take = (): void => {
    const raw = released ?? stdin.isRaw === true;
    released = null;
    if (raw) {
      // The terminal may have been changed while the app was stopped (a shell's own
      // settings after kill -STOP and fg) while node still counts it raw, and libuv skips a
      // change to the mode it counts as current: off first, then on.
      stdin.setRawMode(false);
      stdin.setRawMode(true);
    }
    stdout.write(HIDE_CURSOR + CLEAR_SCREEN);
    redraw();
  };

  const suspend = (): void => {
    release();
    // With the listener in place SIGTSTP would only call onStop again; without it, the
    // default action stops the process (before kill() returns).
    process.off('SIGTSTP', onStop);
    try {
      process.kill(process.pid, 'SIGTSTP');
    } finally {
      process.on('SIGTSTP', onStop);
    }
    setTimeout(() => {
      if (released !== null && !ended) take();
    }, NOT_STOPPED_MS).unref();
  };

  // kill -TSTP from outside: the same as the key.
  const onStop = (): void => suspend();
  // fg or bg after a stop, or kill -CONT after kill -STOP (which the app cannot catch).
  const onContinue = (): void => take();
  process.on('SIGTSTP', onStop);
  process.on('SIGCONT', onContinue);
  return {
    suspend,
    dispose() {
      ended = true;
      process.off('SIGTSTP', onStop);
      process.off('SIGCONT', onContinue);
    },
  };
}
