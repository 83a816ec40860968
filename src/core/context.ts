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

export function createContext(
  event: ChatEvent,
  text: string,
  state: EventState,
  catalogue: Catalogue,
  services: Services,
  log: () => Logger,
): Context {
  const { speaker, clock, messages, store } = services;
  const inGroup = isGroupId(event.chat);
  return {
    event,
    // Read live: a feature earlier in the chain may have just recorded the group.
    get group() {
      return inGroup ? store.group(event.chat) : undefined;
    },
    text,
    state,
    catalogue,
    services,
    get log() {
      return log();
    },
    now: () => clock.now(),
    isAdmin: (person) => (inGroup && store.group(event.chat)?.admins.includes(person)) ?? false,
    reply: (body, options) => speaker.post(event.chat, body, options),
    answer: (body, options) =>
      speaker.post(event.chat, body, event.kind === 'message' ? { ...options, quotedId: event.id } : options),
    tell: (person, body) => speaker.tell(person, body),
    say: (key, values) => messages.render(key, values),
  };
}
