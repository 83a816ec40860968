import type { Outgoing } from './events.js';
import { isGroupId, userPart, type ChatId, type PersonId } from './ids.js';
import type { Messages } from './messages.js';
import { hasWordsMark, type Words } from './words.js';

export interface SpeakOptions {
  mentions?: PersonId[];
  quotedId?: string;
  /** The languages to write words in (two: one after the other); the chat's own when absent. */
  languages?: readonly string[];
}

/** Between the two languages of one message. */
export const LANGUAGE_SEPARATOR = '────────────';

/**
 * The one way out of the bot. It adds the parent-run footer to every message, so no feature can
 * post anything that could pass for the school speaking. Words (see core/words.ts) are written
 * out here in the chat's languages, each with its footer in that language.
 */
export class Speaker {
  constructor(
    private readonly messages: Messages,
    private readonly send: (out: Outgoing) => void,
    /** Whether this person may be written to privately: someone in one of the groups, or who wrote first. */
    private readonly mayTell: (person: PersonId) => boolean = () => true,
    /** The languages a chat reads: a group's setting, a person's own. */
    private readonly languagesOf: (chat: ChatId) => readonly string[] = () => messages.defaults,
  ) {}

  /**
   * Queues the message; the pacer sends it when the chat's turn comes. Text already written out
   * (the school's English, a template rendered in English) gets the English footer.
   */
  async post(chat: ChatId, text: string | Words, options: SpeakOptions = {}): Promise<void> {
    const out: Outgoing = { chat, text: this.compose(chat, text, options.languages) };
    if (options.mentions?.length) out.mentions = [...new Set(options.mentions)];
    if (options.quotedId) out.quotedId = options.quotedId;
    return this.send(out);
  }

  /** A private message to one person. Anyone else is never messaged out of the blue: it is dropped. */
  async tell(person: PersonId, text: string | Words, options: { languages?: readonly string[] } = {}): Promise<void> {
    if (isGroupId(person)) throw new Error('tell() takes a person, not a group');
    if (!this.mayTell(person)) throw Object.assign(new Error('not a contact'), { code: 'ENOTCONTACT' });
    return this.post(person, text, options);
  }

  private compose(chat: ChatId, text: string | Words, languages?: readonly string[]): string {
    if (typeof text === 'string') {
      // The context writes out what ctx.say gave; marks here are words that went around it.
      if (hasWordsMark(text)) throw Object.assign(new Error('words sent without the context'), { code: 'EUNRENDERED' });
      return `${text}\n\n${this.messages.footer()}`;
    }
    const chosen = languages?.length ? languages : this.languagesOf(chat);
    return chosen.map((language) => `${text(language)}\n\n${this.messages.footerIn(language)}`).join(`\n\n${LANGUAGE_SEPARATOR}\n\n`);
  }
}

/** WhatsApp shows a mention only when the text carries `@<number>` and the id is in mentions. */
export function mentionText(people: PersonId[]): string {
  return people.map((p) => `@${userPart(p)}`).join(' ');
}
