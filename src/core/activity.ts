/**
 * Counts the bot's work that finishes without the clock moving (a send in flight, an SMTP
 * conversation, a job the queue is about to start). The simulator waits for it to reach zero
 * before it moves simulated time, so script output does not depend on how fast the machine is.
 */
export class Activity {
  private count = 0;
  private waiters: Array<() => void> = [];

  begin(): () => void {
    this.count += 1;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.count -= 1;
      if (this.count === 0) this.wakeWaiters();
    };
  }

  /**
   * Stops counting one piece of work that is now waiting on the outside world (a server that does
   * not answer), so that simulated time may pass meanwhile; the function returned counts it again.
   */
  stepAside(): () => void {
    if (this.count === 0) return () => undefined;
    this.count -= 1;
    if (this.count === 0) this.wakeWaiters();
    let back = false;
    return () => {
      if (back) return;
      back = true;
      this.count += 1;
    };
  }

  async track<T>(work: () => Promise<T>): Promise<T> {
    const end = this.begin();
    try {
      return await work();
    } finally {
      end();
    }
  }

  get busy(): boolean {
    return this.count > 0;
  }

  async idle(): Promise<void> {
    for (;;) {
      // One turn of the event loop lets promise chains that were just resolved register their work.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.count === 0) return;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  private wakeWaiters(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
