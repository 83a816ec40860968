import type { Clock, Timer } from './clock.js';
import { errorCode, type Logger } from './log.js';

/** Work the bot does at times of its own rather than in answer to an event: the weekly digest, the policy's reminders. */
export interface ScheduledJob {
  name: string;
  /**
   * Does whatever has fallen due by `now`, and nothing else. It runs at every start, so what fell
   * due while the bot was off is done then, and it may run early: it must keep on disk what it did.
   */
  run(now: Date): Promise<void>;
  /** The next moment something may fall due; undefined when nothing ever will (the job is switched off). */
  nextRun(now: Date): Date | undefined;
}

/**
 * The longest single wait: far below what a real timer can hold (24.8 days), and short enough that
 * a machine clock put right, or a suspended laptop, delays a job by hours at most.
 */
const LONGEST_WAIT_MS = 6 * 3_600_000;

/** Runs each job at start and then whenever it says, on the bot's clock (simulated in tests). */
export class Scheduler {
  private readonly timers = new Map<ScheduledJob, Timer>();
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly log: Logger,
    /** Counts a run as the bot's work, so that a stop (and simulated time) waits for it. */
    private readonly track: (work: () => Promise<void>) => Promise<void>,
  ) {}

  start(jobs: readonly ScheduledJob[]): void {
    for (const job of jobs) this.wake(job, 0);
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers.values()) timer.cancel();
    this.timers.clear();
  }

  private wake(job: ScheduledJob, afterMs: number): void {
    this.timers.set(job, this.clock.setTimer(afterMs, () => this.track(() => this.fire(job))));
  }

  private async fire(job: ScheduledJob): Promise<void> {
    if (this.stopped) return;
    try {
      await job.run(this.clock.now());
    } catch (error) {
      this.log.error('scheduled job failed', { job: job.name, code: errorCode(error) });
    }
    if (this.stopped) return;
    const now = this.clock.now().getTime();
    const next = job.nextRun(new Date(now));
    if (next === undefined) return;
    this.wake(job, Math.min(LONGEST_WAIT_MS, Math.max(0, next.getTime() - now)));
  }
}
