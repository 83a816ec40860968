import type { GroupEvent, JoinRequestEvent, Media, MembershipEvent, MessageEvent, QuotedMessage } from '../core/events.js';
import { isGroupId, type PersonId } from '../core/ids.js';

/*
 * whatsapp-web.js' objects turned into the core's events. Nothing here waits on WhatsApp: the
 * transport resolves hidden ids (@lid) and reads quoted messages first, and passes what it found
 * in; attachments are only described, with a way to download them that a report may use. The field types are the parts of whatsapp-web.js' own types that
 * the mapping reads, so its objects fit them as they are.
 */

/** whatsapp-web.js types most ids as strings, but gives some (a message's, a chat's) as objects. */
export type WireId = string | { _serialized: string };

export interface MessageFields {
  id: WireId;
  /** The group, or the person in a private chat. */
  from: WireId;
  /** Who wrote it, in a group. */
  author?: WireId;
  fromMe?: boolean;
  isStatus?: boolean;
  broadcast?: boolean;
  type?: string;
  body?: string;
  isForwarded?: boolean;
  mentionedIds?: WireId[];
  /** Seconds since 1970. */
  timestamp?: number;
  hasMedia?: boolean;
  /** WhatsApp Web's own message model: an attachment's type, name and size come with it. */
  rawData?: { notifyName?: string; mimetype?: unknown; filename?: unknown; size?: unknown };
}

export interface NotificationFields {
  chatId: WireId;
  author?: WireId;
  recipientIds?: WireId[];
  timestamp?: number;
}

export interface GroupChatFields {
  id: WireId;
  name?: string;
  participants?: Array<{ id: WireId; isAdmin?: boolean; isSuperAdmin?: boolean }>;
}

/** The ids a message names, as WhatsApp gave them: any of them may be a hidden id still. */
export interface MessageIds {
  author: string;
  mentions: string[];
}

// Messages WhatsApp uses for its own bookkeeping: nobody wrote them.
const systemTypes = new Set(['e2e_notification', 'notification_template', 'gp2', 'call_log', 'protocol', 'revoked', 'ciphertext', 'notification', 'broadcast_notification']);

export function serialized(id: unknown): string {
  if (typeof id === 'string') return id;
  if (id && typeof id === 'object' && '_serialized' in id) return String((id as { _serialized: unknown })._serialized);
  return '';
}

/** Only groups and people: status updates, broadcast lists and channels are not conversations with parents. */
function isConversation(id: string): boolean {
  return id.endsWith('@g.us') || id.endsWith('@c.us') || id.endsWith('@lid');
}

function secondsToDate(seconds: number | undefined): Date {
  return new Date((seconds || 0) * 1000);
}

/**
 * Who wrote a message and whom it mentions, for the transport to resolve; undefined for a message
 * the bot ignores, so nothing is fetched for it.
 */
export function messageIds(message: MessageFields): MessageIds | undefined {
  // `message` never carries the bot's own messages (that is `message_create`), but a linked phone can.
  if (message.fromMe || message.isStatus || message.broadcast || systemTypes.has(String(message.type))) return undefined;
  const from = serialized(message.from);
  if (!isConversation(from)) return undefined;
  return {
    author: isGroupId(from) ? serialized(message.author) : from,
    mentions: (message.mentionedIds ?? []).map(serialized),
  };
}

/** A message that passed `messageIds`, with its sender and mentions as resolved. */
export function messageEvent(
  message: MessageFields,
  resolved: { from: PersonId; mentions: PersonId[]; quoted?: QuotedMessage; media?: Media },
): MessageEvent {
  const from = serialized(message.from);
  return {
    kind: 'message',
    // A private chat is named after the person, in the same form as their id in the groups.
    chat: isGroupId(from) ? from : resolved.from,
    from: resolved.from,
    senderName: message.rawData?.notifyName || undefined,
    id: serialized(message.id),
    text: message.body ?? '',
    quotedId: resolved.quoted?.id,
    quoted: resolved.quoted,
    forwarded: Boolean(message.isForwarded),
    mentions: resolved.mentions,
    media: resolved.media,
    at: secondsToDate(message.timestamp),
  };
}

/** Who wrote a quoted message: its author in a group, its sender in a private chat. */
export function quotedAuthor(quoted: MessageFields): string {
  return serialized(quoted.author) || serialized(quoted.from);
}

export function quotedMessage(quoted: MessageFields, resolved: { from?: PersonId; media?: Media }): QuotedMessage {
  return {
    id: serialized(quoted.id),
    from: resolved.from,
    authorName: quoted.rawData?.notifyName || undefined,
    text: quoted.body ?? '',
    at: secondsToDate(quoted.timestamp),
    media: resolved.media,
  };
}

/**
 * A message's attachment as WhatsApp announces it, before anything is downloaded. A size of 0 is
 * no size: a file is fetched only once its size is known to fit.
 */
export function describedMedia(message: MessageFields, download: () => Promise<Uint8Array | undefined>): Media | undefined {
  if (!message.hasMedia) return undefined;
  const raw = message.rawData ?? {};
  const text = (value: unknown) => (typeof value === 'string' && value ? value : undefined);
  const size = typeof raw.size === 'number' && Number.isSafeInteger(raw.size) && raw.size > 0 ? raw.size : undefined;
  return { mimetype: text(raw.mimetype) ?? 'application/octet-stream', filename: text(raw.filename), size, download };
}

/**
 * Who joined or left, and who added them, for the transport to resolve. Nobody is named as
 * having added people who joined by invite link (they are the notification's author themselves).
 */
export function membershipIds(kind: 'join' | 'leave', n: NotificationFields): { members: string[]; by?: string } {
  // One notification can carry many people: an admin adding a whole class at once.
  const recipients = (n.recipientIds ?? []).map(serialized).filter(Boolean);
  const author = serialized(n.author);
  const by = author && kind === 'join' && !recipients.every((r) => r === author) ? author : undefined;
  return { members: recipients.length ? recipients : [author], by };
}

/** `now` stands in for a notification that carries no time. */
export function membershipEvent(
  kind: 'join' | 'leave',
  n: NotificationFields,
  resolved: { members: PersonId[]; by?: PersonId },
  now: Date,
): MembershipEvent {
  return {
    kind,
    chat: serialized(n.chatId),
    members: resolved.members,
    by: resolved.by,
    at: n.timestamp ? secondsToDate(n.timestamp) : now,
  };
}

/**
 * Who asks to join, for the transport to resolve: whatsapp-web.js' `group_membership_request`
 * names the requester as the notification's author; a request made for someone else (a member
 * adding a person the admins must approve) names that person among the recipients.
 */
export function joinRequestIds(n: NotificationFields): string[] {
  const recipients = (n.recipientIds ?? []).map(serialized).filter(Boolean);
  const author = serialized(n.author);
  return recipients.length ? recipients : author ? [author] : [];
}

/** `now` stands in for a notification that carries no time. */
export function joinRequestEvent(n: NotificationFields, requesters: PersonId[], now: Date): JoinRequestEvent {
  return {
    kind: 'join_request',
    chat: serialized(n.chatId),
    members: requesters,
    at: n.timestamp ? secondsToDate(n.timestamp) : now,
  };
}

export function participantIds(chat: GroupChatFields): string[] {
  return (chat.participants ?? []).map((p) => serialized(p.id));
}

/** `members` are the chat's participants, as resolved and in the same order. */
export function groupEvent(chat: GroupChatFields, members: PersonId[], catchUp: boolean, now: Date): GroupEvent {
  const participants = chat.participants ?? [];
  return {
    kind: 'group',
    chat: serialized(chat.id),
    name: chat.name,
    members,
    admins: members.filter((_, i) => participants[i]?.isAdmin || participants[i]?.isSuperAdmin),
    catchUp: catchUp || undefined,
    at: now,
  };
}
