import type { School } from '../config/schema.js';
import { dailyAfter, shiftDay, ukDay, ukMoment } from '../core/calendar.js';
import type { Feature } from '../core/feature.js';
import { groupCode, isGroupId, type PersonId } from '../core/ids.js';
import { errorCode } from '../core/log.js';
import type { ScheduledJob } from '../core/schedule.js';
import type { JobStore, Services } from '../core/services.js';

/** How long before the review date people start being reminded, and how often at most. */
const REMINDERS_FROM_DAYS = 30;
const REMIND_EVERY_DAYS = 7;
/** Reminders go out in the morning, not at the midnight a window opens or whenever the bot restarts. */
const REMINDER_TIME = '09:00';

export type ReviewState = 'current' | 'soon' | 'past';

/** Where the policy stands against its review date, in UK days: due soon from 30 days before it, past from the day itself. */
export function reviewState(school: School, now: Date): ReviewState {
  const due = school.policy.reviewDate;
  if (now.getTime() >= ukMoment(due).getTime()) return 'past';
  if (now.getTime() >= ukMoment(shiftDay(due, -REMINDERS_FROM_DAYS)).getTime()) return 'soon';
  return 'current';
}

export interface PolicyLife {
  /** Announces a new version in each group the next time the bot hears from it. */
  feature: Feature;
  /** Reminds the operators and the groups' admins to check for a newer version as the review date comes. */
  reminders: ScheduledJob;
  /**
   * Compares the configured version with the one last announced, before any event is handled. On
   * the very first run the version is only recorded: the groups heard of it in the introduction.
   */
  noteVersion(): Promise<void>;
}

/**
 * The school reviews its policy, and publishes new versions: the bot says so in each group once,
 * and as the review date comes it asks the people who can find out to check with the school.
 */
export function policyLife(services: Services, memory: JobStore): PolicyLife {
  const { config, store, speaker, messages, log, self } = services;
  const policy = config.school.policy;
  const operators = config.bot.operator;

  const announcement = () =>
    messages.words('policyAnnounced', { changes: policy.changes ? messages.words('policyChanges', { changes: policy.changes }) : '' });

  const feature: Feature = {
    name: 'policy-announcement',
    async handle(ctx, next) {
      await next();
      const chat = ctx.event.chat;
      if (!isGroupId(chat) || !memory.jobs.policy.pendingGroups.includes(chat)) return;
      const group = store.group(chat);
      // A paused group hears of it once an admin turns the bot back on.
      if (group && (!group.approved || group.paused)) return;
      // Taken off the list before it is posted: after a crash, a group misses it rather than hearing it twice.
      await memory.updateJobs((jobs) => {
        jobs.policy.pendingGroups = jobs.policy.pendingGroups.filter((id) => id !== chat);
      });
      if (!group) return;
      await ctx.reply(announcement());
      log.info('new policy version announced', { code: groupCode(chat), version: policy.version });
    },
  };

  /** The people who can find out about a newer version: the operators and each served group's admins. */
  function peopleToRemind(): PersonId[] {
    const admins = store.groups().flatMap((g) => (g.approved ? g.admins : []));
    return [...new Set([...operators, ...admins])].filter((person) => person !== self.id);
  }

  const reminders: ScheduledJob = {
    name: 'policy-review-reminders',
    async run(now) {
      const state = reviewState(config.school, now);
      const today = ukDay(now);
      if (state === 'current' || now.getTime() < ukMoment(today, REMINDER_TIME).getTime()) return;
      const lastDue = shiftDay(today, -REMIND_EVERY_DAYS);
      const remindedOn = memory.jobs.policy.remindedOn;
      const due = peopleToRemind().filter((person) => {
        const last = remindedOn[store.fingerprint(person)];
        return last === undefined || last <= lastDue;
      });
      if (!due.length) return;
      // Written first: a crash while sending skips a week's reminder rather than sending it twice.
      await memory.updateJobs((jobs) => {
        for (const person of due) jobs.policy.remindedOn[store.fingerprint(person)] = today;
      });
      const dueLine = messages.words(state === 'past' ? 'policyDueSince' : 'policyDueOn');
      for (const person of due) {
        // In the language of the person's groups, as every private notice.
        const text = messages.words(operators.includes(person) ? 'policyReviewOperator' : 'policyReviewAdmin', { due: dueLine });
        await speaker.tell(person, text).catch((error: unknown) => log.warn('review reminder not sent', { code: errorCode(error) }));
      }
      log.info('policy review reminders sent', { count: due.length, state });
    },
    nextRun: (now) => dailyAfter(now, REMINDER_TIME),
  };

  async function noteVersion(): Promise<void> {
    const known = memory.jobs.policy.version;
    if (known === policy.version) return;
    const served = store.groups().filter((g) => g.approved && !g.paused).map((g) => g.id);
    await memory.updateJobs((jobs) => {
      jobs.policy.version = policy.version;
      jobs.policy.pendingGroups = known === undefined ? [] : served;
      // A new version has a review date of its own: its reminders start afresh.
      jobs.policy.remindedOn = {};
    });
    if (known === undefined) log.info('policy version recorded', { version: policy.version });
    else log.info('policy version changed; each group hears of it once', { from: known, to: policy.version, groups: served.length });
  }

  return { feature, reminders, noteVersion };
}
