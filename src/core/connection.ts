import type { Clock } from './clock.js';

/**
 * Where the bot's WhatsApp connection stands. The same words as the WhatsApp transport's
 * ConnectionState (the front end passes that straight in, so the compiler keeps the two alike);
 * the simulator is connected as soon as it starts.
 */
export type WhatsAppState = 'starting' | 'waiting-for-qr' | 'connected' | 'disconnected' | 'logged-out' | 'account-stopped';

/**
 * The port through which whichever transport runs tells the app about its connection: the core
 * and the features never see a transport, yet !status and the status page must say whether
 * WhatsApp is connected. The front end that started the bot (cli/start.ts, cli/simulation.ts)
 * keeps it current.
 */
export class ConnectionStatus {
  private current: WhatsAppState = 'starting';
  private changedAt: Date;

  constructor(private readonly clock: Clock) {
    this.changedAt = clock.now();
  }

  set(state: WhatsAppState): void {
    if (state === this.current) return;
    this.current = state;
    this.changedAt = this.clock.now();
  }

  get state(): WhatsAppState {
    return this.current;
  }

  /** When it came to be in its state. */
  get since(): Date {
    return this.changedAt;
  }
}
