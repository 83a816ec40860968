import type { Chat, GroupChat, GroupNotification, Message } from 'whatsapp-web.js';
import type { Config } from '../config/schema.js';
import type { Clock, Timer } from '../core/clock.js';
import type { GroupEvent, InboundEvent, Outgoing, QuotedMessage, Transport } from '../core/events.js';
import { maskId, type ChatId, type GroupId, type PersonId } from '../core/ids.js';
import { errorCode, type Logger } from '../core/log.js';
import type { PersonAliases } from '../core/services.js';
import type { WhatsAppClient } from './whatsapp-client.js';
import { accountStop, accountStopLine, LATE, sendFailure, withDeadline, type AccountStop } from './whatsapp-failures.js';
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

export type ConnectionState = 'starting' | 'waiting-for-qr' | 'connected' | 'disconnected' | 'logged-out' | 'account-stopped';

export interface WhatsAppTransportOptions {
  /** Builds a fresh client: whatsapp-web.js does not reconnect by itself, so each retry gets a new one. */
  createClient: () => WhatsAppClient;
  clock: Clock;
  log: Logger;
  onQr?: (qr: string) => void;
  onState?: (state: ConnectionState) => void;
  timings: WhatsAppTimings;
  /** Where one person's hidden and phone-number ids are kept across restarts (the store); in memory when absent. */
  aliases?: PersonAliases;
  /**
   * WhatsApp blocked the number or refuses this version of WhatsApp Web: the transport has stopped
   * and will not retry. `send` still reaches a chat while the old client may be able to send, and
   * is undefined when it cannot; the process is expected to end.
   */
  /** The version config pins (whatsapp.webVersion): a different one running is worth a warning. */
  webVersion?: string | null;
  onAccountStopped?: (stop: AccountStop, line: string, send: ((chat: ChatId, text: string) => Promise<boolean>) | undefined) => Promise<void>;
}

export interface WhatsAppTimings {
  /** How long a send waits for WhatsApp to be connected before it gives up. */
  sendWaitMs: number;
  /** Reconnecting waits this long at first, doubling up to the longest. */
  firstRetryMs: number;
  longestRetryMs: number;
  /** A hidden id WhatsApp could not resolve is not asked about again for this long. */
  lookupRetryMs: number;
  /** A client not 'ready' this long after its start or its login (or its last loading progress) is rebuilt. */
  readyTimeoutMs: number;
  /** How often a connected client is asked for its state, and how long its answer may take. */
  probeEveryMs: number;
  probeTimeoutMs: number;
}

/** The transport's waits, from the config's `whatsapp` section. */
export function whatsappTimings(config: Config): WhatsAppTimings {
  const { sendWaitMinutes, firstRetrySeconds, longestRetrySeconds, lookupRetryMinutes } = config.whatsapp;
  return {
    sendWaitMs: sendWaitMinutes * 60_000,
    firstRetryMs: firstRetrySeconds * 1000,
    longestRetryMs: longestRetrySeconds * 1000,
    lookupRetryMs: lookupRetryMinutes * 60_000,
    readyTimeoutMs: config.whatsapp.readyTimeoutSeconds * 1000,
    probeEveryMs: config.whatsapp.livenessCheckSeconds * 1000,
    probeTimeoutMs: config.whatsapp.livenessTimeoutSeconds * 1000,
  };
}

/** A send that fails for no known reason is tried this many times, pausing 2 s, 4 s, 8 s between. */
const SEND_ATTEMPTS = 4;
const SEND_FIRST_PAUSE_MS = 2_000;
/** A send kept through this many rebuilt clients is given up: the page is not what is failing. */
const SEND_RECONNECTS = 5;
/** A send that takes this long is stuck in a hung page. */
const SEND_TIMEOUT_MS = 60_000;
/** Closing a hung browser must not hold up the next one. */
const DESTROY_TIMEOUT_MS = 15_000;
/** A connected client that says three times in a row it is not CONNECTED is rebuilt. */
const NOT_CONNECTED_PROBES = 3;
/** How many people's chats are remembered for replies, at most. */
const REMEMBERED_CHATS = 20_000;

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
  /** The start's deadline: a client not 'ready' by then is rebuilt. */
  private readyTimer: Timer | undefined;
  private probeTimer: Timer | undefined;
  private notConnectedProbes = 0;
  /** Set once WhatsApp has blocked the number or refused the version: nothing is retried. */
  private stoppedFor: AccountStop | undefined;
  /**
   * For a person's id, the chat WhatsApp last used with them (often their hidden-id chat): a reply
   * sent to the phone-number id instead can fail with "No LID for user".
   */
  private readonly chatOf = new Map<string, string>();
  /** Sends WhatsApp refused for good since the start, for !status. */
  private refused: { count: number; lastCode: string; lastAt: Date } | undefined;
  /** WhatsApp's hidden ids (@lid) resolved to phone-number ids, so one person has one id here. */
  private readonly aliases: PersonAliases;
  /** Ids WhatsApp could not pair, and when they may be asked about again (clock ms). */
  private readonly lookupFailedUntil = new Map<string, number>();
  /** Hidden ids still without a number. */
  private readonly unresolvedLids = new Set<string>();
  /** Phone-number ids already paired with their hidden id. */
  private readonly pairedNumbers = new Set<string>();

  constructor(private readonly options: WhatsAppTransportOptions) {
    this.retryMs = options.timings.firstRetryMs;
    this.aliases = options.aliases ?? aliasesInMemory();
  }

  async start(onEvent: (event: InboundEvent) => Promise<void>): Promise<void> {
    this.onEvent = onEvent;
    this.stopping = false;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.retryTimer?.cancel();
    this.unwatch();
    // Sends still waiting for a connection give up now: the bot is going down.
    const waiting = this.whenConnected;
    this.whenConnected = [];
    for (const wake of waiting) wake();
    await this.queue;
    await this.dispose();
  }

  /**
   * Sends one message. A send cut off by the browser or its page going away is kept: the client is
   * rebuilt and the message goes once the new one is connected. Other failures are tried a few
   * times with a pause; what WhatsApp refuses for good is counted for !status and thrown with a code.
   */
  async send(out: Outgoing): Promise<void> {
    const clock = this.options.clock;
    for (let attempt = 1, reconnects = 0; ; ) {
      // A reply due while WhatsApp is reconnecting waits for it rather than being lost.
      if (!this.connected) await this.waitForConnection();
      const client = this.client;
      if (!client || !this.connected) throw Object.assign(new Error('WhatsApp is not connected'), { code: 'ENOTCONNECTED' });
      try {
        await this.sendOnce(client, out);
        return;
      } catch (error) {
        const failure = sendFailure(error);
        const chat = maskId(out.chat);
        if (failure.kind === 'session' && reconnects++ < SEND_RECONNECTS) {
          this.options.log.warn('send cut off; it goes again once WhatsApp is back', { chat, code: failure.code });
          this.lose(client, `WhatsApp Web's page went away during a send (${failure.code}).`);
          continue;
        }
        if (failure.kind === 'transient' && attempt < SEND_ATTEMPTS) {
          const pauseMs = SEND_FIRST_PAUSE_MS * 2 ** (attempt - 1);
          this.options.log.warn('send failed; trying again', { chat, code: failure.code, attempt, inSeconds: pauseMs / 1000 });
          attempt += 1;
          await clock.outside(clock.sleep(pauseMs));
          continue;
        }
        this.refused = { count: (this.refused?.count ?? 0) + 1, lastCode: failure.code, lastAt: clock.now() };
        throw Object.assign(new Error('WhatsApp did not take the message'), { code: failure.code });
      }
    }
  }

  private async sendOnce(client: WhatsAppClient, out: Outgoing): Promise<void> {
    const sent = await withDeadline(
      this.options.clock,
      client.sendMessage(this.chatOf.get(out.chat) ?? out.chat, out.text, {
        ...(out.mentions?.length ? { mentions: out.mentions } : {}),
        ...(out.quotedId ? { quotedMessageId: out.quotedId } : {}),
        // No link previews: they fetch pages, and a welcome full of links would look like spam.
        linkPreview: false,
        // Marking the chat read is one more step in the page that can fail, for nothing the bot needs.
        sendSeen: false,
      }),
      SEND_TIMEOUT_MS,
    );
    if (sent === LATE) throw Object.assign(new Error('send timed out'), { code: 'ESENDTIMEOUT' });
    // whatsapp-web.js resolves without a message when the page cannot find the chat (its d.ts says Message).
    if (!sent) throw Object.assign(new Error('chat not found'), { code: 'ENOCHAT' });
  }

  /** Sends WhatsApp refused for good since the bot started, for !status; undefined when none. */
  sendTrouble(): { count: number; lastCode: string; lastAt: Date } | undefined {
    return this.refused && { ...this.refused };
  }

  /** Throws the client away and builds a new one after the usual pause: for a stray rejection from the library. */
  restart(why: string): void {
    if (this.client) this.lose(this.client, why);
  }

  /**
   * A message, and the chat WhatsApp used for its sender: when that is not the id the bot knows
   * them by (a hidden-id chat for a phone-number id), private replies go there.
   */
  private async toMessageRemembered(client: WhatsAppClient, message: Message): Promise<InboundEvent | undefined> {
    const event = await this.toMessage(client, message);
    const used = messageIds(message)?.author;
    if (event?.kind === 'message' && used && used !== event.from) {
      if (this.chatOf.size >= REMEMBERED_CHATS) this.chatOf.clear();
      this.chatOf.set(event.from, used);
    }
    return event;
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
    const waiting = new Promise<void>((resolve) => {
      const timer = this.options.clock.setTimer(this.options.timings.sendWaitMs, resolve);
      this.whenConnected.push(() => {
        timer.cancel();
        resolve();
      });
    });
    // A reconnect is the outside world's doing: a simulated clock moves on while the send waits.
    return this.options.clock.outside(waiting);
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
    this.armReady(client);
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
    if (this.stopping || this.stoppedFor) return;
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
    this.unwatch();
    if (!client) return;
    try {
      if ((await withDeadline(this.options.clock, client.destroy(), DESTROY_TIMEOUT_MS)) === LATE) {
        this.options.log.warn('the old browser did not close in time; starting a new one anyway');
      }
    } catch {
      // A browser that never started, or already died, has nothing left to close.
    }
  }

  /** The client is dead or stuck: it is thrown away, and a new one built after the back-off. */
  private lose(client: WhatsAppClient, why: string, state: ConnectionState = 'disconnected'): void {
    if (this.client !== client || this.stoppedFor) return;
    this.setConnected(false);
    this.setState(state);
    void this.dispose().then(() => this.retryLater(why));
  }

  /** The start's deadline, from now: a login or the loading screen moving on sets it again. */
  private armReady(client: WhatsAppClient): void {
    this.readyTimer?.cancel();
    const ms = this.options.timings.readyTimeoutMs;
    this.readyTimer = this.options.clock.setTimer(ms, () => this.lose(client, `WhatsApp Web did not finish loading within ${Math.round(ms / 1000)} s.`));
  }

  private unwatch(): void {
    this.readyTimer?.cancel();
    this.readyTimer = undefined;
    this.probeTimer?.cancel();
    this.probeTimer = undefined;
  }

  private scheduleProbe(client: WhatsAppClient): void {
    this.probeTimer?.cancel();
    // Not awaited by the timer: a page that never answers is for the probe's deadline to end.
    this.probeTimer = this.options.clock.setTimer(this.options.timings.probeEveryMs, () => void this.probe(client));
  }

  /**
   * A renderer that crashed or hung says nothing by itself: the bot asks the page for WhatsApp's
   * state now and then, and a page that throws, or does not answer in time, counts as a disconnect.
   */
  private async probe(client: WhatsAppClient): Promise<void> {
    if (this.client !== client || !this.connected) return;
    const { probeTimeoutMs } = this.options.timings;
    let state: unknown;
    try {
      state = await withDeadline(this.options.clock, client.getState(), probeTimeoutMs);
    } catch (error) {
      return this.lose(client, `WhatsApp Web stopped answering (${sendFailure(error).code}).`);
    }
    if (this.client !== client) return;
    if (state === LATE) return this.lose(client, `WhatsApp Web did not answer within ${Math.round(probeTimeoutMs / 1000)} s.`);
    const stop = accountStop(state);
    if (stop) return this.stopAccount(client, stop);
    this.notConnectedProbes = state === 'CONNECTED' ? 0 : this.notConnectedProbes + 1;
    if (this.notConnectedProbes >= NOT_CONNECTED_PROBES) {
      this.notConnectedProbes = 0;
      return this.lose(client, `WhatsApp Web has not been connected for ${NOT_CONNECTED_PROBES} checks (${String(state)}).`);
    }
    this.scheduleProbe(client);
  }

  /**
   * A blocked number or a refused version is not waited out: retrying would only look worse to
   * WhatsApp. The operator is told while the old client can still send, then the transport stops.
   */
  private async stopAccount(client: WhatsAppClient, stop: AccountStop): Promise<void> {
    if (this.client !== client || this.stoppedFor) return;
    this.stoppedFor = stop;
    this.retryTimer?.cancel();
    this.unwatch();
    const line = accountStopLine(stop);
    this.options.log.error(line, { code: stop });
    const canSend = this.connected;
    this.setConnected(false);
    this.setState('account-stopped');
    const clock = this.options.clock;
    const send = async (chat: ChatId, text: string): Promise<boolean> => {
      try {
        const sent = await withDeadline(
          clock,
          client.sendMessage(this.chatOf.get(chat) ?? chat, text, { linkPreview: false, sendSeen: false }),
          DESTROY_TIMEOUT_MS,
        );
        return Boolean(sent) && sent !== LATE;
      } catch {
        return false;
      }
    };
    try {
      await this.options.onAccountStopped?.(stop, line, canSend ? send : undefined);
    } catch (error) {
      this.options.log.error('could not report the stopped account', { code: errorCode(error) });
    }
    await this.dispose();
  }

  /** Logs the WhatsApp Web version running, so that it can be pinned (whatsapp.webVersion). */
  private async logVersion(client: WhatsAppClient): Promise<void> {
    try {
      const version = await withDeadline(this.options.clock, client.getWWebVersion(), this.options.timings.probeTimeoutMs);
      if (version === LATE || this.client !== client) return;
      const pinned = this.options.webVersion;
      if (pinned && pinned !== version) {
        this.options.log.warn('WhatsApp Web is not the pinned version (it was not found in the cache)', { version, pinned });
      } else this.options.log.info('WhatsApp Web version', { version });
    } catch (error) {
      this.options.log.warn('could not read the WhatsApp Web version', { code: errorCode(error) });
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
      // Linking waits for a person with the phone, for as long as it takes.
      this.readyTimer?.cancel();
      this.setState('waiting-for-qr');
      this.options.onQr?.(qr);
    });
    client.on('authenticated', () => {
      if (!current()) return;
      log.info('WhatsApp login accepted');
      this.armReady(client);
    });
    client.on('loading_screen', (percent) => {
      if (!current()) return;
      log.info('WhatsApp Web loading', { percent: Number(percent) });
      this.armReady(client);
    });
    // whatsapp-client.ts turns the browser's 'disconnected' and the page's 'error' (a renderer
    // crash) and 'close' into this: nothing else would tell, and every send would fail.
    client.on('browser_gone', (what: unknown) => current() && this.lose(client, `WhatsApp Web's browser went away (${String(what)}).`));
    client.on('auth_failure', () => {
      if (!current()) return;
      log.error('WhatsApp did not accept the saved login. A new QR code will follow: scan it with the bot\'s phone.');
    });
    client.on('ready', () => {
      if (!current()) return;
      this.readyTimer?.cancel();
      this.notConnectedProbes = 0;
      this.scheduleProbe(client);
      void this.logVersion(client);
      this.retryMs = this.options.timings.firstRetryMs;
      this.botId = serialized(client.info?.wid) || this.botId;
      log.info('WhatsApp connected', { as: maskId(this.botId) });
      this.everConnected = true;
      this.setConnected(true);
      this.setState('connected');
      this.enqueue('ready', async () => {
        const self = await this.knowSelf(client);
        return [
          ...(self ? [{ kind: 'connected' as const, self, at: this.options.clock.now() }] : []),
          ...(await this.readGroupsOrRetry(client)),
        ];
      });
    });
    client.on('change_state', (state) => {
      if (!current()) return;
      log.info('WhatsApp state', { state: String(state) });
      const stop = accountStop(state);
      if (stop) void this.stopAccount(client, stop);
    });
    client.on('disconnected', (reason) => {
      if (!current()) return;
      const stop = accountStop(reason);
      if (stop) return void this.stopAccount(client, stop);
      const loggedOut = String(reason) === 'LOGOUT' || String(reason) === 'UNPAIRED';
      this.lose(
        client,
        loggedOut
          ? 'This number was logged out of WhatsApp (on the phone, or from another device). A new QR code will follow: scan it to link the bot again.'
          : `WhatsApp disconnected (${String(reason)}).`,
        loggedOut ? 'logged-out' : 'disconnected',
      );
    });
    client.on('message', (message) => current() && this.enqueue('message', () => this.toMessageRemembered(client, message)));
    client.on('group_join', (n) => current() && this.enqueue('group_join', () => this.toMembership(client, 'join', n)));
    client.on('group_leave', (n) => current() && this.enqueue('group_leave', () => this.toMembership(client, 'leave', n)));
    client.on('group_update', (n) => current() && this.enqueue('group_update', () => this.readGroup(client, n.chatId)));
    client.on('group_admin_changed', (n) => current() && this.enqueue('group_admin_changed', () => this.readGroup(client, n.chatId)));
  }

  /**
   * The bot's own ids, learnt at each connection: WhatsApp names it by number in some groups and
   * by hidden id in others, and `client.info.wid` is the hidden one while the number is unknown.
   * Knowing both, the bot sees itself in a group's list and never answers its own messages.
   */
  private async knowSelf(client: WhatsAppClient): Promise<PersonId | undefined> {
    const wid = this.botId;
    if (!wid) return undefined;
    await this.lookUp(client, [wid]);
    this.botId = this.aliases.phoneOf(wid) ?? wid;
    return this.botId;
  }

  /** Every id of a person in its phone-number form when WhatsApp can tell it, else as given. */
  private async people(client: WhatsAppClient, ids: string[]): Promise<PersonId[]> {
    const now = this.options.clock.now().getTime();
    const due = (id: string) => !((this.lookupFailedUntil.get(id) ?? 0) > now);
    const hidden = ids.filter((id) => id.endsWith('@lid') && !this.aliases.phoneOf(id) && due(id));
    // While some hidden ids have no number, a number not yet paired may be one of them under its
    // other id (WhatsApp switched how it names that person): asking pairs them, and the store
    // then renames the hidden id, so the person stays one member and keeps being an admin.
    const numbers = this.unresolvedLids.size ? ids.filter((id) => id.endsWith('@c.us') && !this.pairedNumbers.has(id) && due(id)) : [];
    const ask = [...new Set([...hidden, ...numbers])];
    if (ask.length) await this.lookUp(client, ask);
    return ids.map((id) => this.aliases.phoneOf(id) ?? id);
  }

  /**
   * Asks WhatsApp which ids belong together and keeps the pairs. A hidden id it cannot resolve
   * (a member who hides their number from the bot) is not asked about again until the retry
   * time: each ask is a round trip through the browser, and a group of 200 such members would
   * otherwise ask for all of them at every message.
   */
  private async lookUp(client: WhatsAppClient, ids: string[]): Promise<void> {
    const pairs: Array<{ lid: PersonId; phone: PersonId }> = [];
    try {
      // For an id WhatsApp cannot resolve, 1.34.7 answers { lid: undefined, pn: undefined }.
      for (const pair of await client.getContactLidAndPhone(ids)) {
        if (pair?.lid && pair.pn) pairs.push({ lid: pair.lid, phone: pair.pn });
      }
    } catch (error) {
      this.options.log.warn('could not resolve hidden WhatsApp ids', { code: errorCode(error) });
    }
    const now = this.options.clock.now().getTime();
    const retryAt = now + this.options.timings.lookupRetryMs;
    const paired = new Set(pairs.flatMap((p) => [p.lid, p.phone]));
    for (const id of ids) {
      if (paired.has(id)) continue;
      this.lookupFailedUntil.set(id, retryAt);
      if (id.endsWith('@lid')) this.unresolvedLids.add(id);
    }
    for (const { lid, phone } of pairs) {
      this.lookupFailedUntil.delete(lid);
      this.unresolvedLids.delete(lid);
      this.pairedNumbers.add(phone);
    }
    if (this.lookupFailedUntil.size > 20_000) {
      for (const [id, until] of this.lookupFailedUntil) if (until <= now) this.lookupFailedUntil.delete(id);
    }
    if (this.pairedNumbers.size > 20_000) this.pairedNumbers.clear();
    if (this.unresolvedLids.size > 20_000) this.unresolvedLids.clear();
    if (!pairs.length) return;
    try {
      await this.aliases.rememberAliases(pairs);
    } catch (error) {
      // The pairs are still known until the bot restarts; only keeping them on disk failed.
      this.options.log.warn('could not save resolved WhatsApp ids', { code: errorCode(error) });
    }
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

  /**
   * A group as WhatsApp lists it, or undefined for one the bot has left or was removed from:
   * WhatsApp Web keeps such a chat, but the bot is no longer among its participants. (Whether
   * the bot may write there is no guide: in whatsapp-web.js 1.34 `isReadOnly` means only admins
   * may send, and the bot must still know who is in an announcement-only group.)
   */
  private async toGroup(client: WhatsAppClient, chat: Chat, catchUp: boolean): Promise<GroupEvent | undefined> {
    const group = chat as GroupChat;
    const members = await this.people(client, participantIds(group));
    if (this.botId && !members.includes(this.botId)) return undefined;
    return groupEvent(group, members, catchUp, this.options.clock.now());
  }

  private async readGroup(client: WhatsAppClient, chatId: GroupId): Promise<InboundEvent[]> {
    const chat = await client.getChatById(serialized(chatId));
    const event = chat?.isGroup ? await this.toGroup(client, chat, false) : undefined;
    return event ? [event] : [];
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
    const groups = (await client.getChats()).filter((chat) => chat.isGroup);
    const events: InboundEvent[] = [];
    for (const chat of groups) {
      const event = await this.toGroup(client, chat, true);
      if (event) events.push(event);
    }
    this.options.log.info('groups read', { count: events.length, left: groups.length - events.length });
    events.push({ kind: 'listed', at: this.options.clock.now() });
    return events;
  }
}

/** The alias table when no store is given (tests of the transport alone): it lasts as long as the process. */
function aliasesInMemory(): PersonAliases {
  const phoneOfLid = new Map<string, string>();
  return {
    phoneOf: (lid) => phoneOfLid.get(lid),
    async rememberAliases(pairs) {
      for (const { lid, phone } of pairs) phoneOfLid.set(lid, phone);
    },
  };
}
