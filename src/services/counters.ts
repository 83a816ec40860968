import { shiftDay, ukDay } from '../core/calendar.js';
import type { Clock, Timer } from '../core/clock.js';
import { errorCode, type Logger } from '../core/log.js';
import { countedThings, type Counted, type Counters } from '../core/services.js';
import type { Store } from './store.js';

/** Long enough for a digest sent late after the bot was off for a while; no longer, as they are of no other use. */
const KEEP_DAYS = 56;
/** Counts wait this long for a write: a busy group costs one write a minute, and a crash loses a minute of counts at most. */
const SAVE_AFTER_MS = 60_000;

/** The digest's counts, one total per thing per UK day, in the store. */
export class DailyCounters implements Counters {
  private saving: Timer | undefined;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  count(what: Counted, by = 1): void {
    const today = ukDay(this.clock.now());
    this.store.addCount(today, what, by, shiftDay(today, -KEEP_DAYS));
    this.saving ??= this.clock.setTimer(SAVE_AFTER_MS, async () => {
      this.saving = undefined;
      await this.store.save().catch((error: unknown) => this.log.warn('counts not saved', { code: errorCode(error) }));
    });
  }

  totals(fromDay: string, untilDay: string): Record<Counted, number> {
    const stored = this.store.countsBetween(fromDay, untilDay);
    const totals = {} as Record<Counted, number>;
    for (const what of Object.keys(countedThings) as Counted[]) totals[what] = stored[what] ?? 0;
    return totals;
  }

  /** The store writes everything as it closes: the timer need not outlive the bot. */
  stop(): void {
    this.saving?.cancel();
    this.saving = undefined;
  }
}
