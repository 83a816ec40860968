import type { Feature } from '../core/feature.js';

/**
 * Each message is handled once. whatsapp-web.js hands over again, after a reconnect or a restart,
 * messages the bot has already handled; such a message stops here, before anything can answer it
 * or report it a second time. First in the list for that reason.
 */
export function handledOnce(): Feature {
  return {
    name: 'handled-once',
    async handle(ctx, next) {
      const event = ctx.event;
      if (event.kind === 'message' && !ctx.services.handled.claimMessage(event.chat, event.id, event.at, ctx.now())) {
        ctx.log.debug('message ignored: handled before');
        return;
      }
      await next();
    },
  };
}
