import { readCommand } from './commands.js';
import { createContext, groupLabel, isPrivateMessage, type Catalogue, type Context, type EventState } from './context.js';
import { Cooldown } from './cooldown.js';
import { eventLogId, type InboundEvent, type MessageEvent } from './events.js';
import type { CommandContext, CommandFeature, Feature } from './feature.js';
import { isGroupId, isPersonId, maskId } from './ids.js';
import { errorCode, type Logger } from './log.js';
import type { Services } from './services.js';
import { cleanText } from './text.js';

/** A feature's handler, or the place in the chain where commands are dispatched. */
type Step = ((ctx: Context, next: () => Promise<void>) => Promise<void>) | 'commands';

type Place = 'group' | 'private';

/**
 * Who answers one command name, in groups and in private chats: one feature for both (`where:
 * 'any'`), or one in each place, as `!status` is a group's admins' in a group and the operator's
 * in a private chat.
 */
type CommandPlaces = Partial<Record<Place, CommandFeature>>;

const placesOf = (where: CommandFeature['command']['where']): Place[] => (where === 'any' ? ['group', 'private'] : [where]);

/**
 * Hands each event to the features in the order they are listed. The commands sit together in
 * that list: a message that is a command stops there, at its own feature after the guards every
 * command shares (or with a note, when no feature knows it); other messages pass them by. One bad
 * event never stops the bot: whatever a feature throws is logged here with the event's id and an
 * error code, and the next event goes on.
 */
export class Router {
  private readonly commands = new Map<string, CommandPlaces>();
  /** The features' handlers in order, with one step for all the commands: a message meets each once. */
  private readonly steps: Step[] = [];
  readonly catalogue: Catalogue;
  // A typo is answered privately once in a while, not every time.
  private readonly unknownNotes: Cooldown;

  constructor(
    features: readonly Feature[],
    private readonly services: Services,
    private readonly log: Logger,
    unknownNoteCooldownMs: number,
  ) {
    for (const feature of features) {
      if (!feature.command) {
        if (feature.handle) this.steps.push(feature.handle.bind(feature));
        continue;
      }
      if (!this.steps.includes('commands')) this.steps.push('commands');
      else if (this.steps.at(-1) !== 'commands') throw new Error(`!${feature.command.names[0]} is listed apart from the other commands`);
      for (const name of feature.command.names) {
        const places = this.commands.get(name) ?? {};
        for (const place of placesOf(feature.command.where)) {
          if (places[place]) throw new Error(`two features answer !${name} in ${place} chats`);
          places[place] = feature;
        }
        this.commands.set(name, places);
      }
    }
    this.unknownNotes = new Cooldown(unknownNoteCooldownMs);
    this.catalogue = {
      helpLines: features.flatMap((f) => (f.help ? [f.help] : [])),
      publicCommands: features
        .flatMap((f) => (f.command && !f.command.adminOnly && !f.command.operatorOnly && f.help ? [`!${f.command.names[0]}`] : []))
        .join(' · '),
    };
  }

  async handle(event: InboundEvent): Promise<void> {
    if (event.kind === 'connected') {
      this.services.self.id = event.self;
      this.log.info('connected', { as: maskId(event.self) });
      return;
    }
    if (event.kind === 'listed') {
      // From now on a group the bot is added to waits for an operator's approval.
      await this.services.store.markLinked();
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
        if (this.isLate(event.at)) state.late = true;
      }
      await this.run(createContext(event, text, state, this.catalogue, this.services, log), 0);
    } catch (error) {
      log().error('event failed', { code: errorCode(error) });
    }
  }

  private async run(ctx: Context, index: number): Promise<void> {
    const step = this.steps[index];
    if (step === undefined) return;
    if (step !== 'commands') return step(ctx, () => this.run(ctx, index + 1));
    const command = ctx.state.command;
    if (!command) return this.run(ctx, index + 1);
    const feature = ctx.event.kind === 'message' ? this.featureFor(ctx.event, command.name) : undefined;
    return feature ? this.runCommand(ctx, feature) : this.unknownCommand(ctx, command.name);
  }

  /**
   * The feature that answers this command here: the one for this kind of chat, else the one for
   * the other kind (whose guard then says where the command works). An operator's command exists
   * for the operators alone: to anyone else the name means what it would without it, the other
   * place's command or else an unknown one, so nothing reveals it.
   */
  private featureFor(event: MessageEvent, name: string): CommandFeature | undefined {
    const places = this.commands.get(name);
    if (!places) return undefined;
    const [here, elsewhere]: [Place, Place] = isGroupId(event.chat) ? ['group', 'private'] : ['private', 'group'];
    const operator = this.services.config.bot.operator.includes(event.from);
    return [places[here], places[elsewhere]].find((feature) => feature && (operator || !feature.command.operatorOnly));
  }

  private async runCommand(ctx: Context, feature: CommandFeature): Promise<void> {
    if (ctx.event.kind !== 'message') return;
    const spec = feature.command;
    const from = ctx.event.from;
    const name = ctx.state.command!.name;
    if (spec.where === 'group' && isPrivateMessage(ctx)) return ctx.reply(ctx.say('groupOnly', { command: name }));
    if (spec.where === 'private' && !isPrivateMessage(ctx)) return ctx.tell(from, ctx.say('privateOnly', { command: name }));
    const needsAdmin = spec.adminOnly === 'toChange' ? ctx.state.command!.args.length > 0 : spec.adminOnly;
    if (needsAdmin && !ctx.isAdmin(from)) {
      return ctx.tell(from, ctx.say('adminOnly', { command: name, groupName: groupLabel(ctx) }));
    }
    if (ctx.group?.paused && !spec.whilePaused) return;
    if (spec.skipLate && ctx.state.late && !isPrivateMessage(ctx)) return;
    await feature.handle(ctx as CommandContext);
  }

  /** Sent longer ago than `replies.lateMessageMinutes`. A time of 0 is WhatsApp giving none: not known to be late. */
  private isLate(sentAt: Date): boolean {
    const sent = sentAt.getTime();
    return sent > 0 && this.services.clock.now().getTime() - sent > this.services.config.replies.lateMessageMinutes * 60_000;
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
