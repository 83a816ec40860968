import type { Context } from './context.js';
import type { Feature } from './router.js';
import type { TemplateKey } from '../config/templates.js';
import { Cooldown } from './cooldown.js';
import { cleanText } from './text.js';
import { isPrivateMessage } from './context.js';

export interface ParsedCommand {
  /** Lower case, ASCII letters only. */
  name: string;
  /** Whitespace-separated words after the name, lower case. */
  args: string[];
  /** Everything after the name as typed (trimmed), for free text such as a reason. */
  rest: string;
}

const MAX_NAME = 20;
const MAX_REST = 1000;

/**
 * `!rules`, `! Rules  FULL`, `！rules` (a full-width mark, as some keyboards type it) are all
 * commands; `!!!`, `wow!` and `!1` are not.
 */
export function parseCommand(raw: string): ParsedCommand | null {
  return readCommand(cleanText(raw));
}

/** parseCommand for text that is already clean (the context's `text`). */
function readCommand(clean: string): ParsedCommand | null {
  const text = clean.trimStart();
  const match = /^!\s*([A-Za-z]{1,40})(?![\p{L}\p{M}\p{N}])([\s\S]*)$/u.exec(text);
  if (!match) return null;
  const name = match[1]!.toLowerCase();
  if (name.length > MAX_NAME) return null;
  const rest = match[2]!.trim().slice(0, MAX_REST);
  const args = rest.length ? rest.toLowerCase().split(/\s+/).filter(Boolean) : [];
  return { name, args, rest };
}

export interface Command {
  name: string;
  /** The template holding this command's line in !help; a command that shares another's line has none. */
  help?: TemplateKey;
  where: 'group' | 'any';
  /** Only the group's admins, as WhatsApp reports them in the group's data. */
  adminOnly?: boolean;
  /** Still answered while an admin has paused the bot in the group. */
  whilePaused?: boolean;
  run(ctx: Context & { command: ParsedCommand }): Promise<void>;
}

/**
 * Finds the command a message names and applies the guards every command shares: where it may
 * be used, who may use it, and the group's pause. Messages that are not commands go on to the
 * other features.
 */
export function commandFeature(commands: Command[], unknownCooldownMs: number): Feature {
  const byName = new Map(commands.map((c) => [c.name, c]));
  // A typo is answered privately once in a while, not every time.
  const unknownNotes = new Cooldown(unknownCooldownMs);
  return async (ctx, next) => {
    if (ctx.event.kind !== 'message') return next();
    const parsed = readCommand(ctx.text);
    if (!parsed) return next();
    const event = ctx.event;
    const inGroup = !isPrivateMessage(ctx);
    const paused = ctx.group?.paused ?? false;
    const command = byName.get(parsed.name);

    if (!command) {
      if (paused) return;
      // In a group a typo is answered privately, and only once in a while: the group never sees it.
      if (!inGroup) await ctx.reply(ctx.say('unknownCommand', { command: parsed.name }));
      else if (unknownNotes.check(event.from, ctx.now()) === 'first') {
        await ctx.tell(event.from, ctx.say('unknownCommand', { command: parsed.name }));
      }
      return;
    }
    if (command.where === 'group' && !inGroup) {
      await ctx.reply(ctx.say('groupOnly', { command: command.name }));
      return;
    }
    if (command.adminOnly && !ctx.isAdmin(event.from)) {
      await ctx.tell(event.from, ctx.say('adminOnly', { command: command.name, groupName: groupLabel(ctx) }));
      return;
    }
    if (paused && !command.whilePaused) return;
    ctx.command = parsed;
    await command.run(ctx as Context & { command: ParsedCommand });
  };
}

export function groupLabel(ctx: Context): string {
  return ctx.group?.name || 'this group';
}
