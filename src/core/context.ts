import type { Config } from '../config/schema.js';
import type { TemplateKey } from '../config/templates.js';
import type { Logger } from './log.js';
import type { LanguageModel } from './model.js';
import type { Reports } from '../services/reports.js';
import type { SeenMessages } from '../services/seen.js';
import type { GroupRecord, Store } from '../services/store.js';
import type { Clock } from './clock.js';
import type { ParsedCommand } from './commands.js';
import type { ChatEvent, MessageEvent } from './events.js';
import { isGroupId, type PersonId } from './ids.js';
import type { Messages } from './messages.js';
import type { Speaker, SpeakOptions } from './speaker.js';

export interface Services {
  config: Config;
  store: Store;
  clock: Clock;
  log: Logger;
  messages: Messages;
  speaker: Speaker;
  /** How reports leave the machine, for !status and !privacy. */
  mailMode: 'smtp' | 'files';
  reports: Reports;
  seen: SeenMessages;
  /** The bot's own WhatsApp id: configured for the simulator, learnt from WhatsApp once connected. */
  self: { id: PersonId };
  /** The optional language model; absent, everything is answered offline. */
  model?: LanguageModel;
}

/** What a feature may touch. Nothing here knows whether WhatsApp or the simulator is on the other end. */
export interface Context {
  readonly event: ChatEvent;
  /** The group the event happened in, as the bot knows it (undefined in a private chat). */
  readonly group: GroupRecord | undefined;
  /** The message's text, cleaned for matching (see core/text.ts); '' for other events. */
  readonly text: string;
  /** Set by the command feature when the message is a command. */
  command?: ParsedCommand;
  /** People who have just joined the group, as the membership feature worked out. */
  newcomers?: PersonId[];
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

export function createContext(event: ChatEvent, text: string, services: Services, log: () => Logger): Context {
  const { speaker, clock, messages, store } = services;
  const inGroup = isGroupId(event.chat);
  return {
    event,
    // Read live: a feature earlier in the chain may have just recorded the group.
    get group() {
      return inGroup ? store.group(event.chat) : undefined;
    },
    text,
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
