import type { Config } from '../config/schema.js';
import type { Context } from '../core/context.js';
import { Cooldown } from '../core/cooldown.js';
import type { CommandContext, CommandFeature, Feature } from '../core/feature.js';
import { isGroupId } from '../core/ids.js';
import { errorCode } from '../core/log.js';
import type { GroupRecord } from '../core/services.js';
import { personWords, tellAdmins } from './admin-notes.js';
import { joinedRecently } from './groups.js';

/*
 * Scams reach parent groups through accounts that have just joined: a link, a group invite, or a
 * number to call about easy money. For a member's first hours such a message is taken down where
 * the bot is an admin, and the admins are told privately; established members are never touched.
 * The text is read here, in memory, and never kept: admins hear the site's name only.
 */

/** What a message holds that a new member may not post: sites not let through, and a number offering money. */
export interface Suspicious {
  sites: string[];
  money: boolean;
}

// After a scheme or www., any site. Written bare, a site counts by its ending: alone, one that no
// word run into the next sentence makes ("ok.so", "e.g.", "10.30am"); an ending that is also an
// English word ("Thanks.Me and…", "more.info") only with a path after it (t.me/…, youtu.be/…).
const DOMAIN_ENDINGS = 'com|org|net|uk|io|ly|gl|gd|gg|cc|tk|ml|ga|cf|gq|xyz|icu|ru|cn|pk|ng|ws|pw|bd|ae|sa|eu|biz|gle';
const WORD_ENDINGS = 'me|be|us|co|tv|win|live|app|link|top|info|site|store|shop|club|online|click|buzz|vip|bid|loan|to|at|gy';
const HOST = String.raw`(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{1,62}`;
const LABELS = String.raw`(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+`;
const schemeOrWww = new RegExp(String.raw`(?:https?:\/\/|\bwww\.)(${HOST}|[^\s/?#:]+)`, 'giu');
// Not after @ (an email address), a dot, a slash or a letter (the middle of a longer name).
const bareSite = new RegExp(String.raw`(?<![@\w.\-\/])(${LABELS}(?:${DOMAIN_ENDINGS}))(?![\w-]|\.[a-z0-9])`, 'giu');
const bareSiteWithPath = new RegExp(String.raw`(?<![@\w.\-\/])(${LABELS}(?:${WORD_ENDINGS}))\/[^\s]`, 'giu');
const email = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/gu;
// Ten to fifteen digits, as people write numbers: spaces, dashes, dots and brackets between.
const phone = /(?:\+|\b)\d(?:[\s().-]{0,2}\d){9,14}\b/u;
const moneyWords = new RegExp(
  String.raw`[£$€₦]|\b(?:cash|invest\w*|bitcoin\w*|btc|crypto\w*|forex|usdt|binance|loans?|lender\w*|earn\w*|profit\w*|` +
    String.raw`giveaway\w*|prizes?|lottery|jackpot|dividends?|payouts?|income|double your)\b`,
  'iu',
);

/** A site as the bot names it: lower case, without www. or a trailing dot. */
export function siteName(host: string): string {
  return host.toLowerCase().replace(/\.+$/, '').replace(/^www\./, '');
}

/** A site an admin typed ("https://www.Example.org/page", "example.org"), or undefined when it is none. */
export function typedSite(typed: string): string | undefined {
  const host = typed.trim().toLowerCase().replace(/^[a-z]+:\/\//, '').split(/[/?#:]/)[0] ?? '';
  const site = siteName(host);
  return /^(?!-)[a-z0-9-]{1,63}(\.[a-z0-9-]{1,63})+$/.test(site) && /[a-z]/.test(site) ? site : undefined;
}

const allowedBy = (site: string, allowed: readonly string[]) => allowed.some((a) => site === a || site.endsWith(`.${a}`));

/** The sites and money offers in a message that are not let through; undefined when there are none. */
export function suspiciousParts(text: string, allowed: readonly string[]): Suspicious | undefined {
  const withoutEmails = text.replace(email, ' ');
  const found = new Set<string>();
  for (const match of withoutEmails.matchAll(schemeOrWww)) found.add(siteName(match[1]!));
  for (const match of [...withoutEmails.matchAll(bareSite), ...withoutEmails.matchAll(bareSiteWithPath)]) {
    const site = siteName(match[1]!);
    // "3.com" is not a site anyone links to; a name with letters is.
    if (/[a-z]/.test(site.split('.')[0]!)) found.add(site);
  }
  const sites = [...found].filter((site) => site && !allowedBy(site, allowed));
  const money = phone.test(withoutEmails) && moneyWords.test(withoutEmails);
  return sites.length || money ? { sites, money } : undefined;
}

/** The sites the config lets through everywhere: its list and the school's own website. */
export function configuredSites(config: Config): string[] {
  const school = config.school.website ? typedSite(config.school.website) : undefined;
  return [...new Set([...config.links.allow.map(siteName), ...(school ? [school] : [])])];
}

function allowedSites(config: Config, group: GroupRecord | undefined): string[] {
  return [...new Set([...configuredSites(config), ...(group?.links?.allow ?? [])])];
}

const HOUR_MS = 3_600_000;

/**
 * Links and money offers from members in their first `links.newMemberHours`: deleted for everyone
 * where the bot is an admin (the sender is told why and how to ask an admin), and the admins told
 * privately either way. Before the commands, so a `!` in front does not let a link through.
 */
export function newMemberLinks(): Feature {
  // One note an hour to a sender, and to the admins about that sender: a spammer's tenth link is deleted quietly.
  const senderNotes = new Cooldown(HOUR_MS);
  const adminNotes = new Cooldown(HOUR_MS);
  return {
    name: 'new-member-links',
    async handle(ctx, next) {
      const event = ctx.event;
      const group = ctx.group;
      if (event.kind !== 'message' || !isGroupId(event.chat) || !group || group.paused || group.links?.on === false) return next();
      const { store, config, self, chats, counters, messages } = ctx.services;
      if (event.from === self.id || ctx.isAdmin(event.from)) return next();
      const hours = config.links.newMemberHours;
      const sentAt = event.at.getTime() > 0 ? event.at : ctx.now();
      if (!joinedRecently(store, group, event.from, sentAt, hours)) return next();
      const found = suspiciousParts(ctx.text, allowedSites(config, group));
      if (!found) return next();

      let deleted = false;
      if (ctx.isAdmin(self.id)) {
        try {
          await chats.deleteForEveryone(event.chat, event.id);
          deleted = true;
        } catch (error) {
          ctx.log.warn('could not delete a link from a new member', { code: errorCode(error) });
        }
      }
      ctx.log.info(deleted ? 'link from a new member deleted' : 'link from a new member left', { sites: found.sites.length, money: found.money });
      const key = `${event.chat} ${event.from}`;
      if (deleted) {
        counters.count('linksHeld');
        if (senderNotes.check(key, ctx.now()) === 'first') {
          await ctx.tell(event.from, ctx.say('linkHeldSender', { groupName: group.name || 'the group', hours }));
        }
      }
      if (adminNotes.check(key, ctx.now()) === 'first') {
        const what = found.sites.length ? messages.words('linkWhatSites', { sites: found.sites.join(', ') }) : messages.words('linkWhatMoney');
        const values = { groupName: group.name || 'your group', hours, who: personWords(messages, event.from, event.senderName), what };
        await tellAdmins(ctx.services, group, messages.words(deleted ? 'linkHeldAdmins' : 'linkSeenAdmins', values));
      }
      // A deleted message is gone for everyone: nothing else answers or reports it.
      if (!deleted) await next();
    },
  };
}

/** The most sites one group's admins can add. */
const MOST_SITES = 50;

function linksState(ctx: Context, group: GroupRecord | undefined): string {
  const { config, self } = ctx.services;
  const on = group?.links?.on !== false;
  return ctx.say('linksState', {
    groupName: group?.name || 'this group',
    state: ctx.say(on ? 'on' : 'off'),
    hours: config.links.newMemberHours,
    action: ctx.say(ctx.isAdmin(self.id) ? 'linksActionDelete' : 'linksActionTell'),
    allowed: allowedList(ctx, group),
  });
}

function allowedList(ctx: Context, group: GroupRecord | undefined): string {
  const sites = allowedSites(ctx.services.config, group);
  return sites.length ? sites.join(', ') : ctx.say('linksNone');
}

/**
 * !links (admins): on, off, and the sites let through. Answered privately, like everything this
 * feature does: the group sees nothing new.
 */
export function linksCommand(): CommandFeature {
  const answer = (ctx: CommandContext, text: string) => ctx.tell(ctx.event.from, text);
  const update = (ctx: CommandContext, change: (group: GroupRecord) => void) => ctx.services.store.updateGroup(ctx.event.chat, change);
  return {
    name: 'links',
    help: 'helpLinks',
    command: { names: ['links'], where: 'group', adminOnly: true, whilePaused: true },
    async handle(ctx) {
      const [choice, typed] = ctx.state.command.args;
      if (choice === undefined) return answer(ctx, linksState(ctx, ctx.group));
      if (choice === 'on' || choice === 'off') {
        const group = await update(ctx, (g) => (g.links = { ...g.links, on: choice === 'on' }));
        ctx.log.info('links set', { links: choice });
        return answer(ctx, linksState(ctx, group));
      }
      if (choice !== 'allow' && choice !== 'disallow') return answer(ctx, ctx.say('linksUsage'));
      const groupName = ctx.group?.name || 'this group';
      if (typed === undefined) {
        return answer(ctx, choice === 'allow' ? ctx.say('linksAllowed', { groupName, allowed: allowedList(ctx, ctx.group) }) : ctx.say('linksUsage'));
      }
      const site = typedSite(typed);
      if (!site) return answer(ctx, ctx.say('linksUsage'));
      const own = ctx.group?.links?.allow ?? [];
      if (choice === 'disallow' && !own.includes(site)) return answer(ctx, ctx.say('linksNotAllowed', { site }));
      if (choice === 'allow' && !own.includes(site) && own.length >= MOST_SITES) return answer(ctx, ctx.say('linksAllowFull', { limit: MOST_SITES }));
      const group = await update(ctx, (g) => {
        const allow = (g.links?.allow ?? []).filter((s) => s !== site);
        g.links = { ...g.links, allow: choice === 'allow' ? [...allow, site] : allow };
      });
      ctx.log.info('links sites changed', { sites: group.links?.allow?.length ?? 0 });
      return answer(ctx, ctx.say('linksAllowed', { groupName, allowed: allowedList(ctx, group) }));
    },
  };
}
