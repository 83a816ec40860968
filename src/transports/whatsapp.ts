import type { GroupChat, GroupNotification, Message } from 'whatsapp-web.js';
import type { InboundEvent, Outgoing, SendTrouble, Transport } from '../core/events.js';
import type { ChatId, GroupId, PersonId } from '../core/ids.js';
import { errorCode } from '../core/log.js';
import type { PersonAliases } from '../core/services.js';
import type { WhatsAppClient } from './whatsapp-client.js';
import { WhatsAppConnection, type ConnectionOptions } from './whatsapp-connection.js';
import { joinRequestEvent, joinRequestIds, messageIds, serialized } from './whatsapp-events.js';
import { aliasesInMemory, WhatsAppPeople } from './whatsapp-people.js';
import { WhatsAppReader } from './whatsapp-reading.js';
import { WhatsAppSender } from './whatsapp-sending.js';

// The transport's parts, importable from here as before the split.
export type { ConnectionState } from './whatsapp-connection.js';
export { describeStartFailure } from './whatsapp-failures.js';
export { whatsappTimings, type WhatsAppTimings } from './whatsapp-timings.js';

/** Past this many, the ids of join requests are forgotten oldest first: an approval after that uses the resolved id. */
const REMEMBERED_REQUESTS = 5_000;

export interface WhatsAppTransportOptions extends ConnectionOptions {
  /** Where one person's hidden and phone-number ids are kept across restarts (the store); in memory when absent. */
  aliases?: PersonAliases;
}

/**
 * whatsapp-web.js turned into the core's events, and the core's messages sent back. The
 * connection keeps a client up, rebuilding it after a failure; after each (re)connection the
 * groups are read again, since WhatsApp does not replay what happened while the bot was away.
 * This class wires the parts together and hands events to the core one at a time.
 */
export class WhatsAppTransport implements Transport {
  private onEvent: ((event: InboundEvent) => Promise<void>) | undefined;
  private queue: Promise<void> = Promise.resolve();
  private readonly connection: WhatsAppConnection;
  private readonly sender: WhatsAppSender;
  private readonly reader: WhatsAppReader;
  private readonly people: WhatsAppPeople;
  /**
   * For a requester as the core knows them (a group and a phone-number id), the id WhatsApp named
   * them by in the request: a hidden id resolved to a number must be approved under its own.
   */
  private readonly requestIds = new Map<string, string>();

  constructor(private readonly options: WhatsAppTransportOptions) {
    const { clock, log } = options;
    const people = (this.people = new WhatsAppPeople(options.aliases ?? aliasesInMemory(), clock, log, options.timings.lookupRetryMs));
    this.reader = new WhatsAppReader(people, clock, log);
    this.connection = new WhatsAppConnection(options, {
      built: (client) => this.listen(client),
      ready: (client) => this.reader.readied(client),
      connected: (client) =>
        this.enqueue('ready', async () => {
          const self = await this.reader.knowSelf(client);
          return [...(self ? [{ kind: 'connected' as const, self, at: clock.now() }] : []), ...(await this.readGroupsOrRetry(client))];
        }),
      lastWords: (client, chat, text) => this.sender.lastWords(client, chat, text),
    });
    this.sender = new WhatsAppSender(this.connection, clock, log);
  }

  async start(onEvent: (event: InboundEvent) => Promise<void>): Promise<void> {
    this.onEvent = onEvent;
    await this.connection.start();
  }

  async stop(): Promise<void> {
    this.connection.halt();
    await this.queue;
    await this.connection.dispose();
  }

  /** See WhatsAppSender.send: kept across a rebuilt client, retried, refusals counted. */
  send(out: Outgoing): Promise<void> {
    return this.sender.send(out);
  }

  /** Sends WhatsApp refused for good since the bot started, for !status; undefined when none. */
  sendTrouble(): SendTrouble | undefined {
    return this.sender.sendTrouble();
  }

  /** Throws the client away and builds a new one after the usual pause: for a stray rejection from the library. */
  restart(why: string): void {
    this.connection.restart(why);
  }

  /**
   * whatsapp-web.js' delete(true) quietly deletes only the bot's own copy when WhatsApp does not
   * let it delete for everyone; the features ask only where the bot is a group admin.
   */
  async deleteForEveryone(chat: ChatId, messageId: string): Promise<void> {
    const client = this.connection.connectedClient();
    const message = await client.getMessageById(messageId);
    if (!message || serialized(message.from) !== chat) throw Object.assign(new Error('message not found'), { code: 'ENOMESSAGE' });
    await message.delete(true);
  }

  /**
   * Approves these people's requests to join, naming each: whatsapp-web.js given no ids approves
   * every pending request of the group, so an empty list is refused here. WhatsApp answers each
   * requester with a result; anything but success for every one is thrown with a code.
   */
  async approveJoinRequests(chat: GroupId, requesters: readonly PersonId[]): Promise<void> {
    if (!requesters.length) throw Object.assign(new Error('no requester named'), { code: 'ENOREQUESTER' });
    const group = await this.connection.connectedClient().getChatById(chat);
    if (!group?.isGroup) throw Object.assign(new Error('not a group'), { code: 'ENOTGROUP' });
    const requesterIds = requesters.map((person) => this.requestIds.get(`${chat} ${person}`) ?? person);
    // No pause between requesters: the bot approves one person at a time.
    const results = await (group as GroupChat).approveGroupMembershipRequests({ requesterIds, sleep: null });
    const failed = results.find((r) => r.error !== undefined || !/success/i.test(r.message));
    if (failed) throw Object.assign(new Error('approval refused'), { code: failed.error ? `EAPPROVE${failed.error}` : 'EAPPROVE' });
    // WhatsApp Web answers nothing at all when its call failed or no such request was pending.
    if (results.length < requesterIds.length) throw Object.assign(new Error('no such request'), { code: 'ENOREQUEST' });
  }

  async leaveGroup(chat: GroupId): Promise<void> {
    const group = await this.connection.connectedClient().getChatById(chat);
    if (!group?.isGroup) throw Object.assign(new Error('not a group'), { code: 'ENOTGROUP' });
    await (group as GroupChat).leave();
  }

  /** Events are handled one at a time, in the order WhatsApp sent them. */
  private enqueue(name: string, work: () => Promise<InboundEvent[] | InboundEvent | undefined>): void {
    this.queue = this.queue.then(async () => {
      try {
        const events = await work();
        for (const event of [events ?? []].flat()) await this.onEvent?.(event);
      } catch (error) {
        this.options.log.error('whatsapp event failed', { event: name, code: errorCode(error) });
      }
    });
  }

  /** What a client tells about messages and groups; its connection's own events are the connection's. */
  private listen(client: WhatsAppClient): void {
    const current = () => this.connection.client === client;
    const reader = this.reader;
    client.on('message', (message) => current() && this.enqueue('message', () => this.readMessage(client, message)));
    client.on('group_join', (n) => current() && this.enqueue('group_join', () => reader.membership(client, 'join', n)));
    client.on('group_leave', (n) => current() && this.enqueue('group_leave', () => reader.membership(client, 'leave', n)));
    client.on('group_update', (n) => current() && this.enqueue('group_update', () => reader.group(client, n.chatId)));
    client.on('group_admin_changed', (n) => current() && this.enqueue('group_admin_changed', () => reader.group(client, n.chatId)));
    client.on('group_membership_request', (n) => current() && this.enqueue('group_membership_request', () => this.readJoinRequest(client, n)));
  }

  /** A request to join, its requesters resolved as members are; the ids WhatsApp used are kept for approving. */
  private async readJoinRequest(client: WhatsAppClient, n: GroupNotification): Promise<InboundEvent | undefined> {
    const wire = joinRequestIds(n);
    if (!wire.length) return undefined;
    const requesters = await this.people.people(client, wire);
    const chat = serialized(n.chatId);
    requesters.forEach((person, i) => {
      if (person === wire[i]) return;
      if (this.requestIds.size >= REMEMBERED_REQUESTS) this.requestIds.delete(this.requestIds.keys().next().value!);
      this.requestIds.set(`${chat} ${person}`, wire[i]!);
    });
    return joinRequestEvent(n, requesters, this.options.clock.now());
  }

  /** A message, and the chat WhatsApp used for its sender, for private replies to go to. */
  private async readMessage(client: WhatsAppClient, message: Message): Promise<InboundEvent | undefined> {
    const event = await this.reader.message(client, message);
    const used = messageIds(message)?.author;
    if (event?.kind === 'message' && used) this.sender.rememberChat(event.from, used);
    return event;
  }

  /** WhatsApp is sometimes still loading chats at 'ready': if reading them fails, try again shortly. */
  private async readGroupsOrRetry(client: WhatsAppClient): Promise<InboundEvent[]> {
    try {
      return await this.reader.groups(client);
    } catch (error) {
      this.options.log.warn('could not read the groups; trying again in a minute', { code: errorCode(error) });
      this.options.clock.setTimer(60_000, () => {
        if (this.connection.client === client && this.connection.connected) this.enqueue('groups', () => this.readGroupsOrRetry(client));
      });
      return [];
    }
  }
}
