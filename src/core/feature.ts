import type { TemplateKey } from '../config/templates.js';
import type { ParsedCommand } from './commands.js';
import type { Context } from './context.js';
import type { MessageEvent } from './events.js';

/** The guards a command shares with every other: where, who, and whether the group's pause silences it. */
export interface CommandSpec {
  /** `!name`; a command with several names (`pause`, `resume`) lists them all. */
  names: string[];
  /**
   * Where it works. One name may have two features, one for groups and one for private chats
   * (`!status`: a group's admins' in the group, the operator's in private); the router refuses any
   * other sharing of a name.
   */
  where: 'group' | 'private' | 'any';
  /**
   * Only the group's admins, as WhatsApp reports them in the group's data. `toChange`: anyone may
   * ask (`!language`), only admins may change (`!language ur`, any words after the name).
   */
  adminOnly?: boolean | 'toChange';
  /**
   * Only the volunteers who run the bot (BOT_OPERATOR). To anyone else the command does not
   * exist: they get what they would get without it, so nothing reveals it.
   */
  operatorOnly?: boolean;
  /** Still answered while an admin has paused the bot in the group. */
  whilePaused?: boolean;
  /**
   * Let go in a group when the message came late (see `EventState.late`): an answer posted long
   * after the question only interrupts. Commands that change something (!pause, !welcome, !flag)
   * do not set this: what an admin or a reporter asked for while the bot was offline still
   * stands, and the bot does it as soon as it hears of it.
   */
  skipLate?: boolean;
}

/** The context a command's handler gets: always a message, already parsed. */
export type CommandContext = Context & { readonly event: MessageEvent; readonly state: { readonly command: ParsedCommand } };

interface FeatureInfo {
  name: string;
  /** Its line in !help (and, for commands anyone may use, in the welcome). */
  help?: TemplateKey;
}

/** A command: handles only messages naming it, once its guards have passed. */
export interface CommandFeature extends FeatureInfo {
  command: CommandSpec;
  handle(ctx: CommandContext): Promise<void>;
}

/**
 * Anything else: sees every event in order and calls next() for what it leaves to later
 * features. One with no handler only listens to the services (see the Notifier).
 */
export interface EventFeature extends FeatureInfo {
  command?: undefined;
  handle?(ctx: Context, next: () => Promise<void>): Promise<void>;
}

/** One feature, one shape: the router, the command table and !help are all built from a list of these. */
export type Feature = CommandFeature | EventFeature;
