import type { Clock, Timer } from '../core/clock.js';
import { maskId, type ChatId, type PersonId } from '../core/ids.js';
import { errorCode, type Logger } from '../core/log.js';
import type { WhatsAppClient } from './whatsapp-client.js';
import { accountStop, accountStopLine, describeStartFailure, LATE, withDeadline, type AccountStop } from './whatsapp-failures.js';
import { Liveness } from './whatsapp-liveness.js';
import type { WhatsAppTimings } from './whatsapp-timings.js';

export type ConnectionState = 'starting' | 'waiting-for-qr' | 'connected' | 'disconnected' | 'logged-out' | 'account-stopped';

export interface ConnectionOptions {
  /** Builds a fresh client: whatsapp-web.js does not reconnect by itself, so each retry gets a new one. */
  createClient: () => WhatsAppClient;
  clock: Clock;
  log: Logger;
  onQr?: (qr: string) => void;
  onState?: (state: ConnectionState) => void;
  timings: WhatsAppTimings;
  /** The version config pins (whatsapp.webVersion): a different one running is worth a warning. */
  webVersion?: string | null;
  /**
   * WhatsApp blocked the number or refuses this version of WhatsApp Web: the transport has stopped
   * and will not retry. `send` still reaches a chat while the old client may be able to send, and
   * is undefined when it cannot; the process is expected to end.
   */
  onAccountStopped?: (stop: AccountStop, line: string, send: ((chat: ChatId, text: string) => Promise<boolean>) | undefined) => Promise<void>;
}

/** What the rest of the transport does at the connection's turning points. */
export interface ConnectionHooks {
  /** A new client was built: its messages and group events are listened to from now. */
  built(client: WhatsAppClient): void;
  /** The client said 'ready': the bot's own id as now known, for the log. */
  ready(client: WhatsAppClient): PersonId | undefined;
  /** Sends may go again: what WhatsApp does not replay is read now. */
  connected(client: WhatsAppClient): void;
  /** One message on a client about to be given up, with a deadline: whether it went. */
  lastWords(client: WhatsAppClient, chat: ChatId, text: string): Promise<boolean>;
}

/** Closing a hung browser must not hold up the next one. */
const DESTROY_TIMEOUT_MS = 15_000;

/**
 * Keeps one whatsapp-web.js client up: after a failed start, a disconnect, a dead browser or a
 * page that stops answering, it throws the client away and builds a new one, waiting longer each
 * time. A blocked number or a refused version is the one thing it does not retry.
 */
export class WhatsAppConnection {
  private current: WhatsAppClient | undefined;
  private retryMs: number;
  private retryTimer: Timer | undefined;
  private stopping = false;
  private everConnected = false;
  private isConnected = false;
  private whenConnected: Array<() => void> = [];
  private readonly liveness: Liveness;
  /** Set once WhatsApp has blocked the number or refused the version: nothing is retried. */
  private stoppedFor: AccountStop | undefined;

  constructor(
    private readonly options: ConnectionOptions,
    private readonly hooks: ConnectionHooks,
  ) {
    this.retryMs = options.timings.firstRetryMs;
    this.liveness = new Liveness(options.clock, options.timings, {
      current: (client) => this.current === client,
      connected: () => this.isConnected,
      lose: (client, why) => this.lose(client, why),
      stopAccount: (client, stop) => this.stopAccount(client, stop),
    });
  }

  /** The client built last, connected or not. */
  get client(): WhatsAppClient | undefined {
    return this.current;
  }

  get connected(): boolean {
    return this.isConnected;
  }

  async start(): Promise<void> {
    this.stopping = false;
    await this.connect();
  }

  /** No more retries or checks, and sends still waiting for a connection give up now: the bot is going down. */
  halt(): void {
    this.stopping = true;
    this.retryTimer?.cancel();
    this.liveness.unwatch();
    this.wakeWaiting();
  }

  /** Throws the client away and builds a new one after the usual pause: for a stray rejection from the library. */
  restart(why: string): void {
    if (this.current) this.lose(this.current, why);
  }

  connectedClient(): WhatsAppClient {
    if (!this.current || !this.isConnected) throw Object.assign(new Error('WhatsApp is not connected'), { code: 'ENOTCONNECTED' });
    return this.current;
  }

  waitForConnection(): Promise<void> {
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
    this.isConnected = connected;
    if (connected) this.wakeWaiting();
  }

  private wakeWaiting(): void {
    const waiting = this.whenConnected;
    this.whenConnected = [];
    for (const wake of waiting) wake();
  }

  private async connect(): Promise<void> {
    if (this.stopping) return;
    this.setState('starting');
    const client = this.options.createClient();
    this.current = client;
    this.listen(client);
    this.hooks.built(client);
    this.liveness.armReady(client);
    try {
      await client.initialize();
    } catch (error) {
      if (this.current !== client) return;
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

  async dispose(): Promise<void> {
    const client = this.current;
    this.current = undefined;
    this.setConnected(false);
    this.liveness.unwatch();
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
  lose(client: WhatsAppClient, why: string, state: ConnectionState = 'disconnected'): void {
    if (this.current !== client || this.stoppedFor) return;
    this.setConnected(false);
    this.setState(state);
    void this.dispose().then(() => this.retryLater(why));
  }

  /**
   * A blocked number or a refused version is not waited out: retrying would only look worse to
   * WhatsApp. The operator is told while the old client can still send, then the transport stops.
   */
  private async stopAccount(client: WhatsAppClient, stop: AccountStop): Promise<void> {
    if (this.current !== client || this.stoppedFor) return;
    this.stoppedFor = stop;
    this.retryTimer?.cancel();
    this.liveness.unwatch();
    const line = accountStopLine(stop);
    this.options.log.error(line, { code: stop });
    const canSend = this.isConnected;
    this.setConnected(false);
    this.setState('account-stopped');
    const send = (chat: ChatId, text: string) => this.hooks.lastWords(client, chat, text);
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
      if (version === LATE || this.current !== client) return;
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

  private listen(client: WhatsAppClient): void {
    const log = this.options.log;
    const current = () => this.current === client;
    client.on('qr', (qr) => {
      if (!current()) return;
      this.liveness.waitForQr();
      this.setState('waiting-for-qr');
      this.options.onQr?.(qr);
    });
    client.on('authenticated', () => {
      if (!current()) return;
      log.info('WhatsApp login accepted');
      this.liveness.armReady(client);
    });
    client.on('loading_screen', (percent) => {
      if (!current()) return;
      log.info('WhatsApp Web loading', { percent: Number(percent) });
      this.liveness.armReady(client);
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
      this.liveness.ready(client);
      void this.logVersion(client);
      this.retryMs = this.options.timings.firstRetryMs;
      log.info('WhatsApp connected', { as: maskId(this.hooks.ready(client)) });
      this.everConnected = true;
      this.setConnected(true);
      this.setState('connected');
      this.hooks.connected(client);
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
  }
}
