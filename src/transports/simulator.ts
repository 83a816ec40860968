import { z } from 'zod';
import type { InboundEvent, Media, Outgoing, QuotedMessage, Transport } from '../core/events.js';

/** One line of a scenario file, in the format the README describes under "Trying it in the simulator". */
const id = z.string().trim().min(1).max(200);
const ids = z.array(id).max(10_000);
const media = z.object({
  mimetype: z.string().min(1).max(200),
  filename: z.string().max(1000).optional(),
  dataBase64: z.string().optional(),
  /** The size WhatsApp announces with the message; absent, that of `dataBase64`, if any. */
  size: z.number().int().min(0).optional(),
});

export const scenarioLine = z.discriminatedUnion('type', [
  z.object({ type: z.literal('group'), chat: id, name: z.string().max(1000).optional(), members: ids.default([]), admins: ids.default([]) }),
  z.object({ type: z.literal('join'), chat: id, members: ids.min(1), by: id.optional() }),
  z.object({ type: z.literal('leave'), chat: id, members: ids.min(1) }),
  z.object({
    type: z.literal('message'),
    chat: id,
    from: id,
    id: id.optional(),
    text: z.string().default(''),
    name: z.string().max(1000).optional(),
    quotedId: id.optional(),
    forwarded: z.boolean().default(false),
    mentions: ids.default([]),
    media: media.optional(),
    /** When WhatsApp says it was sent, for a message delivered late; absent, now. */
    at: z.iso.datetime({ offset: true }).optional(),
  }),
  /** People asking to join a group that has "approve new participants" on; not members yet. */
  z.object({ type: z.literal('join_request'), chat: id, members: ids.min(1) }),
  z.object({ type: z.literal('wait'), seconds: z.number().finite().min(0).max(10 * 365 * 86_400) }),
]);

export type ScenarioLine = z.infer<typeof scenarioLine>;

export type OutputLine =
  | { type: 'send'; at: string; chat: string; text: string; mentions?: string[]; quotedId?: string }
  | { type: 'email'; at: string; to: string[]; subject: string; reportId: string }
  | { type: 'delete'; at: string; chat: string; id: string }
  | { type: 'approve'; at: string; chat: string; members: string[] }
  | { type: 'leave'; at: string; chat: string };

interface SeenMessage {
  from: string;
  authorName?: string;
  text: string;
  at: Date;
  media?: Media;
}

const REMEMBERED_MESSAGES = 10_000;

/** A scenario's attachment as WhatsApp announces one: described, its bytes given only when asked for. */
function described(line: z.infer<typeof media>): Media {
  const data = line.dataBase64;
  return {
    mimetype: line.mimetype,
    filename: line.filename,
    size: line.size ?? (data === undefined ? undefined : Buffer.byteLength(data, 'base64')),
    download: async () => (data === undefined ? undefined : Buffer.from(data, 'base64')),
  };
}

/**
 * A WhatsApp that lives in memory: scenario lines come in as the core's events, and everything
 * the bot sends comes out as output lines. Like WhatsApp, it knows the messages posted so far,
 * so a reply can carry the message it quotes.
 */
export class SimulatorTransport implements Transport {
  private onEvent: ((event: InboundEvent) => Promise<void>) | undefined;
  private readonly seen = new Map<string, SeenMessage>();
  private counter = 0;

  constructor(
    private readonly now: () => Date,
    private readonly output: (line: OutputLine) => void,
  ) {}

  async start(onEvent: (event: InboundEvent) => Promise<void>): Promise<void> {
    this.onEvent = onEvent;
  }

  async send(out: Outgoing): Promise<void> {
    const line: OutputLine = { type: 'send', at: this.now().toISOString(), chat: out.chat, text: out.text };
    if (out.mentions?.length) line.mentions = out.mentions;
    if (out.quotedId) line.quotedId = out.quotedId;
    this.output(line);
  }

  async stop(): Promise<void> {
    this.onEvent = undefined;
  }

  // As in WhatsApp, a group admin can delete anyone's message there; the bot checks that it is one.
  async deleteForEveryone(chat: string, messageId: string): Promise<void> {
    this.output({ type: 'delete', at: this.now().toISOString(), chat, id: messageId });
  }

  // As in WhatsApp, only a group admin can; an empty list would approve every pending request there.
  async approveJoinRequests(chat: string, requesters: readonly string[]): Promise<void> {
    if (!requesters.length) throw Object.assign(new Error('no requester named'), { code: 'ENOREQUESTER' });
    this.output({ type: 'approve', at: this.now().toISOString(), chat, members: [...requesters] });
  }

  async leaveGroup(chat: string): Promise<void> {
    this.output({ type: 'leave', at: this.now().toISOString(), chat });
  }

  sendTrouble(): undefined {
    return undefined;
  }

  /** Turns a scenario line (other than wait) into the core's event and hands it to the bot. */
  async feed(line: Exclude<ScenarioLine, { type: 'wait' }>): Promise<void> {
    if (!this.onEvent) throw new Error('simulator not started');
    await this.onEvent(this.toEvent(line));
  }

  private toEvent(line: Exclude<ScenarioLine, { type: 'wait' }>): InboundEvent {
    const at = this.now();
    switch (line.type) {
      case 'group':
        return { kind: 'group', chat: line.chat, name: line.name, members: line.members, admins: line.admins, at };
      case 'join':
        return { kind: 'join', chat: line.chat, members: line.members, by: line.by, at };
      case 'leave':
        return { kind: 'leave', chat: line.chat, members: line.members, at };
      case 'join_request':
        return { kind: 'join_request', chat: line.chat, members: line.members, at };
      case 'message': {
        const messageId = line.id ?? `sim-${++this.counter}`;
        const sentAt = line.at ? new Date(line.at) : at;
        const quoted = line.quotedId ? this.quote(line.quotedId) : undefined;
        const attached = line.media && described(line.media);
        this.remember(messageId, { from: line.from, authorName: line.name, text: line.text, at: sentAt, media: attached });
        return {
          kind: 'message',
          chat: line.chat,
          from: line.from,
          senderName: line.name,
          id: messageId,
          text: line.text,
          quotedId: line.quotedId,
          quoted,
          forwarded: line.forwarded,
          mentions: line.mentions,
          media: attached,
          at: sentAt,
        };
      }
    }
  }

  private quote(quotedId: string): QuotedMessage {
    const seen = this.seen.get(quotedId);
    return seen ? { id: quotedId, ...seen } : { id: quotedId };
  }

  private remember(messageId: string, message: SeenMessage): void {
    this.seen.set(messageId, message);
    if (this.seen.size > REMEMBERED_MESSAGES) this.seen.delete(this.seen.keys().next().value!);
  }
}
