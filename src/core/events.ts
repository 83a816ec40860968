import { maskDigits, type ChatId, type GroupId, type PersonId } from './ids.js';

/**
 * An attachment as WhatsApp describes it with the message, before anything is downloaded. Its
 * bytes are fetched only when a report needs them, and only once `size` says they fit.
 */
export interface Media {
  /** What the sender's phone says the file is: a claim, checked against the bytes once fetched. */
  mimetype: string;
  filename?: string;
  /** Bytes, as announced with the message; undefined when WhatsApp did not say. */
  size?: number;
  /** The file itself, or undefined when it cannot be had; it never throws. */
  download(): Promise<Uint8Array | undefined>;
}

/** The message a reply quotes, as the transport could read it (WhatsApp lets quotes be forged). */
export interface QuotedMessage {
  id: string;
  from?: PersonId;
  authorName?: string;
  text?: string;
  at?: Date;
  media?: Media;
}

export interface MessageEvent {
  kind: 'message';
  chat: ChatId;
  from: PersonId;
  senderName?: string;
  id: string;
  text: string;
  quotedId?: string;
  quoted?: QuotedMessage;
  forwarded: boolean;
  mentions: PersonId[];
  media?: Media;
  at: Date;
}

export interface MembershipEvent {
  kind: 'join' | 'leave';
  chat: GroupId;
  members: PersonId[];
  by?: PersonId;
  at: Date;
}

export interface GroupEvent {
  kind: 'group';
  chat: GroupId;
  name?: string;
  members: PersonId[];
  admins: PersonId[];
  /**
   * Set when the transport re-reads a group after being offline: WhatsApp does not replay the
   * joins it missed, so members the bot did not know of are welcomed as new.
   */
  catchUp?: boolean;
  at: Date;
}

/**
 * People asking to join a group that has WhatsApp's "approve new participants" on. They are not
 * members yet: only the group's admins (or the bot, where they let it) can let them in.
 */
export interface JoinRequestEvent {
  kind: 'join_request';
  chat: GroupId;
  members: PersonId[];
  at: Date;
}

/** The transport is connected and knows which number the bot is (WhatsApp tells it at login). */
export interface ConnectedEvent {
  kind: 'connected';
  self: PersonId;
  at: Date;
}

/**
 * The transport has told the bot every group it is in. The first time, on a storage folder the
 * bot has never used, those are the groups it was in when its number was linked.
 */
export interface ListedEvent {
  kind: 'listed';
  at: Date;
}

/** What happens in a chat: what features see. */
export type ChatEvent = MessageEvent | MembershipEvent | GroupEvent | JoinRequestEvent;
export type InboundEvent = ChatEvent | ConnectedEvent | ListedEvent;

export interface Outgoing {
  chat: ChatId;
  text: string;
  mentions?: PersonId[];
  quotedId?: string;
}

/** Sends WhatsApp refused for good: how many, and the last one's time and error code. */
export interface SendTrouble {
  count: number;
  lastCode: string;
  lastAt: Date;
}

/** What the bot may do to chats besides writing in them, and what it knows of its sends. */
export interface ChatActions {
  /** Deletes a message for everyone; WhatsApp allows it to a group's admins. Throws when it did not happen. */
  deleteForEveryone(chat: ChatId, messageId: string): Promise<void>;
  leaveGroup(chat: GroupId): Promise<void>;
  /**
   * Lets these people in, answering their requests to join; the bot's own admin rights allow it.
   * Never called with no one: WhatsApp then approves every pending request. Throws when it did not happen.
   */
  approveJoinRequests(chat: GroupId, requesters: readonly PersonId[]): Promise<void>;
  /** Undefined while every send went through (the simulator's always do). */
  sendTrouble(): SendTrouble | undefined;
}

/** What the core needs from WhatsApp or the simulator: nothing more. */
export interface Transport extends ChatActions {
  start(onEvent: (event: InboundEvent) => Promise<void>): Promise<void>;
  send(out: Outgoing): Promise<void>;
  stop(): Promise<void>;
}

/** How logs name an event: enough to find it again, with no phone number in it. */
export function eventLogId(event: ChatEvent): string {
  return event.kind === 'message' ? maskDigits(event.id) : `${event.kind}@${event.at.toISOString()}`;
}
