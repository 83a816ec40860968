// The peer: the same three workloads through grammY, a widely used bot framework, with every Bot
// API call answered in-process (an API transformer that never reaches the network), so that both
// sides are measured on routing, handlers and the send call, and nothing else.
import { Bot } from 'grammy';

/** grammY's `hears` for concern questions: a plain regex, as a grammY bot would do it. */
export const GRAMMY_CONCERN_RE =
  /\b(?:concerns?|complain\w*|complaints?|report\w*|bull(?:y|ies|ied|ying)|raise|escalat\w*|safeguarding|incidents?|inappropriate|issues?|problems?|worried|grievances?|abus\w*|racis\w*|harass\w*|whistleblowing)\b/i;

const BOT_INFO = {
  id: 7000000001,
  is_bot: true,
  first_name: 'Parent Group Steward',
  username: 'parent_group_steward_bot',
  can_join_groups: true,
  can_read_all_group_messages: true,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
};

/**
 * A grammY bot with a `command` handler for rules, a `hears` regex for concern questions and a
 * no-op for the rest. `concernFilter`, when given, replaces the regex (to see what our matcher
 * costs inside grammY).
 */
export function grammyBot({ rulesText, concernText, concernFilter }) {
  const bot = new Bot('7000000001:BENCHMARK-TOKEN-NOT-REAL', { botInfo: BOT_INFO });
  const stats = { calls: 0, bytes: 0 };
  let nextId = 1;
  bot.api.config.use(async (_prev, method, payload) => {
    stats.calls += 1;
    stats.bytes += typeof payload?.text === 'string' ? payload.text.length : 0;
    return {
      ok: true,
      result: {
        message_id: nextId++,
        date: Math.floor(Date.now() / 1000),
        chat: { id: payload?.chat_id ?? 0, type: 'supergroup' },
        from: BOT_INFO,
        text: payload?.text,
      },
    };
  });
  bot.command('rules', (ctx) => ctx.reply(rulesText));
  const answerConcern = (ctx) => ctx.reply(concernText, { reply_parameters: { message_id: ctx.msg.message_id } });
  if (concernFilter) bot.on('message:text').filter((ctx) => concernFilter(ctx.msg.text), answerConcern);
  else bot.hears(GRAMMY_CONCERN_RE, answerConcern);
  bot.on('message', () => {});
  return { bot, stats };
}

let updateId = 0;
let messageId = 0;
/** A Telegram update for a text message in a supergroup (a command carries its bot_command entity, as Telegram sends it). */
export function telegramUpdate(group, member, text) {
  const message = {
    message_id: ++messageId,
    date: 1767600000 + messageId,
    chat: { id: -1001000000000 - group, type: 'supergroup', title: `Year ${group + 1} Parents` },
    from: { id: 447700000000 + group * 1000 + member, is_bot: false, first_name: 'Parent' },
    text,
  };
  const command = /^\/[a-z]+/.exec(text);
  if (command) message.entities = [{ type: 'bot_command', offset: 0, length: command[0].length }];
  return { update_id: ++updateId, message };
}
