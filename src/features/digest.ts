import { formatDay, shiftDay, ukDay, weeklyAfter, weeklyAtOrBefore } from '../core/calendar.js';
import { errorCode } from '../core/log.js';
import type { ScheduledJob } from '../core/schedule.js';
import { countedThings, type Counted, type JobStore, type Services } from '../core/services.js';
import { reviewState } from './policy-life.js';

/** What the digest asks of the delivery side, which only the composition root can see. */
export interface DeliveryFacts {
  /** The code the mail server refused the login with, while report emails are on hold. */
  paused(): string | undefined;
  /** Reports that failed for good and are still in storage. */
  failedInStorage(): number;
}

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

/**
 * Once a week, each operator hears privately what the bot did in the 7 days before: counts only,
 * never a name, a number or a message, and what needs them. A digest that fell due while the bot
 * was off goes once when it starts again; the first run only notes the week it started in.
 */
export function weeklyDigest(services: Services, memory: JobStore, delivery: DeliveryFacts): ScheduledJob {
  const { config, store, speaker, messages, log, counters, reports } = services;
  const { enabled, day, time } = config.digest;
  const weekday = WEEKDAYS.indexOf(day);

  reports.events.on('delivered', () => counters.count('reportsDelivered'));
  reports.events.on('failed', () => counters.count('reportsFailed'));

  /** The digest for the moment it was due: the 7 UK days before that day. */
  function digestText(dueAt: Date, now: Date): string {
    const untilDay = ukDay(dueAt);
    const fromDay = shiftDay(untilDay, -7);
    const totals = counters.totals(fromDay, untilDay);
    const lines = (Object.keys(countedThings) as Counted[]).map((what) => messages.render(countedThings[what], { count: totals[what] }));
    lines.push(messages.render('digestAwaiting', { count: store.groups().filter((g) => !g.approved).length }));

    const needs: string[] = [];
    const paused = delivery.paused();
    if (paused) needs.push(messages.render('digestDeliveryPaused', { code: paused }));
    const failed = delivery.failedInStorage();
    if (failed) needs.push(messages.render('digestFailedWaiting', { count: failed }));
    const review = reviewState(config.school, now);
    if (review !== 'current') needs.push(messages.render(review === 'past' ? 'digestReviewPast' : 'digestReviewSoon'));

    return messages.render('digest', {
      from: formatDay(fromDay, 'weekday'),
      to: formatDay(shiftDay(untilDay, -1), 'weekday'),
      counts: lines.join('\n'),
      needs: needs.length ? messages.render('digestNeedsYou', { lines: needs.join('\n') }) : messages.render('digestAllWell'),
    });
  }

  return {
    name: 'weekly-digest',
    async run(now) {
      if (!enabled) return;
      const dueAt = weeklyAtOrBefore(now, weekday, time);
      const last = memory.jobs.digestFor;
      if (last !== undefined && Date.parse(last) >= dueAt.getTime()) return;
      // Noted before it is sent: a crash in between costs one week's digest, never a second copy.
      await memory.updateJobs((jobs) => (jobs.digestFor = dueAt.toISOString()));
      if (last === undefined) return;
      if (!config.bot.operator.length) return;
      const text = digestText(dueAt, now);
      for (const operator of config.bot.operator) {
        await speaker.tell(operator, text).catch((error: unknown) => log.warn('digest not sent', { code: errorCode(error) }));
      }
      log.info('weekly digest sent', { operators: config.bot.operator.length });
    },
    nextRun: (now) => (enabled ? weeklyAfter(now, weekday, time) : undefined),
  };
}
