import type { Timer } from '../core/clock.js';
import type { Context } from '../core/context.js';
import type { JoinRequestEvent, MessageEvent } from '../core/events.js';
import type { CommandContext, CommandFeature, Feature } from '../core/feature.js';
import { isGroupId, type GroupId, type PersonId } from '../core/ids.js';
import { errorCode } from '../core/log.js';
import type { GroupRecord, Services } from '../core/services.js';
import type { Words } from '../core/words.js';
import { personWords, shownText, tellAdmins } from './admin-notes.js';

/*
 * The code of conduct asks that only people responsible for a child at the school join (guideline
 * 6). Where a group has WhatsApp's "approve new participants" on and the bot is an admin, each
 * person asking to join is sent the rules and asked how they are connected to the school; their
 * answer, or their silence, goes to the group's admins, who decide in WhatsApp. The bot approves
 * nobody unless the admins set !joins auto, and then only someone who said they agree to the rules.
 * Requests and answers are held in memory only, for at most the wait: never written to disk.
 */

interface Pending {
  group: GroupId;
  person: PersonId;
  timer: Timer;
}

/** Requests counted in one group's hour: past the limit, one summary instead of a message to each. */
interface RequestWindow {
  startedAt: number;
  count: number;
  flooded: number;
  summary?: Timer;
}

const HOUR_MS = 3_600_000;
/** The longest answer passed to admins, and on how many lines. */
const ANSWER_CHARS = 600;
const ANSWER_LINES = 6;

// "Yes", "I agree", "agreed, I will follow the rules"; anything that says no, or not, is left to
// the admins: a wrong approval lets a stranger in, a missed one only waits for a person.
const agreeing = /\b(?:yes|yeah|yep|agree[ds]?|accept(?:ed)?|i will (?:follow|keep|abide|respect))\b/u;
const refusing = /\b(?:no|not|never|nope|don'?t|dont|won'?t|wont|disagree[ds]?|refuse[ds]?)\b|n't\b/u;

/** Whether a requester's reply clearly says they agree to the code of conduct. */
export function agreesToRules(reply: string): boolean {
  const text = reply.toLowerCase().replace(/[’‘`]/g, "'");
  return agreeing.test(text) && !refusing.test(text);
}

/** An answer as admins read it: each line marked as the requester's own words. */
function quotedAnswer(text: string): string {
  return shownText(text, ANSWER_CHARS, ANSWER_LINES)
    .split('\n')
    .map((line) => `| ${line}`)
    .join('\n');
}

export class JoinRequests {
  private readonly pending = new Map<string, Pending>();
  private readonly windows = new Map<GroupId, RequestWindow>();
  /** Groups whose admins have been told that the bot, not being an admin there, only passes on that requests wait. */
  private readonly toldNotAdmin = new Set<GroupId>();

  constructor(private readonly services: Services) {}

  /** A person asking to join may be written to while their request waits for an answer: the Speaker asks this. */
  awaiting(person: PersonId): boolean {
    for (const request of this.pending.values()) if (request.person === person) return true;
    return false;
  }

  /** Requests, and the private answers to the bot's question; joins close the requests they answer. */
  readonly feature: Feature = {
    name: 'join-requests',
    handle: async (ctx, next) => {
      const event = ctx.event;
      if (event.kind === 'join_request') return this.requested(ctx, event);
      if (event.kind === 'join' || event.kind === 'leave') this.closeFor(event.chat, event.members);
      if (event.kind === 'message' && this.isAnswer(event, ctx)) return this.answered(ctx, event);
      await next();
    },
  };

  /** !joins (admins): how requests are handled here; `auto` lets the bot approve those who agree. */
  readonly command: CommandFeature = {
    name: 'joins',
    help: 'helpJoins',
    command: { names: ['joins'], where: 'group', adminOnly: true, whilePaused: true },
    handle: async (ctx) => {
      const choice = ctx.state.command.args[0];
      if (choice !== undefined && choice !== 'auto' && choice !== 'off') return ctx.tell(ctx.event.from, ctx.say('joinsUsage'));
      const group = choice === undefined ? ctx.group : await ctx.services.store.updateGroup(ctx.event.chat, (g) => (g.joinsAuto = choice === 'auto'));
      if (choice !== undefined) ctx.log.info('joins set', { joins: choice });
      await ctx.tell(ctx.event.from, this.state(ctx, group));
    },
  };

  private state(ctx: CommandContext, group: GroupRecord | undefined): string {
    return ctx.say('joinsState', {
      groupName: group?.name || 'this group',
      mode: ctx.say(group?.joinsAuto ? 'joinsModeAuto' : 'joinsModeOff'),
      notAdmin: ctx.isAdmin(ctx.services.self.id) ? '' : ctx.say('joinsNotAdmin'),
    });
  }

  private key(group: GroupId, person: PersonId): string {
    return `${group} ${person}`;
  }

  private async requested(ctx: Context, event: JoinRequestEvent): Promise<void> {
    const { store, self, counters, messages, config, clock } = this.services;
    const group = ctx.group;
    // Paused by its admins, the bot does nothing in a group, privately either.
    if (!group || group.paused) return;
    const requesters = [...new Set(event.members)].filter((p) => p !== self.id && !store.isMember(group, p));
    if (!requesters.length) return;
    counters.count('joinRequests', requesters.length);
    const botIsAdmin = ctx.isAdmin(self.id);
    ctx.log.info('join request', { requesters: requesters.length, botIsAdmin });
    const groupName = group.name || 'your group';
    if (!botIsAdmin) {
      // Only admins see requests, and WhatsApp lists them: one word that the bot could help is enough.
      if (this.toldNotAdmin.has(group.id)) return;
      this.toldNotAdmin.add(group.id);
      await tellAdmins(this.services, group, messages.words('joinNotAdminAdmins', { groupName }));
      return;
    }
    for (const person of requesters) {
      const key = this.key(group.id, person);
      if (this.pending.has(key)) continue;
      if (!this.withinLimit(group.id)) continue;
      if (person.endsWith('@lid')) {
        // A hidden id cannot be written to before that person writes to the bot.
        await tellAdmins(this.services, group, messages.words('joinHiddenAdmins', { groupName, who: personWords(messages, person) }));
        continue;
      }
      const waitMs = config.joins.answerWaitHours * HOUR_MS;
      const timer = clock.setTimer(waitMs, () => this.unanswered(key));
      this.pending.set(key, { group: group.id, person, timer });
      await ctx.tell(person, ctx.say('joinAsk', { groupName }));
    }
  }

  /**
   * Whether one more request in this group may be handled on its own. Past the hourly limit, the
   * admins get one summary when the hour is over, and nobody is written to: a flood of requests
   * is more often spam than parents.
   */
  private withinLimit(chat: GroupId): boolean {
    const { clock, config } = this.services;
    const now = clock.now().getTime();
    let window = this.windows.get(chat);
    if (!window || now - window.startedAt >= HOUR_MS) {
      if (window?.summary) return this.flood(window, chat);
      window = { startedAt: now, count: 0, flooded: 0 };
      this.windows.set(chat, window);
    }
    window.count += 1;
    if (window.count <= config.joins.perGroupPerHour) return true;
    return this.flood(window, chat);
  }

  private flood(window: RequestWindow, chat: GroupId): false {
    const { clock } = this.services;
    window.flooded += 1;
    window.summary ??= clock.setTimer(Math.max(0, window.startedAt + HOUR_MS - clock.now().getTime()), async () => {
      this.windows.delete(chat);
      const group = this.services.store.group(chat);
      if (!group?.approved) return;
      const text = this.services.messages.words('joinFloodAdmins', { count: window.flooded, groupName: group.name || 'your group' });
      this.services.log.info('join requests flooded', { count: window.flooded });
      await tellAdmins(this.services, group, text);
    });
    return false;
  }

  /** A private message, not a command or a forward, from someone whose request waits for their answer. */
  private isAnswer(event: MessageEvent, ctx: Context): boolean {
    return !isGroupId(event.chat) && !ctx.state.command && !event.forwarded && ctx.text.trim() !== '' && this.awaiting(event.from);
  }

  private async answered(ctx: Context, event: MessageEvent): Promise<void> {
    const { store, messages, chats, self } = this.services;
    const answer = quotedAnswer(ctx.text);
    const who = personWords(messages, event.from, event.senderName);
    for (const request of [...this.pending.values()].filter((r) => r.person === event.from)) {
      const group = store.group(request.group);
      if (!group) {
        this.close(request);
        continue;
      }
      const groupName = group.name || 'your group';
      let decision: Words = messages.words('joinDecide');
      if (group.joinsAuto) {
        decision = messages.words('joinNotAgreed');
        if (agreesToRules(ctx.text) && group.admins.includes(self.id)) {
          try {
            await chats.approveJoinRequests(group.id, [event.from]);
            ctx.log.info('join request approved: the requester agreed');
            await ctx.tell(event.from, ctx.say('joinApproved', { groupName }));
            this.close(request);
            await tellAdmins(this.services, group, messages.words('joinAutoApprovedAdmins', { groupName, who, answer }));
            continue;
          } catch (error) {
            ctx.log.warn('could not approve a join request', { code: errorCode(error) });
            decision = messages.words('joinApproveFailed');
          }
        }
      }
      await ctx.tell(event.from, ctx.say('joinAnswered', { groupName }));
      this.close(request);
      await tellAdmins(this.services, group, messages.words('joinAnswerAdmins', { groupName, who, answer, decision }));
    }
  }

  /** No answer within the wait: the admins hear so, and decide without one. */
  private async unanswered(key: string): Promise<void> {
    const request = this.pending.get(key);
    if (!request) return;
    this.pending.delete(key);
    const { store, messages, config } = this.services;
    const group = store.group(request.group);
    if (!group?.approved || group.paused) return;
    const text = messages.words('joinNoAnswerAdmins', {
      groupName: group.name || 'your group',
      who: personWords(messages, request.person),
      hours: config.joins.answerWaitHours,
    });
    await tellAdmins(this.services, group, text);
  }

  /** Requests WhatsApp has settled: the person joined (an admin approved them), or the bot left. */
  private closeFor(chat: GroupId, members: readonly PersonId[]): void {
    const self = this.services.self.id;
    for (const request of [...this.pending.values()]) {
      if (request.group === chat && (members.includes(request.person) || members.includes(self))) this.close(request);
    }
  }

  private close(request: Pending): void {
    request.timer.cancel();
    this.pending.delete(this.key(request.group, request.person));
  }
}
