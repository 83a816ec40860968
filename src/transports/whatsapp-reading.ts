import type { Chat, GroupChat, GroupNotification, Message } from 'whatsapp-web.js';
import type { Clock } from '../core/clock.js';
import type { GroupEvent, InboundEvent, QuotedMessage } from '../core/events.js';
import type { GroupId, PersonId } from '../core/ids.js';
import { errorCode, type Logger } from '../core/log.js';
import type { WhatsAppClient } from './whatsapp-client.js';
import {
  describedMedia,
  groupEvent,
  membershipEvent,
  membershipIds,
  messageEvent,
  messageIds,
  participantIds,
  quotedAuthor,
  quotedMessage,
  serialized,
} from './whatsapp-events.js';
import type { WhatsAppPeople } from './whatsapp-people.js';

/**
 * What WhatsApp tells, read into the core's events: messages with their quotes and attachments
 * described, membership changes, and groups as they are now. Every person in them goes through
 * the alias table first, and the bot's own messages are left out.
 */
export class WhatsAppReader {
  /** The bot's own id, in its phone-number form once WhatsApp has told it. */
  private botId: PersonId | undefined;

  constructor(
    private readonly people: WhatsAppPeople,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** A client said 'ready': the id it gives the bot, until knowSelf has its number. */
  readied(client: WhatsAppClient): PersonId | undefined {
    this.botId = serialized(client.info?.wid) || this.botId;
    return this.botId;
  }

  /**
   * The bot's own ids, learnt at each connection: WhatsApp names it by number in some groups and
   * by hidden id in others, and `client.info.wid` is the hidden one while the number is unknown.
   * Knowing both, the bot sees itself in a group's list and never answers its own messages.
   */
  async knowSelf(client: WhatsAppClient): Promise<PersonId | undefined> {
    const wid = this.botId;
    if (!wid) return undefined;
    this.botId = await this.people.resolve(client, wid);
    return this.botId;
  }

  async message(client: WhatsAppClient, message: Message): Promise<InboundEvent | undefined> {
    const ids = messageIds(message);
    if (!ids) return undefined;
    const from = await this.people.person(client, ids.author);
    if (!from || from === this.botId) return undefined;
    const quoted = message.hasQuotedMsg ? await this.quoted(client, message) : undefined;
    const media = describedMedia(message, () => this.download(message));
    const mentions = await this.people.people(client, ids.mentions);
    return messageEvent(message, { from, mentions, quoted, media });
  }

  private async quoted(client: WhatsAppClient, message: Message): Promise<QuotedMessage | undefined> {
    let quoted: Message | undefined;
    try {
      quoted = await message.getQuotedMessage();
    } catch (error) {
      // The reply still matters without its quote: a !flag then gets the "reply to a message" help.
      this.log.warn('could not read a quoted message', { code: errorCode(error) });
    }
    if (!quoted) return undefined;
    const found = quoted;
    const from = found.fromMe ? this.botId : await this.people.person(client, quotedAuthor(found));
    const media = describedMedia(found, () => this.download(found));
    return quotedMessage(found, { from, media });
  }

  /**
   * whatsapp-web.js fetches a whole file into the browser before it hands it over, so this is
   * called only by a report that has checked the size WhatsApp announced.
   */
  private async download(message: Message): Promise<Uint8Array | undefined> {
    try {
      const media = await message.downloadMedia();
      return media?.data ? Buffer.from(media.data, 'base64') : undefined;
    } catch (error) {
      this.log.warn('could not download an attachment', { code: errorCode(error) });
      return undefined;
    }
  }

  async membership(client: WhatsAppClient, kind: 'join' | 'leave', n: GroupNotification): Promise<InboundEvent[]> {
    const ids = membershipIds(kind, n);
    const members = await this.people.people(client, ids.members);
    const by = ids.by ? await this.people.person(client, ids.by) : undefined;
    const event = membershipEvent(kind, n, { members, by }, this.clock.now());
    const events: InboundEvent[] = [event];
    // The bot was just added: WhatsApp tells the group's name and people only when asked.
    if (kind === 'join' && this.botId && members.includes(this.botId)) events.push(...(await this.group(client, event.chat)));
    return events;
  }

  /**
   * A group as WhatsApp lists it, or undefined for one the bot has left or was removed from:
   * WhatsApp Web keeps such a chat, but the bot is no longer among its participants. (Whether
   * the bot may write there is no guide: in whatsapp-web.js 1.34 `isReadOnly` means only admins
   * may send, and the bot must still know who is in an announcement-only group.)
   */
  private async toGroup(client: WhatsAppClient, chat: Chat, catchUp: boolean): Promise<GroupEvent | undefined> {
    const group = chat as GroupChat;
    const members = await this.people.people(client, participantIds(group));
    if (this.botId && !members.includes(this.botId)) return undefined;
    return groupEvent(group, members, catchUp, this.clock.now());
  }

  async group(client: WhatsAppClient, chatId: GroupId): Promise<InboundEvent[]> {
    const chat = await client.getChatById(serialized(chatId));
    const event = chat?.isGroup ? await this.toGroup(client, chat, false) : undefined;
    return event ? [event] : [];
  }

  /**
   * On every connection, each group as it is now. The core compares it with what it stored
   * before, so people who joined while the bot was away are welcomed.
   */
  async groups(client: WhatsAppClient): Promise<InboundEvent[]> {
    const groups = (await client.getChats()).filter((chat) => chat.isGroup);
    const events: InboundEvent[] = [];
    for (const chat of groups) {
      const event = await this.toGroup(client, chat, true);
      if (event) events.push(event);
    }
    this.log.info('groups read', { count: events.length, left: groups.length - events.length });
    events.push({ kind: 'listed', at: this.clock.now() });
    return events;
  }
}
