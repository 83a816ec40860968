import { describe, expect, it } from '@jest/globals';
import { Activity } from '../../src/core/activity.js';
import { SimulatedClock } from '../../src/core/clock.js';

const START = new Date('2026-01-05T08:00:00Z');
const at = (clock: SimulatedClock) => clock.now().getTime() - START.getTime();

function simulated(graceMs?: number) {
  const activity = new Activity();
  const clock = new SimulatedClock(START, activity, (error) => {
    throw error;
  }, graceMs);
  return { activity, clock };
}

/** A request to the outside that a deadline on the clock abandons, as the model's calls are. */
function withDeadline(clock: SimulatedClock, answer: Promise<string>, deadlineMs: number): Promise<string> {
  const deadline = new Promise<string>((resolve) => clock.setTimer(deadlineMs, () => resolve('timed out')));
  return clock.outside(Promise.race([answer, deadline]));
}

describe('waiting on the outside in simulated time', () => {
  it('a server that answers within the grace is never outrun: time stands still and the answer wins', async () => {
    const { activity, clock } = simulated(5000);
    const answer = new Promise<string>((resolve) => setTimeout(() => resolve('answer'), 30));
    await expect(activity.track(() => withDeadline(clock, answer, 1000))).resolves.toBe('answer');
    expect(at(clock)).toBe(0);
  });

  it('past the grace, a server that never answers costs the time to its deadline, and the timers before it fire in order', async () => {
    const { activity, clock } = simulated(20);
    const fired: number[] = [];
    clock.setTimer(400, () => void fired.push(at(clock)));
    const result = await activity.track(() => withDeadline(clock, new Promise<string>(() => undefined), 1000));
    expect(result).toBe('timed out');
    expect(fired).toEqual([400]);
    expect(at(clock)).toBe(1000);
  });

  it('stopWaitingForOutside ends the grace at once, for a server known never to answer', async () => {
    const { activity, clock } = simulated(60_000);
    const waiting = activity.track(() => withDeadline(clock, new Promise<string>(() => undefined), 2500));
    await new Promise<void>((resolve) => setImmediate(resolve));
    clock.stopWaitingForOutside();
    await expect(waiting).resolves.toBe('timed out');
    expect(at(clock)).toBe(2500);
  });

  it('while an advance is moving time, a background wait leaves the moving to it', async () => {
    const { activity, clock } = simulated(10);
    let result: string | undefined;
    // Work started by a timer, as the outbox's drain is: the advance that fired it goes only to 100.
    clock.setTimer(0, async () => {
      result = await withDeadline(clock, new Promise<string>(() => undefined), 1000);
    });
    await clock.advanceTo(START.getTime() + 100);
    expect(result).toBeUndefined();
    expect(at(clock)).toBe(100);
    // The next advance takes time past the deadline.
    await clock.runOn(10 * 60_000);
    expect(result).toBe('timed out');
    expect(at(clock)).toBe(1000);
    expect(activity.busy).toBe(false);
  });
});
