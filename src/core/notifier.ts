type Listener<Args extends unknown[]> = (...args: Args) => void | Promise<void>;

/**
 * How a service tells the features what happened to it (a report delivered, a budget spent)
 * without knowing who listens. Listeners are awaited in turn, so whoever emits knows the
 * consequences are done (the simulator waits for them); one listener's failure is handed to
 * `onError` and never stops the others.
 */
export class Notifier<Events extends { [name: string]: unknown[] }> {
  private readonly listeners: { [Name in keyof Events]?: Array<Listener<Events[Name]>> } = {};

  constructor(private readonly onError: (event: string, error: unknown) => void) {}

  on<Name extends keyof Events>(name: Name, listener: Listener<Events[Name]>): void {
    (this.listeners[name] ??= []).push(listener);
  }

  async emit<Name extends keyof Events>(name: Name, ...args: Events[Name]): Promise<void> {
    for (const listener of this.listeners[name] ?? []) {
      try {
        await listener(...args);
      } catch (error) {
        this.onError(String(name), error);
      }
    }
  }
}
