import type { Chat, GroupChat, GroupNotification, Message } from 'whatsapp-web.js';
import type { Config } from '../config/schema.js';
import type { Clock, Timer } from '../core/clock.js';
import type { InboundEvent, Outgoing, QuotedMessage, Transport } from '../core/events.js';
import { maskId, type ChatId, type GroupId, type PersonId } from '../core/ids.js';
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

export type ConnectionState = 'starting' | 'waiting-for-qr' | 'connected' | 'disconnected' | 'logged-out';

export interface WhatsAppTransportOptions {
  /** Builds a fresh client: whatsapp-web.js does not reconnect by itself, so each retry gets a new one. */
  createClient: () => WhatsAppClient;
  clock: Clock;
  log: Logger;
  onQr?: (qr: string) => void;
  onState?: (state: ConnectionState) => void;
  timings: WhatsAppTimings;
}

export interface WhatsAppTimings {
  /** How long a send waits for WhatsApp to be connected before it gives up. */
  sendWaitMs: number;
  /** Reconnecting waits this long at first, doubling up to the longest. */
  firstRetryMs: number;
  longestRetryMs: number;
}

/** The transport's waits, from the config's `whatsapp` section. */
export function whatsappTimings(config: Config): WhatsAppTimings {
  const { sendWaitMinutes, firstRetrySeconds, longestRetrySeconds } = config.whatsapp;
  return { sendWaitMs: sendWaitMinutes * 60_000, firstRetryMs: firstRetrySeconds * 1000, longestRetryMs: longestRetrySeconds * 1000 };
}

/**
 * A one-line description of why a start failed, for a volunteer reading the terminal, and whether
 * trying again can help. Browser errors carry no personal data, so their first line may be shown.
 */
export function describeStartFailure(error: unknown): { line: string; browserMissing: boolean } {
  const message = (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 160);
  if (/Browser was not found|Could not find Chrom|ENOENT.*chrom/i.test(message)) {
    return {
      line: 'Chromium was not found. Install it (apt-get install chromium) or set PUPPETEER_EXECUTABLE_PATH to a Chromium or Chrome program.',
      browserMissing: true,
    };
  }
  if (/Failed to launch the browser process/i.test(message)) {
    return { line: 'Chromium did not start (low memory, or its profile is in use by another program).', browserMissing: false };
  }
  const net = /net::(ERR_[A-Z_]+)/.exec(message)?.[1];
  if (net || /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET/i.test(message)) {
    return { line: `Cannot reach WhatsApp Web${net ? ` (${net})` : ''}: is this machine online?`, browserMissing: false };
  }
  if (/^(auth|ready) timeout$/i.test(message)) {
    return { line: `WhatsApp Web did not finish loading (${message}).`, browserMissing: false };
  }
  return { line: `WhatsApp Web did not start (${message || errorCode(error)}).`, browserMissing: false };
}

/**
 * whatsapp-web.js turned into the core's events, and the core's messages sent back. It keeps
 * the connection up: after a failed start or a disconnect it builds a new client and tries
 * again, waiting longer each time. After each (re)connection it re-reads the groups, since
 * WhatsApp does not replay what happened while the bot was away.
 */
export class WhatsAppTransport implements Transport {
  private client: WhatsAppClient | undefined;
  private onEvent: ((event: InboundEvent) => Promise<void>) | undefined;
  private botId: PersonId | undefined;
  private retryMs: number;
  private retryTimer: Timer | undefined;
  private stopping = false;
  private everConnected = false;
  private connected = false;
  private whenConnected: Array<() => void> = [];
  private queue: Promise<void> = Promise.resolve();
  /** WhatsApp's hidden ids (@lid) resolved to phone-number ids, so one person has one id here. */
  private readonly phoneOfLid = new Map<string, string>();

  constructor(private readonly options: WhatsAppTransportOptions) {
    this.retryMs = options.timings.firstRetryMs;
  }

  async start(onEvent: (event: InboundEvent) => Promise<void>): Promise<void> {
    this.onEvent = onEvent;
    this.stopping = false;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.retryTimer?.cancel();
    // Sends still waiting for a connection give up now: the bot is going down.
    const waiting = this.whenConnected;
    this.whenConnected = [];
    for (const wake of waiting) wake();
    await this.queue;
    await this.dispose();
  }

  async send(out: Outgoing): Promise<void> {
    // A reply due while WhatsApp is reconnecting waits for it rather than being lost.
    if (!this.connected) await this.waitForConnection();
    const client = this.client;
    if (!client || !this.connected) throw Object.assign(new Error('WhatsApp is not connected'), { code: 'ENOTCONNECTED' });
    await client.sendMessage(out.chat, out.text, {
      ...(out.mentions?.length ? { mentions: out.mentions } : {}),
      ...(out.quotedId ? { quotedMessageId: out.quotedId } : {}),
      // No link previews: they fetch pages, and a welcome full of links would look like spam.
      linkPreview: false,
    });
  }

  /**
   * whatsapp-web.js' delete(true) quietly deletes only the bot's own copy when WhatsApp does not
   * let it delete for everyone; the features ask only where the bot is a group admin.
   */
  async deleteForEveryone(chat: ChatId, messageId: string): Promise<void> {
    const client = this.connectedClient();
    const message = await client.getMessageById(messageId);
    if (!message || serialized(message.from) !== chat) throw Object.assign(new Error('message not found'), { code: 'ENOMESSAGE' });
    await message.delete(true);
  }

  async leaveGroup(chat: GroupId): Promise<void> {
    const group = await this.connectedClient().getChatById(chat);
    if (!group?.isGroup) throw Object.assign(new Error('not a group'), { code: 'ENOTGROUP' });
    await (group as GroupChat).leave();
  }

  private connectedClient(): WhatsAppClient {
    if (!this.client || !this.connected) throw Object.assign(new Error('WhatsApp is not connected'), { code: 'ENOTCONNECTED' });
    return this.client;
  }

  private waitForConnection(): Promise<void> {
    return new Promise((resolve) => {
      const timer = this.options.clock.setTimer(this.options.timings.sendWaitMs, resolve);
      this.whenConnected.push(() => {
        timer.cancel();
        resolve();
      });
    });
  }

  private setConnected(connected: boolean): void {
    this.connected = connected;
    if (!connected) return;
    const waiting = this.whenConnected;
    this.whenConnected = [];
    for (const wake of waiting) wake();
  }

  private async connect(): Promise<void> {
    if (this.stopping) return;
    this.setState('starting');
    const client = this.options.createClient();
    this.client = client;
    this.listen(client);
    try {
      await client.initialize();
    } catch (error) {
      if (this.client !== client) return;
      const { line, browserMissing } = describeStartFailure(error);
      await this.dispose();
      // A browser missing at the very first start is a setup problem to fix, not to wait out.
      if (browserMissing && !this.everConnected) {
        this.options.log.error(line);
        throw Object.assign(new Error(line), { code: 'ENOBROWSER' });
      }
      this.retryLater(line);
    }
  }

  private retryLater(why: string): void {
    if (this.stopping) return;
    const wait = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, this.options.timings.longestRetryMs);
    this.options.log.warn(`${why} Retrying in ${Math.round(wait / 1000)} s.`);
    this.retryTimer?.cancel();
    this.retryTimer = this.options.clock.setTimer(wait, () =>
      this.connect().catch((error: unknown) => this.retryLater(describeStartFailure(error).line)),
    );
  }

  private async dispose(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.setConnected(false);
    if (!client) return;
    try {
      await client.destroy();
    } catch {
      // A browser that never started, or already died, has nothing left to close.
    }
  }

  private setState(state: ConnectionState): void {
    this.options.onState?.(state);
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

  private listen(client: WhatsAppClient): void {
    const log = this.options.log;
    const current = () => this.client === client;
    client.on('qr', (qr) => {
      if (!current()) return;
      this.setState('waiting-for-qr');
      this.options.onQr?.(qr);
    });
    client.on('authenticated', () => current() && log.info('WhatsApp login accepted'));
    client.on('auth_failure', () => {
      if (!current()) return;
      log.error('WhatsApp did not accept the saved login. A new QR code will follow: scan it with the bot\'s phone.');
    });
    client.on('ready', () => {
      if (!current()) return;
      this.retryMs = this.options.timings.firstRetryMs;
      this.botId = serialized(client.info?.wid) || this.botId;
      log.info('WhatsApp connected', { as: maskId(this.botId) });
      this.everConnected = true;
      this.setConnected(true);
      this.setState('connected');
      const self = this.botId;
      this.enqueue('ready', async () => [
        ...(self ? [{ kind: 'connected' as const, self, at: this.options.clock.now() }] : []),
        ...(await this.readGroupsOrRetry(client)),
      ]);
    });
    client.on('change_state', (state) => current() && log.info('WhatsApp state', { state: String(state) }));
    client.on('disconnected', (reason) => {
      if (!current()) return;
      const loggedOut = String(reason) === 'LOGOUT' || String(reason) === 'UNPAIRED';
      this.setState(loggedOut ? 'logged-out' : 'disconnected');
      this.setConnected(false);
      void this.dispose().then(() =>
        this.retryLater(
          loggedOut
            ? 'This number was logged out of WhatsApp (on the phone, or from another device). A new QR code will follow: scan it to link the bot again.'
            : `WhatsApp disconnected (${String(reason)}).`,
        ),
      );
    });
    client.on('message', (message) => current() && this.enqueue('message', () => this.toMessage(client, message)));
    client.on('group_join', (n) => current() && this.enqueue('group_join', () => this.toMembership(client, 'join', n)));
    client.on('group_leave', (n) => current() && this.enqueue('group_leave', () => this.toMembership(client, 'leave', n)));
    client.on('group_update', (n) => current() && this.enqueue('group_update', () => this.readGroup(client, n.chatId)));
    client.on('group_admin_changed', (n) => current() && this.enqueue('group_admin_changed', () => this.readGroup(client, n.chatId)));
  }

  /** Every id of a person in its phone-number form when WhatsApp can tell it, else as given. */
  private async people(client: WhatsAppClient, ids: string[]): Promise<PersonId[]> {
    const unknown = [...new Set(ids.filter((id) => id.endsWith('@lid') && !this.phoneOfLid.has(id)))];
    if (unknown.length) {
      try {
        for (const pair of await client.getContactLidAndPhone(unknown)) {
          if (pair?.lid && pair.pn) this.phoneOfLid.set(pair.lid, pair.pn);
        }
      } catch (error) {
        this.options.log.warn('could not resolve hidden WhatsApp ids', { code: errorCode(error) });
      }
      if (this.phoneOfLid.size > 20_000) this.phoneOfLid.clear();
    }
    return ids.map((id) => this.phoneOfLid.get(id) ?? id);
  }

  private async person(client: WhatsAppClient, id: string): Promise<PersonId> {
    return (await this.people(client, [id]))[0]!;
  }

  private async toMessage(client: WhatsAppClient, message: Message): Promise<InboundEvent | undefined> {
    const ids = messageIds(message);
    if (!ids) return undefined;
    const from = await this.person(client, ids.author);
    if (!from || from === this.botId) return undefined;
    const quoted = message.hasQuotedMsg ? await this.toQuoted(client, message) : undefined;
    const media = describedMedia(message, () => this.download(message));
    const mentions = await this.people(client, ids.mentions);
    return messageEvent(message, { from, mentions, quoted, media });
  }

  private async toQuoted(client: WhatsAppClient, message: Message): Promise<QuotedMessage | undefined> {
    let quoted: Message | undefined;
    try {
      quoted = await message.getQuotedMessage();
    } catch (error) {
      // The reply still matters without its quote: a !flag then gets the "reply to a message" help.
      this.options.log.warn('could not read a quoted message', { code: errorCode(error) });
    }
    if (!quoted) return undefined;
    const found = quoted;
    const from = found.fromMe ? this.botId : await this.person(client, quotedAuthor(found));
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
      this.options.log.warn('could not download an attachment', { code: errorCode(error) });
      return undefined;
    }
  }

  private async toMembership(client: WhatsAppClient, kind: 'join' | 'leave', n: GroupNotification): Promise<InboundEvent[]> {
    const ids = membershipIds(kind, n);
    const members = await this.people(client, ids.members);
    const by = ids.by ? await this.person(client, ids.by) : undefined;
    const event = membershipEvent(kind, n, { members, by }, this.options.clock.now());
    const events: InboundEvent[] = [event];
    // The bot was just added: WhatsApp tells the group's name and people only when asked.
    if (kind === 'join' && this.botId && members.includes(this.botId)) events.push(...(await this.readGroup(client, event.chat)));
    return events;
  }

  private async toGroup(client: WhatsAppClient, chat: Chat, catchUp: boolean): Promise<InboundEvent> {
    const group = chat as GroupChat;
    return groupEvent(group, await this.people(client, participantIds(group)), catchUp, this.options.clock.now());
  }

  private async readGroup(client: WhatsAppClient, chatId: GroupId): Promise<InboundEvent[]> {
    const chat = await client.getChatById(serialized(chatId));
    return chat?.isGroup ? [await this.toGroup(client, chat, false)] : [];
  }

  /** WhatsApp is sometimes still loading chats at 'ready': if reading them fails, try again shortly. */
  private async readGroupsOrRetry(client: WhatsAppClient): Promise<InboundEvent[]> {
    try {
      return await this.readGroups(client);
    } catch (error) {
      this.options.log.warn('could not read the groups; trying again in a minute', { code: errorCode(error) });
      this.options.clock.setTimer(60_000, () => {
        if (this.client === client && this.connected) this.enqueue('groups', () => this.readGroupsOrRetry(client));
      });
      return [];
    }
  }

  /**
   * On every connection, each group as it is now. The core compares it with what it stored
   * before, so people who joined while the bot was away are welcomed.
   */
  private async readGroups(client: WhatsAppClient): Promise<InboundEvent[]> {
    const groups = (await client.getChats()).filter((chat) => chat.isGroup && !chat.isReadOnly);
    const events: InboundEvent[] = [];
    for (const chat of groups) events.push(await this.toGroup(client, chat, true));
    this.options.log.info('groups read', { count: events.length });
    events.push({ kind: 'listed', at: this.options.clock.now() });
    return events;
  }
}
