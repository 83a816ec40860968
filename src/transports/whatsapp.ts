import type { Chat, Client, GroupChat, GroupNotification, Message } from 'whatsapp-web.js';
import type { Clock, Timer } from '../core/clock.js';
import type { InboundEvent, Media, Outgoing, QuotedMessage, Transport } from '../core/events.js';
import { isGroupId, maskId, type GroupId, type PersonId } from '../core/ids.js';
import { errorCode } from '../core/log.js';
import type { Logger } from '../core/log.js';

/** The part of whatsapp-web.js' Client the bot uses; tests pass a fake with the same types. */
export type WhatsAppClient = Pick<
  Client,
  'on' | 'initialize' | 'destroy' | 'sendMessage' | 'getChats' | 'getChatById' | 'getContactLidAndPhone' | 'info'
>;

export type ConnectionState = 'starting' | 'waiting-for-qr' | 'connected' | 'disconnected' | 'logged-out';

export interface WhatsAppTransportOptions {
  /** Builds a fresh client: whatsapp-web.js does not reconnect by itself, so each retry gets a new one. */
  createClient: () => WhatsAppClient;
  clock: Clock;
  log: Logger;
  onQr?: (qr: string) => void;
  onState?: (state: ConnectionState) => void;
  /** How long a send waits for WhatsApp to be connected before it gives up. */
  sendWaitMs?: number;
  firstRetryMs?: number;
  longestRetryMs?: number;
}

/** Attachments larger than this are described in a report but not downloaded. */
const MAX_MEDIA_BYTES = 16 * 1024 * 1024;

// Messages WhatsApp uses for its own bookkeeping: nobody wrote them.
const systemTypes = new Set(['e2e_notification', 'notification_template', 'gp2', 'call_log', 'protocol', 'revoked', 'ciphertext', 'notification', 'broadcast_notification']);

function serialized(id: unknown): string {
  if (typeof id === 'string') return id;
  if (id && typeof id === 'object' && '_serialized' in id) return String((id as { _serialized: unknown })._serialized);
  return '';
}

/** Only groups and people: status updates, broadcast lists and channels are not conversations with parents. */
export function isConversation(id: string): boolean {
  return id.endsWith('@g.us') || id.endsWith('@c.us') || id.endsWith('@lid');
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
    this.retryMs = options.firstRetryMs ?? 5_000;
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

  private waitForConnection(): Promise<void> {
    return new Promise((resolve) => {
      const timer = this.options.clock.setTimer(this.options.sendWaitMs ?? 15 * 60_000, resolve);
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
    this.retryMs = Math.min(this.retryMs * 2, this.options.longestRetryMs ?? 300_000);
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
      this.retryMs = this.options.firstRetryMs ?? 5_000;
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
    // `message` never carries the bot's own messages (that is `message_create`), but a linked phone can.
    if (message.fromMe || message.isStatus || message.broadcast || systemTypes.has(String(message.type))) return undefined;
    const from = serialized(message.from);
    if (!isConversation(from) || from === 'status@broadcast') return undefined;
    const inGroup = isGroupId(from);
    const sender = await this.person(client, inGroup ? serialized(message.author) : from);
    if (!sender || sender === this.botId) return undefined;
    const chat = inGroup ? from : sender;
    const quoted = message.hasQuotedMsg ? await this.toQuoted(client, message) : undefined;
    // Attachments are fetched only where a report may need them: a private forward.
    const media = !inGroup && message.hasMedia ? await this.download(message) : undefined;
    const raw = message.rawData as { notifyName?: string } | undefined;
    return {
      kind: 'message',
      chat,
      from: sender,
      senderName: raw?.notifyName || undefined,
      id: serialized(message.id),
      text: message.body ?? '',
      quotedId: quoted?.id,
      quoted,
      forwarded: Boolean(message.isForwarded),
      mentions: await this.people(client, (message.mentionedIds ?? []).map(serialized)),
      media,
      at: new Date((message.timestamp || 0) * 1000),
    };
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
    const author = serialized(quoted.author) || serialized(quoted.from);
    const raw = quoted.rawData as { notifyName?: string } | undefined;
    return {
      id: serialized(quoted.id),
      from: quoted.fromMe ? this.botId : await this.person(client, author),
      authorName: raw?.notifyName || undefined,
      text: quoted.body ?? '',
      at: new Date((quoted.timestamp || 0) * 1000),
      media: quoted.hasMedia ? await this.download(quoted) : undefined,
    };
  }

  private async download(message: Message): Promise<Media | undefined> {
    try {
      const media = await message.downloadMedia();
      if (!media) return undefined;
      const tooBig = (media.data?.length ?? 0) * 0.75 > MAX_MEDIA_BYTES;
      return { mimetype: media.mimetype, filename: media.filename ?? undefined, dataBase64: tooBig ? undefined : media.data };
    } catch (error) {
      this.options.log.warn('could not download an attachment', { code: errorCode(error) });
      return undefined;
    }
  }

  private async toMembership(client: WhatsAppClient, kind: 'join' | 'leave', n: GroupNotification): Promise<InboundEvent[]> {
    const chat = serialized(n.chatId);
    // One notification can carry many people: an admin adding a whole class at once.
    const recipients = (n.recipientIds ?? []).map(serialized).filter(Boolean);
    const author = serialized(n.author);
    const members = await this.people(client, recipients.length ? recipients : [author]);
    const by = author && kind === 'join' && !recipients.every((r) => r === author) ? await this.person(client, author) : undefined;
    const at = n.timestamp ? new Date(n.timestamp * 1000) : this.options.clock.now();
    const events: InboundEvent[] = [{ kind, chat, members, by, at }];
    // The bot was just added: WhatsApp tells the group's name and people only when asked.
    if (kind === 'join' && this.botId && members.includes(this.botId)) events.push(...(await this.readGroup(client, chat)));
    return events;
  }

  private async groupEvent(client: WhatsAppClient, chat: Chat, catchUp: boolean): Promise<InboundEvent> {
    const participants = (chat as GroupChat).participants ?? [];
    const ids = await this.people(client, participants.map((p) => serialized(p.id)));
    return {
      kind: 'group',
      chat: serialized(chat.id),
      name: chat.name,
      members: ids,
      admins: ids.filter((_, i) => participants[i]!.isAdmin || participants[i]!.isSuperAdmin),
      catchUp: catchUp || undefined,
      at: this.options.clock.now(),
    };
  }

  private async readGroup(client: WhatsAppClient, chatId: GroupId): Promise<InboundEvent[]> {
    const chat = await client.getChatById(serialized(chatId));
    return chat?.isGroup ? [await this.groupEvent(client, chat, false)] : [];
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
    for (const chat of groups) events.push(await this.groupEvent(client, chat, true));
    this.options.log.info('groups read', { count: events.length });
    return events;
  }
}
