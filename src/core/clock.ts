import { Activity } from './activity.js';

export interface Timer {
  cancel(): void;
}

/** All of the bot's notion of time: real in production, simulated in script mode and tests. */
export interface Clock {
  now(): Date;
  setTimer(ms: number, fn: () => void | Promise<void>): Timer;
  sleep(ms: number): Promise<void>;
  /**
   * Waits for `work` that depends on the world outside the bot (a request to a server) and is
   * ended, if it drags on, by one of the bot's own timers (a deadline). On the real clock this is
   * just the wait; on a simulated one, time is let pass once the outside has had `graceMs`.
   */
  outside<T>(work: Promise<T>, graceMs?: number): Promise<T>;
}

type ErrorSink = (error: unknown) => void;

export class SystemClock implements Clock {
  constructor(private readonly onError: ErrorSink) {}

  now(): Date {
    return new Date();
  }

  setTimer(ms: number, fn: () => void | Promise<void>): Timer {
    const handle = setTimeout(() => {
      Promise.resolve()
        .then(fn)
        .catch((error: unknown) => this.onError(error));
    }, Math.max(0, ms));
    return { cancel: () => clearTimeout(handle) };
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
  }

  outside<T>(work: Promise<T>): Promise<T> {
    return work;
  }
}

interface PendingTimer {
  due: number;
  seq: number;
  fn: () => void | Promise<void>;
}

/**
 * Time that moves only when told. Timers fire in order of their due time; after each one the
 * clock waits until the bot's real work (I/O included) has settled before it moves on.
 */
export class SimulatedClock implements Clock {
  private current: number;
  private timers: PendingTimer[] = [];
  private seq = 0;
  /** How many advances are under way: while one is, it moves time and an outside wait need not. */
  private advancing = 0;
  private readonly graceEnders = new Set<() => void>();

  constructor(
    start: Date,
    private readonly activity: Activity,
    private readonly onError: ErrorSink,
    /** Real time a server gets to answer before simulated time moves on without it. */
    private readonly outsideGraceMs = 2000,
  ) {
    this.current = start.getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  setTimer(ms: number, fn: () => void | Promise<void>): Timer {
    const timer: PendingTimer = { due: this.current + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.push(timer);
    return {
      cancel: () => {
        const index = this.timers.indexOf(timer);
        if (index !== -1) this.timers.splice(index, 1);
      },
    };
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.setTimer(ms, resolve));
  }

  /**
   * For the grace given, the outside counts as the bot's own work, so a server that answers is
   * never outrun by simulated time. Past it, the wait steps aside and, unless an advance is
   * already moving time, moves the clock on to the bot's next timer until the work settles: the
   * seconds a server that keeps the bot waiting would cost in real life.
   */
  async outside<T>(work: Promise<T>, graceMs = this.outsideGraceMs): Promise<T> {
    let settled = false;
    const done = work.then(
      () => void (settled = true),
      () => void (settled = true),
    );
    let endGrace = () => undefined as void;
    const grace = new Promise<void>((resolve) => (endGrace = resolve));
    const realTimer = setTimeout(endGrace, graceMs);
    this.graceEnders.add(endGrace);
    try {
      await Promise.race([done, grace]);
      if (!settled) {
        const countAgain = this.activity.stepAside();
        try {
          for (let next = this.nextDue(); !settled && next !== undefined && this.advancing === 0; next = this.nextDue()) {
            await this.advanceTo(next);
            // The timer just fired may have ended the work: let its promise settle before looking again.
            await new Promise<void>((resolve) => setImmediate(resolve));
          }
          await done;
        } finally {
          countAgain();
        }
      }
      return await work;
    } finally {
      clearTimeout(realTimer);
      this.graceEnders.delete(endGrace);
    }
  }

  /** Ends the grace of every outside wait now: for a test whose server will never answer. */
  stopWaitingForOutside(): void {
    for (const end of this.graceEnders) end();
  }

  /** Due time of the next timer, if any. */
  nextDue(): number | undefined {
    return this.earliest()?.due;
  }

  async advanceTo(target: Date | number): Promise<void> {
    this.advancing += 1;
    try {
      await this.advanceWithin(typeof target === 'number' ? target : target.getTime());
    } finally {
      this.advancing -= 1;
    }
  }

  private async advanceWithin(until: number): Promise<void> {
    await this.activity.idle();
    for (let timer = this.earliest(); timer && timer.due <= until; timer = this.earliest()) {
      this.timers.splice(this.timers.indexOf(timer), 1);
      this.current = Math.max(this.current, timer.due);
      const end = this.activity.begin();
      Promise.resolve()
        .then(timer.fn)
        .catch((error: unknown) => this.onError(error))
        .finally(end);
      await this.activity.idle();
    }
    this.current = Math.max(this.current, until);
  }

  advanceBy(ms: number): Promise<void> {
    return this.advanceTo(this.current + ms);
  }

  /** Lets time run on until no timer is due within `horizonMs` of the simulated now. */
  async runOn(horizonMs: number): Promise<void> {
    for (;;) {
      await this.activity.idle();
      const next = this.nextDue();
      if (next === undefined || next - this.current > horizonMs) return;
      await this.advanceTo(next);
    }
  }

  private earliest(): PendingTimer | undefined {
    let best: PendingTimer | undefined;
    for (const t of this.timers) {
      if (!best || t.due < best.due || (t.due === best.due && t.seq < best.seq)) best = t;
    }
    return best;
  }
}
