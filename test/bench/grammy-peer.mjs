// The peer: the same three workloads through grammY, a widely used bot framework, with every Bot
// API call answered in-process (an API transformer that never reaches the network), so that both
// sides are measured on routing, handlers and the send call, and nothing else. It comes in two
// builds: grammY as a grammY bot is usually written (a command handler, a regex, a no-op for the
// rest), and grammY doing our per-message work, so the framework's cost can be told apart from
// the classifier's.
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

function offlineBot() {
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
  return { bot, stats };
}

const quoting = (ctx) => ({ reply_parameters: { message_id: ctx.msg.message_id } });

/** grammY as its users write it: a `command` handler for rules, a `hears` regex for concern questions, a no-op for the rest. */
export function grammyBot({ rulesText, concernText }) {
  const { bot, stats } = offlineBot();
  bot.command('rules', (ctx) => ctx.reply(rulesText));
  bot.hears(GRAMMY_CONCERN_RE, (ctx) => ctx.reply(concernText, quoting(ctx)));
  bot.on('message', () => {});
  return { bot, stats };
}

/**
 * grammY doing what our pipeline does with each message: our command parser on every text, our
 * concern matcher on every text that is not a command, and our rendered texts as the replies.
 * It is fed our texts too ('!rules', not '/rules'), since parseCommand knows only '!'.
 */
export function grammySameWorkBot({ rulesText, concernText, parseCommand, matchConcern }) {
  const { bot, stats } = offlineBot();
  bot.on('message:text', async (ctx, next) => {
    const text = ctx.msg.text;
    const command = parseCommand(text);
    if (command) {
      if (command.name === 'rules') await ctx.reply(rulesText);
      return;
    }
    if (matchConcern(text).isConcern) return void (await ctx.reply(concernText, quoting(ctx)));
    return next();
  });
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
