import { groupLabel, type Context } from '../core/context.js';
import type { CommandFeature, EventFeature } from '../core/feature.js';
import { isGroupId } from '../core/ids.js';
import type { JobStore } from '../core/services.js';
import { nudgeVerdict, type NudgeKind } from './nudge-score.js';

const WEEK_MS = 7 * 24 * 3_600_000;

const NOTES: Record<NudgeKind, 'nudgeGrievance' | 'nudgeBullying'> = { grievance: 'nudgeGrievance', bullying: 'nudgeBullying' };

export interface Nudges {
  /** Reads each group message and nudges its writer privately when it airs a grievance or bullying. */
  listener: EventFeature;
  /** `!nudges on|off` for a group's admins; `!nudges` alone says how it is set. */
  command: CommandFeature;
}

/**
 * The code of conduct asks that grievances about a teacher, child or parent stay out of the group
 * and that bullying go to the school at once. The group is never told: the writer alone gets a
 * kind note, at most once a week, with the clause and the way to the school. Every message's text
 * is read for this in memory, as it passes, and never kept or logged; what is kept is when each
 * person (by their fingerprint in the store, not their number) was last nudged, so that a restart
 * does not nudge them again.
 */
export function nudges(memory: JobStore): Nudges {
  /** Notes the nudge before it is sent: a crash in between costs one note, never a second one. */
  async function claimWeek(ctx: Context, person: string): Promise<boolean> {
    const now = ctx.now().getTime();
    const recent = (at: string | undefined) => at !== undefined && now - Date.parse(at) < WEEK_MS;
    if (recent(memory.jobs.nudgedAt?.[person])) return false;
    let claimed = false;
    await memory.updateJobs((jobs) => {
      const nudged = (jobs.nudgedAt ??= {});
      // Checked again inside the change: two messages at once must not both get a note.
      if (recent(nudged[person])) return;
      // A week on, nobody needs remembering: the record stays as small as the week's nudges.
      for (const [who, at] of Object.entries(nudged)) if (!recent(at)) delete nudged[who];
      nudged[person] = new Date(now).toISOString();
      claimed = true;
    });
    return claimed;
  }

  const listener: EventFeature = {
    name: 'nudges',
    async handle(ctx, next) {
      const event = ctx.event;
      const group = ctx.group;
      // A forwarded message is someone else's words; a late one is old news by now; a command is not talk.
      const readable =
        event.kind === 'message' && isGroupId(event.chat) && !event.forwarded && !ctx.state.command && !ctx.state.late &&
        group?.approved === true && !group.paused && group.nudges !== false;
      const kind = readable ? nudgeVerdict(ctx.text) : undefined;
      if (kind && event.kind === 'message' && (await claimWeek(ctx, ctx.services.store.fingerprint(event.from)))) {
        ctx.services.counters.count('nudges');
        ctx.log.info('nudge sent', { nudge: kind });
        await ctx.tell(event.from, ctx.say(NOTES[kind], { groupName: groupLabel(ctx) }));
      }
      await next();
    },
  };

  const command: CommandFeature = {
    name: 'nudges',
    help: 'helpNudges',
    command: { names: ['nudges'], where: 'group', adminOnly: true, whilePaused: true },
    async handle(ctx) {
      const choice = ctx.state.command.args[0];
      const groupName = groupLabel(ctx);
      if (choice === undefined) return ctx.reply(ctx.say('nudgesState', { state: ctx.say(ctx.group?.nudges === false ? 'off' : 'on'), groupName }));
      if (choice !== 'on' && choice !== 'off') return ctx.reply(ctx.say('nudgesUsage'));
      await ctx.services.store.updateGroup(ctx.event.chat, (g) => {
        if (choice === 'off') g.nudges = false;
        else delete g.nudges;
      });
      ctx.log.info('nudges set', { nudges: choice });
      await ctx.reply(ctx.say('nudgesState', { state: ctx.say(choice), groupName }));
    },
  };

  return { listener, command };
}
