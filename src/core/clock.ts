import { Activity } from './activity.js';

export interface Timer {
  cancel(): void;
}

/** All of the bot's notion of time: real in production, simulated in script mode and tests. */
export interface Clock {
  now(): Date;
  setTimer(ms: number, fn: () => void | Promise<void>): Timer;
  sleep(ms: number): Promise<void>;
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

  constructor(
    start: Date,
    private readonly activity: Activity,
    private readonly onError: ErrorSink,
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

  /** Due time of the next timer, if any. */
  nextDue(): number | undefined {
    return this.earliest()?.due;
  }

  async advanceTo(target: Date | number): Promise<void> {
    const until = typeof target === 'number' ? target : target.getTime();
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
