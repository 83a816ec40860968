import type { Outgoing } from './events.js';
import { isGroupId, userPart, type ChatId, type PersonId } from './ids.js';
import type { Messages } from './messages.js';

export interface SpeakOptions {
  mentions?: PersonId[];
  quotedId?: string;
}

/**
 * The one way out of the bot. It adds the parent-run footer to every message, so no feature can
 * post anything that could pass for the school speaking.
 */
export class Speaker {
  constructor(
    private readonly messages: Messages,
    private readonly send: (out: Outgoing) => void,
    /** Whether this person may be written to privately: someone in one of the groups, or who wrote first. */
    private readonly mayTell: (person: PersonId) => boolean = () => true,
  ) {}

  /** Queues the message; the pacer sends it when the chat's turn comes. */
  async post(chat: ChatId, text: string, options: SpeakOptions = {}): Promise<void> {
    const out: Outgoing = { chat, text: `${text}\n\n${this.messages.footer()}` };
    if (options.mentions?.length) out.mentions = [...new Set(options.mentions)];
    if (options.quotedId) out.quotedId = options.quotedId;
    return this.send(out);
  }

  /** A private message to one person. Anyone else is never messaged out of the blue: it is dropped. */
  async tell(person: PersonId, text: string): Promise<void> {
    if (isGroupId(person)) throw new Error('tell() takes a person, not a group');
    if (!this.mayTell(person)) throw Object.assign(new Error('not a contact'), { code: 'ENOTCONTACT' });
    return this.post(person, text);
  }
}

/** WhatsApp shows a mention only when the text carries `@<number>` and the id is in mentions. */
export function mentionText(people: PersonId[]): string {
  return people.map((p) => `@${userPart(p)}`).join(' ');
}
