import type { Clock, Timer } from '../core/clock.js';
import type { WhatsAppClient } from './whatsapp-client.js';
import { accountStop, LATE, sendFailure, withDeadline, type AccountStop } from './whatsapp-failures.js';
import type { WhatsAppTimings } from './whatsapp-timings.js';

/** A connected client that says three times in a row it is not CONNECTED is rebuilt. */
const NOT_CONNECTED_PROBES = 3;

/** What the connection does about a client found stuck or dead. */
export interface LivenessActions {
  /** Whether this client is still the one in use. */
  current(client: WhatsAppClient): boolean;
  connected(): boolean;
  lose(client: WhatsAppClient, why: string): void;
  stopAccount(client: WhatsAppClient, stop: AccountStop): Promise<void>;
}

/**
 * The deadlines a client must meet: 'ready' within a while of its start (or its last progress),
 * and, once connected, an answer whenever the page is asked for WhatsApp's state. A hung or
 * crashed page says nothing by itself, so these are how the bot finds out.
 */
export class Liveness {
  /** The start's deadline: a client not 'ready' by then is rebuilt. */
  private readyTimer: Timer | undefined;
  private probeTimer: Timer | undefined;
  private notConnectedProbes = 0;

  constructor(
    private readonly clock: Clock,
    private readonly timings: WhatsAppTimings,
    private readonly actions: LivenessActions,
  ) {}

  /** The start's deadline, from now: a login or the loading screen moving on sets it again. */
  armReady(client: WhatsAppClient): void {
    this.readyTimer?.cancel();
    const ms = this.timings.readyTimeoutMs;
    this.readyTimer = this.clock.setTimer(ms, () => this.actions.lose(client, `WhatsApp Web did not finish loading within ${Math.round(ms / 1000)} s.`));
  }

  /** Linking waits for a person with the phone, for as long as it takes. */
  waitForQr(): void {
    this.readyTimer?.cancel();
  }

  /** 'ready' met the start's deadline; the state checks begin. */
  ready(client: WhatsAppClient): void {
    this.readyTimer?.cancel();
    this.notConnectedProbes = 0;
    this.scheduleProbe(client);
  }

  unwatch(): void {
    this.readyTimer?.cancel();
    this.readyTimer = undefined;
    this.probeTimer?.cancel();
    this.probeTimer = undefined;
  }

  private scheduleProbe(client: WhatsAppClient): void {
    this.probeTimer?.cancel();
    // Not awaited by the timer: a page that never answers is for the probe's deadline to end.
    this.probeTimer = this.clock.setTimer(this.timings.probeEveryMs, () => void this.probe(client));
  }

  /**
   * A renderer that crashed or hung says nothing by itself: the bot asks the page for WhatsApp's
   * state now and then, and a page that throws, or does not answer in time, counts as a disconnect.
   */
  private async probe(client: WhatsAppClient): Promise<void> {
    const { actions } = this;
    if (!actions.current(client) || !actions.connected()) return;
    const { probeTimeoutMs } = this.timings;
    let state: unknown;
    try {
      state = await withDeadline(this.clock, client.getState(), probeTimeoutMs);
    } catch (error) {
      return actions.lose(client, `WhatsApp Web stopped answering (${sendFailure(error).code}).`);
    }
    if (!actions.current(client)) return;
    if (state === LATE) return actions.lose(client, `WhatsApp Web did not answer within ${Math.round(probeTimeoutMs / 1000)} s.`);
    const stop = accountStop(state);
    if (stop) return actions.stopAccount(client, stop);
    this.notConnectedProbes = state === 'CONNECTED' ? 0 : this.notConnectedProbes + 1;
    if (this.notConnectedProbes >= NOT_CONNECTED_PROBES) {
      this.notConnectedProbes = 0;
      return actions.lose(client, `WhatsApp Web has not been connected for ${NOT_CONNECTED_PROBES} checks (${String(state)}).`);
    }
    this.scheduleProbe(client);
  }
}
