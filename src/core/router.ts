import { readCommand } from './commands.js';
import { createContext, groupLabel, isPrivateMessage, type Catalogue, type Context, type EventState } from './context.js';
import { Cooldown } from './cooldown.js';
import { eventLogId, type InboundEvent } from './events.js';
import type { CommandContext, CommandFeature, Feature } from './feature.js';
import { isPersonId, maskId } from './ids.js';
import { errorCode, type Logger } from './log.js';
import type { Services } from './services.js';
import { cleanText } from './text.js';

/**
 * Hands each event to the features in the order they are listed. A message that is a command
 * stops at that command's feature, after the guards every command shares; an unknown command
 * stops where the last command is listed. One bad event never stops the bot: whatever a feature
 * throws is logged here with the event's id and an error code, and the next event goes on.
 */
export class Router {
  private readonly commands = new Map<string, CommandFeature>();
  private readonly afterLastCommand: number;
  readonly catalogue: Catalogue;
  // A typo is answered privately once in a while, not every time.
  private readonly unknownNotes: Cooldown;

  constructor(
    private readonly features: readonly Feature[],
    private readonly services: Services,
    private readonly log: Logger,
    unknownNoteCooldownMs: number,
  ) {
    let last = -1;
    features.forEach((feature, index) => {
      if (!feature.command) return;
      last = index;
      for (const name of feature.command.names) {
        if (this.commands.has(name)) throw new Error(`two features answer !${name}`);
        this.commands.set(name, feature);
      }
    });
    this.afterLastCommand = last + 1;
    this.unknownNotes = new Cooldown(unknownNoteCooldownMs);
    this.catalogue = {
      helpLines: features.flatMap((f) => (f.help ? [f.help] : [])),
      publicCommands: features
        .flatMap((f) => (f.command && !f.command.adminOnly && f.help ? [`!${f.command.names[0]}`] : []))
        .join(' · '),
    };
  }

  async handle(event: InboundEvent): Promise<void> {
    if (event.kind === 'connected') {
      this.services.self.id = event.self;
      this.log.info('connected', { as: maskId(event.self) });
      return;
    }
    // Most messages log nothing: the event's logger is made only when something is logged.
    let child: Logger | undefined;
    const log = () => (child ??= this.log.child({ event: eventLogId(event), kind: event.kind, chat: maskId(event.chat) }));
    if (event.kind === 'message' && !isPersonId(event.from)) {
      // Only people post messages; anything else (a group or broadcast id as sender) is noise.
      log().warn('message ignored: sender is not a person');
      return;
    }
    try {
      const text = event.kind === 'message' ? cleanText(event.text) : '';
      const state: EventState = {};
      if (event.kind === 'message') {
        const command = readCommand(text);
        if (command) state.command = command;
      }
      await this.run(createContext(event, text, state, this.catalogue, this.services, log), 0);
    } catch (error) {
      log().error('event failed', { code: errorCode(error) });
    }
  }

  private async run(ctx: Context, index: number): Promise<void> {
    const command = ctx.state.command;
    if (command && index === this.afterLastCommand) return this.unknownCommand(ctx, command.name);
    const feature = this.features[index];
    if (!feature) return;
    const next = () => this.run(ctx, index + 1);
    if (feature.command) {
      if (command && feature.command.names.includes(command.name)) return this.runCommand(ctx, feature);
      return next();
    }
    if (!feature.handle) return next();
    await feature.handle(ctx, next);
  }

  private async runCommand(ctx: Context, feature: CommandFeature): Promise<void> {
    if (ctx.event.kind !== 'message') return;
    const spec = feature.command;
    const from = ctx.event.from;
    const name = ctx.state.command!.name;
    if (spec.where === 'group' && isPrivateMessage(ctx)) return ctx.reply(ctx.say('groupOnly', { command: name }));
    if (spec.adminOnly && !ctx.isAdmin(from)) {
      return ctx.tell(from, ctx.say('adminOnly', { command: name, groupName: groupLabel(ctx) }));
    }
    if (ctx.group?.paused && !spec.whilePaused) return;
    await feature.handle(ctx as CommandContext);
  }

  private async unknownCommand(ctx: Context, name: string): Promise<void> {
    if (ctx.event.kind !== 'message' || ctx.group?.paused) return;
    // In a group a typo is answered privately, and only once in a while: the group never sees it.
    if (isPrivateMessage(ctx)) await ctx.reply(ctx.say('unknownCommand', { command: name }));
    else if (this.unknownNotes.check(ctx.event.from, ctx.now()) === 'first') {
      await ctx.tell(ctx.event.from, ctx.say('unknownCommand', { command: name }));
    }
  }
}
