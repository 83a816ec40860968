import type { TemplateKey } from '../config/templates.js';
import type { ParsedCommand } from './commands.js';
import type { ChatEvent, MessageEvent } from './events.js';
import { isGroupId, type ChatId, type PersonId } from './ids.js';
import type { Logger } from './log.js';
import type { GroupRecord, Services } from './services.js';
import type { Values } from './messages.js';
import type { SpeakOptions } from './speaker.js';
import { hasWordsMark, WORDS_MARK, wordsMark, type Words } from './words.js';

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
  /**
   * The languages the event's chat reads: the group's (one, or two shown one after the other),
   * or, in a private chat, the one the person wrote in when recognisable, else their groups'.
   */
  readonly languages: readonly string[];
  /**
   * Answers in the chat the event came from. Text is what `say` gave (or plain text, sent as it
   * is); Words (`messages.words(...)`) are written out the same way.
   */
  reply(text: string | Words, options?: SpeakOptions): Promise<void>;
  /** Answers in the chat the event came from, quoting the message that asked. */
  answer(text: string | Words, options?: SpeakOptions): Promise<void>;
  /** A private message, in the one language that person reads. */
  tell(person: PersonId, text: string | Words): Promise<void>;
  /** Posts in another chat (a group an operator has just approved), in that chat's languages. */
  post(chat: ChatId, text: string | Words, options?: SpeakOptions): Promise<void>;
  /**
   * The bot's words for this template. Text to join, nest in another template's values, and
   * send with reply/answer/tell/post, which write it out in the languages of the chat it goes to.
   */
  say(key: TemplateKey, values?: Values): string;
  /** The same, in this language only, wherever it goes (a reply in the language a question was asked in). */
  sayIn(language: string, key: TemplateKey, values?: Values): string;
}

export function isPrivateMessage(ctx: Context): ctx is Context & { event: MessageEvent } {
  return ctx.event.kind === 'message' && !isGroupId(ctx.event.chat);
}

export function groupLabel(ctx: Context): string {
  return ctx.group?.name || 'this group';
}

/** Words a feature asked for in this event, written out when they are sent. */
interface Said {
  key: TemplateKey;
  values?: Values;
  /** sayIn's language; say's words follow the chat they go to. */
  language?: string;
}

/** One event's context. A class, so the many events that need nothing of it cost one small object. */
class EventContext implements Context {
  private readonly inGroup: boolean;
  private said: Said[] | undefined;

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

  // Read live too: !language changes them, and its answer is in the new ones.
  get languages(): readonly string[] {
    return this.languagesOf(this.event.chat);
  }

  now(): Date {
    return this.services.clock.now();
  }

  isAdmin(person: PersonId): boolean {
    return this.group?.admins.includes(person) ?? false;
  }

  reply(text: string | Words, options?: SpeakOptions): Promise<void> {
    return this.post(this.event.chat, text, options);
  }

  answer(text: string | Words, options?: SpeakOptions): Promise<void> {
    const event = this.event;
    return this.post(event.chat, text, event.kind === 'message' ? { ...options, quotedId: event.id } : options);
  }

  tell(person: PersonId, text: string | Words): Promise<void> {
    if (typeof text === 'function') return this.services.speaker.tell(person, text, { languages: [this.languageOf(person)] });
    if (!hasWordsMark(text)) return this.services.speaker.tell(person, text);
    return this.services.speaker.tell(person, this.wordsOf(text), { languages: this.pinned(text) ?? [this.languageOf(person)] });
  }

  post(chat: ChatId, text: string | Words, options?: SpeakOptions): Promise<void> {
    const speaker = this.services.speaker;
    if (typeof text === 'function') return speaker.post(chat, text, { ...options, languages: options?.languages ?? this.languagesOf(chat) });
    if (!hasWordsMark(text)) return speaker.post(chat, text, options);
    const languages = options?.languages ?? this.pinned(text) ?? this.languagesOf(chat);
    return speaker.post(chat, this.wordsOf(text), { ...options, languages });
  }

  say(key: TemplateKey, values?: Values): string {
    return this.mark({ key, ...(values ? { values } : {}) });
  }

  sayIn(language: string, key: TemplateKey, values?: Values): string {
    return this.mark({ key, language, ...(values ? { values } : {}) });
  }

  private mark(said: Said): string {
    this.said ??= [];
    this.said.push(said);
    return wordsMark(this.said.length - 1);
  }

  /** The text with each of its words written out in one language, words in their values first. */
  private writtenIn(text: string, language: string): string {
    return text.replace(WORDS_MARK, (mark, index: string) => {
      const said = this.said?.[Number(index)];
      if (!said) return mark;
      const inLanguage = said.language ?? language;
      let values: Values | undefined;
      if (said.values) {
        values = {};
        for (const [name, value] of Object.entries(said.values)) {
          values[name] = typeof value === 'string' && hasWordsMark(value) ? this.writtenIn(value, inLanguage) : value;
        }
      }
      return this.services.messages.renderIn(inLanguage, said.key, values);
    });
  }

  private wordsOf(text: string): Words {
    return (language) => this.writtenIn(text, language);
  }

  /** The languages sayIn fixed for this text's words, if it did. */
  private pinned(text: string): string[] | undefined {
    const languages = new Set<string>();
    for (const [, index] of text.matchAll(WORDS_MARK)) {
      const language = this.said?.[Number(index)]?.language;
      if (language) languages.add(language);
    }
    return languages.size ? [...languages] : undefined;
  }

  private languagesOf(chat: ChatId): string[] {
    const messages = this.services.messages;
    if (isGroupId(chat)) return messages.groupLanguages(chat === this.event.chat ? this.group : this.services.store.group(chat));
    return [this.languageOf(chat)];
  }

  /**
   * The one language a person reads privately: what they just wrote, if it was them; else the
   * group this happens in, or else their groups.
   */
  private languageOf(person: PersonId): string {
    const messages = this.services.messages;
    if (messages.languages.length === 1) return messages.defaults[0]!;
    const event = this.event;
    const wrote = event.kind === 'message' && event.from === person ? event.text : undefined;
    const here = this.group;
    const groups = here ? [here] : this.services.store.groupsOf(person);
    return messages.personLanguage(groups, wrote);
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
