// A cap on what the whole run holds open at once. Every TCP attempt of a check takes a
// slot before it opens its socket and gives it back when the socket closes, so a site
// whose names resolve to hundreds of addresses, or a long list of flows, never asks the
// machine for more sockets than it can give (macOS's default limit is 256 files).

export class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly size: number) {
    this.free = size;
  }

  /** Resolves when a slot is free; the returned function gives it back (once). */
  async acquire(): Promise<() => void> {
    if (this.free > 0) this.free -= 1;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.free += 1;
    };
  }

  /** Slots taken now. */
  get inUse(): number {
    return this.size - this.free;
  }
}

/** Sockets a check may hold open at once, across all its flows and addresses. */
export const MAX_OPEN_SOCKETS = 128;

/** The process-wide cap the check's connections share. */
export const sockets = new Slots(MAX_OPEN_SOCKETS);
