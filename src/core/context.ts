import type { TemplateKey } from '../config/templates.js';
import type { ParsedCommand } from './commands.js';
import type { ChatEvent, MessageEvent } from './events.js';
import { isGroupId, type PersonId } from './ids.js';
import type { Logger } from './log.js';
import type { GroupRecord, Services } from './services.js';
import type { SpeakOptions } from './speaker.js';

/** What one feature leaves for a later one while an event passes through them. */
export interface EventState {
  /** The message is this command (parsed once, before any feature runs). */
  command?: ParsedCommand;
  /** People who have just joined the group, as the membership feature worked out. */
  newcomers?: PersonId[];
  /**
   * WhatsApp delivered the message late: it was sent while the bot was offline, longer ago than
   * `replies.lateMessageMinutes`. The group hears no answer to it.
   */
  late?: boolean;
}

/** The bot's features as a person meets them, for !help and the welcome. */
export interface Catalogue {
  /** Help lines of every feature, in order. */
  helpLines: TemplateKey[];
  /** `!rules · !help · …`: the commands anyone may use. */
  publicCommands: string;
}

/** What a feature may touch. Nothing here knows whether WhatsApp or the simulator is on the other end. */
export interface Context {
  readonly event: ChatEvent;
  /** The group the event happened in, as the bot knows it (undefined in a private chat). */
  readonly group: GroupRecord | undefined;
  /** The message's text, cleaned for matching (see core/text.ts); '' for other events. */
  readonly text: string;
  readonly state: EventState;
  readonly catalogue: Catalogue;
  readonly services: Services;
  readonly log: Logger;
  now(): Date;
  isAdmin(person: PersonId): boolean;
  /** Answers in the chat the event came from. */
  reply(text: string, options?: SpeakOptions): Promise<void>;
  /** Answers in the chat the event came from, quoting the message that asked. */
  answer(text: string, options?: SpeakOptions): Promise<void>;
  tell(person: PersonId, text: string): Promise<void>;
  say(key: TemplateKey, values?: Record<string, string | number>): string;
}

export function isPrivateMessage(ctx: Context): ctx is Context & { event: MessageEvent } {
  return ctx.event.kind === 'message' && !isGroupId(ctx.event.chat);
}

export function groupLabel(ctx: Context): string {
  return ctx.group?.name || 'this group';
}

/** One event's context. A class, so the many events that need nothing of it cost one small object. */
class EventContext implements Context {
  private readonly inGroup: boolean;

  constructor(
    readonly event: ChatEvent,
    readonly text: string,
    readonly state: EventState,
    readonly catalogue: Catalogue,
    readonly services: Services,
    private readonly makeLog: () => Logger,
  ) {
    this.inGroup = isGroupId(event.chat);
  }

  // Read live: a feature earlier in the chain may have just recorded the group.
  get group(): GroupRecord | undefined {
    return this.inGroup ? this.services.store.group(this.event.chat) : undefined;
  }

  get log(): Logger {
    return this.makeLog();
  }

  now(): Date {
    return this.services.clock.now();
  }

  isAdmin(person: PersonId): boolean {
    return this.group?.admins.includes(person) ?? false;
  }

  reply(text: string, options?: SpeakOptions): Promise<void> {
    return this.services.speaker.post(this.event.chat, text, options);
  }

  answer(text: string, options?: SpeakOptions): Promise<void> {
    const event = this.event;
    return this.services.speaker.post(event.chat, text, event.kind === 'message' ? { ...options, quotedId: event.id } : options);
  }

  tell(person: PersonId, text: string): Promise<void> {
    return this.services.speaker.tell(person, text);
  }

  say(key: TemplateKey, values?: Record<string, string | number>): string {
    return this.services.messages.render(key, values);
  }
}

export function createContext(
  event: ChatEvent,
  text: string,
  state: EventState,
  catalogue: Catalogue,
  services: Services,
  log: () => Logger,
): Context {
  return new EventContext(event, text, state, catalogue, services, log);
}
