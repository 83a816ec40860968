import type { Clock } from '../core/clock.js';
import { errorCode } from '../core/log.js';

/**
 * How whatsapp-web.js and puppeteer fail, sorted into what the transport does about it. Their
 * messages may quote a phone number or a chat id, so they are read here and never logged: only
 * the codes given below reach a log or !status.
 */

/** WhatsApp states that end the bot's use of this number until a person acts. */
export const ACCOUNT_STOPS = ['TOS_BLOCK', 'SMB_TOS_BLOCK', 'DEPRECATED_VERSION'] as const;
export type AccountStop = (typeof ACCOUNT_STOPS)[number];

export function accountStop(state: unknown): AccountStop | undefined {
  return ACCOUNT_STOPS.find((stop) => stop === String(state));
}

/** What happened and what to do, for the terminal. The operator's words are templates. */
export function accountStopLine(stop: AccountStop): string {
  if (stop === 'DEPRECATED_VERSION') {
    return (
      'WhatsApp says this version of WhatsApp Web is too old (DEPRECATED_VERSION). The bot has stopped. ' +
      'Set whatsapp.webVersion to null in config/bot.json (or pin a newer version), update whatsapp-web.js, then start the bot again.'
    );
  }
  return (
    `WhatsApp has blocked this number (${stop}). The bot has stopped and will not retry. ` +
    'Open WhatsApp on the bot\'s phone to see the notice and request a review; start the bot again only once the number works in the app.'
  );
}

/**
 * What a failed send means:
 * - `session`: the browser or its page went away under the send. The message is kept and sent
 *   again once a new client is connected.
 * - `permanent`: WhatsApp refused this message for this chat; trying again changes nothing.
 * - `transient`: anything else; worth a few tries with a pause between them.
 */
export type SendFailure = { kind: 'session' | 'permanent' | 'transient'; code: string };

export function sendFailure(error: unknown): SendFailure {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (code === 'ENOCHAT') return { kind: 'permanent', code };
  if (code === 'ESENDTIMEOUT') return { kind: 'session', code };
  const name = (error as { name?: unknown } | undefined)?.name;
  const message = error instanceof Error ? error.message : String(error);
  if (name === 'TargetCloseError' || /Session closed|Target closed|Protocol error|Execution context was destroyed|detached Frame|Connection closed|Page crashed|browser has disconnected/i.test(message)) {
    return { kind: 'session', code: 'ESESSIONCLOSED' };
  }
  // whatsapp-web.js 1.34 names a person WhatsApp only knows by a hidden id this way.
  if (/No LID for user/i.test(message)) return { kind: 'permanent', code: 'ENOLID' };
  if (/invalid wid|wid error/i.test(message)) return { kind: 'permanent', code: 'EBADID' };
  return { kind: 'transient', code: typeof code === 'string' ? code : 'ESENDFAILED' };
}

export const LATE = Symbol('late');

/**
 * `work`, or LATE once `ms` have passed on the clock. The wait itself goes through
 * `clock.outside`, as it depends on the browser: a simulated clock then moves on to the deadline
 * instead of waiting for a page that will never answer.
 */
export async function withDeadline<T>(clock: Clock, work: Promise<T>, ms: number): Promise<T | typeof LATE> {
  let cancel = () => undefined as void;
  const late = new Promise<typeof LATE>((resolve) => {
    const timer = clock.setTimer(ms, () => resolve(LATE));
    cancel = () => timer.cancel();
  });
  try {
    return await clock.outside(Promise.race([work, late]));
  } finally {
    cancel();
  }
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
