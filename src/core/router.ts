import { errorCode, type Logger } from './log.js';
import { createContext, type Context, type Services } from './context.js';
import { eventLogId, type InboundEvent } from './events.js';
import { isPersonId, maskId } from './ids.js';
import { cleanText } from './text.js';

/** A feature handles what it recognises and calls next() for everything else. */
export type Feature = (ctx: Context, next: () => Promise<void>) => Promise<void>;


/**
 * Hands each event to the features in order. One bad event never stops the bot: whatever a
 * feature throws is logged here with the event's id and an error code, and the next event goes on.
 */
export class Router {
  constructor(
    private readonly features: Feature[],
    private readonly services: Services,
    private readonly log: Logger,
  ) {}

  async handle(event: InboundEvent): Promise<void> {
    if (event.kind === 'connected') {
      this.services.self.id = event.self;
      this.log.info('connected', { as: maskId(event.self) });
      return;
    }
    // Most messages log nothing: the event's logger is made only when something is logged.
    let child: Logger | undefined;
    const log = () => (child ??= this.log.child({ event: eventLogId(event), kind: event.kind, chat: maskId(event.chat) }));
    if (event.kind === 'message' && !isPersonId(event.from)) {
      // Only people post messages; anything else (a group or broadcast id as sender) is noise.
      log().warn('message ignored: sender is not a person');
      return;
    }
    try {
      const text = event.kind === 'message' ? cleanText(event.text) : '';
      const ctx = createContext(event, text, this.services, log);
      await this.run(ctx, 0);
    } catch (error) {
      log().error('event failed', { code: errorCode(error) });
    }
  }

  private async run(ctx: Context, index: number): Promise<void> {
    const feature = this.features[index];
    if (!feature) return;
    await feature(ctx, () => this.run(ctx, index + 1));
  }
}
