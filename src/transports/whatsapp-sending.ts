import type { Clock } from '../core/clock.js';
import type { Outgoing, SendTrouble } from '../core/events.js';
import { maskId, type ChatId, type PersonId } from '../core/ids.js';
import type { Logger } from '../core/log.js';
import type { WhatsAppClient } from './whatsapp-client.js';
import type { WhatsAppConnection } from './whatsapp-connection.js';
import { LATE, sendFailure, withDeadline } from './whatsapp-failures.js';

/** A send that fails for no known reason is tried this many times, pausing 2 s, 4 s, 8 s between. */
const SEND_ATTEMPTS = 4;
const SEND_FIRST_PAUSE_MS = 2_000;
/** A send kept through this many rebuilt clients is given up: the page is not what is failing. */
const SEND_RECONNECTS = 5;
/** A send that takes this long is stuck in a hung page. */
const SEND_TIMEOUT_MS = 60_000;
/** The last message on a client being given up waits no longer than closing it would. */
const LAST_WORDS_TIMEOUT_MS = 15_000;
/** How many people's chats are remembered for replies, at most. */
const REMEMBERED_CHATS = 20_000;

/**
 * The core's messages sent on the connection's client: kept across a rebuilt client, retried
 * after a pause when the failure may pass, and counted for !status when WhatsApp refuses them.
 */
export class WhatsAppSender {
  /**
   * For a person's id, the chat WhatsApp last used with them (often their hidden-id chat): a reply
   * sent to the phone-number id instead can fail with "No LID for user".
   */
  private readonly chatOf = new Map<string, string>();
  /** Sends WhatsApp refused for good since the start, for !status. */
  private refused: SendTrouble | undefined;

  constructor(
    private readonly connection: WhatsAppConnection,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /**
   * Sends one message. A send cut off by the browser or its page going away is kept: the client is
   * rebuilt and the message goes once the new one is connected. Other failures are tried a few
   * times with a pause; what WhatsApp refuses for good is counted for !status and thrown with a code.
   */
  async send(out: Outgoing): Promise<void> {
    const { clock, connection } = this;
    for (let attempt = 1, reconnects = 0; ; ) {
      // A reply due while WhatsApp is reconnecting waits for it rather than being lost.
      if (!connection.connected) await connection.waitForConnection();
      const client = connection.client;
      if (!client || !connection.connected) throw Object.assign(new Error('WhatsApp is not connected'), { code: 'ENOTCONNECTED' });
      try {
        await this.sendOnce(client, out);
        return;
      } catch (error) {
        const failure = sendFailure(error);
        const chat = maskId(out.chat);
        if (failure.kind === 'session' && reconnects++ < SEND_RECONNECTS) {
          this.log.warn('send cut off; it goes again once WhatsApp is back', { chat, code: failure.code });
          connection.lose(client, `WhatsApp Web's page went away during a send (${failure.code}).`);
          continue;
        }
        if (failure.kind === 'transient' && attempt < SEND_ATTEMPTS) {
          const pauseMs = SEND_FIRST_PAUSE_MS * 2 ** (attempt - 1);
          this.log.warn('send failed; trying again', { chat, code: failure.code, attempt, inSeconds: pauseMs / 1000 });
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
      this.clock,
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

  /** One try, on a client the account stop is about to close: whether the message went. */
  async lastWords(client: WhatsAppClient, chat: ChatId, text: string): Promise<boolean> {
    try {
      const sent = await withDeadline(
        this.clock,
        client.sendMessage(this.chatOf.get(chat) ?? chat, text, { linkPreview: false, sendSeen: false }),
        LAST_WORDS_TIMEOUT_MS,
      );
      return Boolean(sent) && sent !== LATE;
    } catch {
      return false;
    }
  }

  /**
   * The chat WhatsApp used for a person who wrote: when it is not the id the bot knows them by
   * (a hidden-id chat for a phone-number id), private replies go there.
   */
  rememberChat(person: PersonId, used: string): void {
    if (used === person) return;
    if (this.chatOf.size >= REMEMBERED_CHATS) this.chatOf.clear();
    this.chatOf.set(person, used);
  }

  /** Sends WhatsApp refused for good since the bot started, for !status; undefined when none. */
  sendTrouble(): SendTrouble | undefined {
    return this.refused && { ...this.refused };
  }
}
