import { maskUrl } from '../config/mask.js';
import type { Config, School } from '../config/schema.js';
import type { ConnectionStatus, WhatsAppState } from '../core/connection.js';
import type { Feature } from '../core/feature.js';
import { groupCode, isGroupId, type GroupId } from '../core/ids.js';
import type { GroupRecord, Services } from '../core/services.js';

const DAY_MS = 86_400_000;
/** How far back "delivered lately" looks. */
const DELIVERED_WINDOW_DAYS = 7;

export interface GroupFacts {
  name: string;
  /** The code an operator names the group by (`!leave CODE`), never its WhatsApp id. */
  code: string;
  approved: boolean;
  paused: boolean;
  /** Members the bot knows, itself not counted. */
  members: number;
  languages: string[];
  /** When the bot last heard from the group since it started; null when nothing since. */
  lastActivityAt: string | null;
}

/**
 * What the volunteer who runs the bot needs to see at a glance, as plain data: for the operator's
 * !status and the local status page alike. Counts, codes and states only: no message content, no
 * phone number, no WhatsApp id.
 */
export interface StatusFacts {
  at: string;
  whatsapp: { state: WhatsAppState; since: string };
  groups: GroupFacts[];
  outbox: {
    queued: number;
    failed: number;
    /** Of the reports still kept (delivered ones stay `reports.retentionDays`). */
    deliveredLast7Days: number;
    /** The error code while the mail server's login is refused and every report waits. */
    onHold: string | null;
  };
  /** The SMTP server as host and port only (see mailServer), or .eml files on this machine. */
  mail: { mode: 'smtp'; server: string } | { mode: 'files' };
  model: { on: false } | { on: true; callsLeft: number; dailyCalls: number; tokensLeft: number; dailyTokens: number };
  policyReview: string;
}

/** What the facts come from besides the features' services: parts only the composition root holds. */
export interface StatusSources {
  connection: ConnectionStatus;
  /** The outbox's hold, as the mail error's code. */
  outboxOnHold(): string | undefined;
  /** What today's model budget has left; absent when no model is set up. */
  modelBudget?(): { calls: number; tokens: number };
}

/**
 * When the school's policy is next reviewed, as the operator reads it. The one place that reads
 * the setting, so a change of its shape (text today) is met here alone, and the compiler says so.
 */
export function policyReviewDate(school: School): string {
  return school.policy.reviewDate;
}

/**
 * The mail server as host and port: the URL is masked first (mask.ts), and of it only the host
 * is kept, so neither the password nor the login (often an email address) is shown.
 */
function mailServer(smtpUrl: string): string {
  const masked = maskUrl(smtpUrl);
  try {
    return new URL(masked).host || masked;
  } catch {
    return masked;
  }
}

/** The languages a group is answered in; groups recorded before languages existed are English. */
function languagesOf(group: GroupRecord): string[] {
  const languages = (group as GroupRecord & { languages?: unknown }).languages;
  return Array.isArray(languages) && languages.length ? languages.map(String) : ['en'];
}

function mailFacts(config: Config, mode: Services['mailMode']): StatusFacts['mail'] {
  return mode === 'smtp' && config.mail.smtpUrl ? { mode: 'smtp', server: mailServer(config.mail.smtpUrl) } : { mode: 'files' };
}

/**
 * Gathers the status facts, and keeps the one fact nothing else keeps: when each group was last
 * heard from. That is in memory only (since the bot started): writing the database on every
 * message would cost every message a disk write for the sake of one line in !status.
 */
export class StatusDesk {
  private readonly lastHeard = new Map<GroupId, number>();

  constructor(
    private readonly services: Services,
    private readonly sources: StatusSources,
  ) {}

  /** Early in the list, before a group that waits for approval stops an event: it is activity too. */
  readonly feature: Feature = {
    name: 'last-activity',
    handle: async (ctx, next) => {
      const event = ctx.event;
      if (event.kind !== 'group' && isGroupId(event.chat)) {
        const now = ctx.now().getTime();
        // A message delivered late counts from when it was sent; a time ahead of this clock, or none (0), as now.
        const sent = event.at.getTime();
        const at = sent > 0 && sent < now ? sent : now;
        if (at > (this.lastHeard.get(event.chat) ?? -Infinity)) this.lastHeard.set(event.chat, at);
      }
      await next();
    },
  };

  facts(): StatusFacts {
    const { config, store, reports, mailMode, model, self, clock } = this.services;
    const now = clock.now();
    const weekAgo = now.getTime() - DELIVERED_WINDOW_DAYS * DAY_MS;
    const outbox: StatusFacts['outbox'] = { queued: 0, failed: 0, deliveredLast7Days: 0, onHold: this.sources.outboxOnHold() ?? null };
    for (const report of reports.all()) {
      const delivery = report.delivery;
      if (delivery.state === 'queued') outbox.queued += 1;
      else if (delivery.state === 'failed') outbox.failed += 1;
      else if (Date.parse(delivery.sentAt ?? report.createdAt) > weekAgo) outbox.deliveredLast7Days += 1;
    }
    const budget = model ? this.sources.modelBudget?.() : undefined;
    const { dailyCalls, dailyTokens } = config.model;
    return {
      at: now.toISOString(),
      whatsapp: { state: this.sources.connection.state, since: this.sources.connection.since.toISOString() },
      groups: store.groups().map((group) => {
        const heard = this.lastHeard.get(group.id);
        return {
          name: group.name,
          code: groupCode(group.id),
          approved: group.approved,
          paused: group.paused,
          members: store.memberCount(group, [self.id]),
          languages: languagesOf(group),
          lastActivityAt: heard === undefined ? null : new Date(heard).toISOString(),
        };
      }),
      outbox,
      mail: mailFacts(config, mailMode),
      model: model
        ? { on: true, callsLeft: budget?.calls ?? dailyCalls, dailyCalls, tokensLeft: budget?.tokens ?? dailyTokens, dailyTokens }
        : { on: false },
      policyReview: policyReviewDate(config.school),
    };
  }
}
