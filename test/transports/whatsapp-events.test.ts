import { describe, expect, it } from '@jest/globals';
import {
  describedMedia,
  groupEvent,
  membershipEvent,
  membershipIds,
  messageEvent,
  messageIds,
  participantIds,
  quotedAuthor,
  quotedMessage,
  type MessageFields,
} from '../../src/transports/whatsapp-events.js';

// Plain objects shaped like whatsapp-web.js' own: ids of messages and chats as { _serialized },
// the others as strings, as the library hands them over.
const GROUP = '120363000000000001@g.us';
const ADMIN = '447700900001@c.us';
const PARENT = '447700900002@c.us';
const OTHER_PARENT = '447700900003@c.us';
const PARENT_LID = '98765432109876@lid';
const SENT_AT = Math.floor(Date.UTC(2026, 0, 5, 8, 0, 0) / 1000);
const NOW = new Date('2026-01-05T09:30:00Z');

const inGroup = (fields: Partial<MessageFields> = {}): MessageFields => ({
  id: { _serialized: `false_${GROUP}_3EB0A1_${PARENT}` },
  from: GROUP,
  author: PARENT,
  type: 'chat',
  body: 'hello all',
  timestamp: SENT_AT,
  ...fields,
});

const inPrivate = (fields: Partial<MessageFields> = {}): MessageFields => ({
  id: { _serialized: `false_${PARENT}_3EB0B2` },
  from: PARENT,
  type: 'chat',
  body: 'a question',
  timestamp: SENT_AT,
  ...fields,
});

describe('messageIds: which messages the bot sees, and the ids to resolve', () => {
  it('a group message names its author, and is in a group', () => {
    expect(messageIds(inGroup())).toEqual({ author: PARENT, mentions: [] });
  });

  it('a private message names its sender, who is also the chat', () => {
    expect(messageIds(inPrivate())).toEqual({ author: PARENT, mentions: [] });
    expect(messageIds(inPrivate({ from: PARENT_LID }))).toEqual({ author: PARENT_LID, mentions: [] });
  });

  it('lists the mentioned ids, whether given as strings or as id objects', () => {
    const ids = messageIds(inGroup({ mentionedIds: [ADMIN, { _serialized: PARENT_LID }] }));
    expect(ids?.mentions).toEqual([ADMIN, PARENT_LID]);
  });

  it('ignores what the bot sent itself, from its linked phone', () => {
    expect(messageIds(inGroup({ fromMe: true }))).toBeUndefined();
  });

  it('ignores status updates, whether flagged as such or only sent to status@broadcast', () => {
    expect(messageIds(inPrivate({ isStatus: true }))).toBeUndefined();
    expect(messageIds(inPrivate({ from: 'status@broadcast', author: PARENT }))).toBeUndefined();
  });

  it('ignores broadcast lists and channel posts', () => {
    expect(messageIds(inPrivate({ broadcast: true }))).toBeUndefined();
    expect(messageIds(inPrivate({ from: '1700000000@broadcast' }))).toBeUndefined();
    expect(messageIds(inPrivate({ from: '120363222222222222@newsletter' }))).toBeUndefined();
  });

  it.each(['e2e_notification', 'notification_template', 'gp2', 'call_log', 'protocol', 'revoked', 'ciphertext', 'notification', 'broadcast_notification'])(
    'ignores WhatsApp\'s own %s messages',
    (type) => {
      expect(messageIds(inGroup({ type, body: '' }))).toBeUndefined();
      expect(messageIds(inPrivate({ type, body: '' }))).toBeUndefined();
    },
  );

  it.each(['chat', 'image', 'document', 'ptt'])('keeps what people send as %s', (type) => {
    expect(messageIds(inPrivate({ type }))).toBeDefined();
  });
});

describe('messageEvent', () => {
  it('a group message: the group is the chat, the resolved author the sender', () => {
    const message = inGroup({ author: PARENT_LID, rawData: { notifyName: 'Sam' } });
    expect(messageEvent(message, { from: PARENT, mentions: [] })).toEqual({
      kind: 'message',
      chat: GROUP,
      from: PARENT,
      senderName: 'Sam',
      id: `false_${GROUP}_3EB0A1_${PARENT}`,
      text: 'hello all',
      quotedId: undefined,
      quoted: undefined,
      forwarded: false,
      mentions: [],
      media: undefined,
      at: new Date('2026-01-05T08:00:00Z'),
    });
  });

  it('a private message from a hidden id: the chat is the person, by their phone-number id', () => {
    const event = messageEvent(inPrivate({ from: PARENT_LID }), { from: PARENT, mentions: [] });
    expect(event).toMatchObject({ chat: PARENT, from: PARENT, text: 'a question' });
  });

  it('a forward is marked forwarded, and carries its attachment', () => {
    const media = { mimetype: 'image/jpeg', filename: undefined, size: 3, download: async () => undefined };
    const event = messageEvent(inPrivate({ isForwarded: true }), { from: PARENT, mentions: [], media });
    expect(event).toMatchObject({ forwarded: true, media });
  });

  it('carries the resolved mentions', () => {
    const message = inGroup({ body: 'thanks @98765432109876', mentionedIds: [PARENT_LID] });
    expect(messageEvent(message, { from: ADMIN, mentions: [PARENT] }).mentions).toEqual([PARENT]);
  });

  it('a reply carries the quoted message and its id', () => {
    const quoted = { id: `false_${GROUP}_3EB0C3_${OTHER_PARENT}`, from: OTHER_PARENT, text: 'you are all idiots' };
    const event = messageEvent(inGroup({ body: '!flag rude' }), { from: PARENT, mentions: [], quoted });
    expect(event).toMatchObject({ text: '!flag rude', quotedId: quoted.id, quoted });
  });

  it('a message with no text, no name and no time still makes an event', () => {
    const event = messageEvent(inPrivate({ body: undefined, timestamp: undefined, rawData: { notifyName: '' } }), { from: PARENT, mentions: [] });
    expect(event).toMatchObject({ text: '', senderName: undefined, at: new Date(0) });
  });
});

describe('quoted messages', () => {
  it('the author of a quoted group message is its author; in a private chat, its sender', () => {
    expect(quotedAuthor(inGroup({ author: OTHER_PARENT }))).toBe(OTHER_PARENT);
    expect(quotedAuthor(inPrivate())).toBe(PARENT);
  });

  it('keeps the id, the resolved author, the name, text, time and attachment', () => {
    const quoted = inGroup({ author: PARENT_LID, body: 'you are all idiots', rawData: { notifyName: 'Alex' } });
    const media = { mimetype: 'image/png', size: 3, download: async () => undefined };
    expect(quotedMessage(quoted, { from: OTHER_PARENT, media })).toEqual({
      id: `false_${GROUP}_3EB0A1_${PARENT}`,
      from: OTHER_PARENT,
      authorName: 'Alex',
      text: 'you are all idiots',
      at: new Date('2026-01-05T08:00:00Z'),
      media,
    });
  });

  it('a quoted message with no text has empty text', () => {
    expect(quotedMessage(inGroup({ body: undefined }), {}).text).toBe('');
  });
});

describe('an attachment, as the message announces it', () => {
  const nothing = async () => undefined;

  it('keeps the type, the name and the size WhatsApp gives, and downloads nothing', async () => {
    let downloads = 0;
    const download = async () => {
      downloads += 1;
      return new Uint8Array([0x25, 0x50, 0x44, 0x46]);
    };
    const media = describedMedia(inPrivate({ hasMedia: true, rawData: { mimetype: 'application/pdf', filename: 'letter.pdf', size: 48_213 } }), download);
    expect(media).toMatchObject({ mimetype: 'application/pdf', filename: 'letter.pdf', size: 48_213 });
    expect(downloads).toBe(0);
    expect(await media!.download()).toEqual(new Uint8Array([0x25, 0x50, 0x44, 0x46]));
    expect(downloads).toBe(1);
  });

  it('a message without media has none', () => {
    expect(describedMedia(inPrivate({ rawData: { mimetype: 'image/jpeg', size: 10 } }), nothing)).toBeUndefined();
  });

  it.each([undefined, 0, -5, 1.5, '2000', Number.NaN, 2 ** 60])('a size of %p is no size: the file stays unknown', (size) => {
    expect(describedMedia(inPrivate({ hasMedia: true, rawData: { mimetype: 'video/mp4', size } }), nothing)!.size).toBeUndefined();
  });

  it('a type or name that is not text is none: the type is then application/octet-stream', () => {
    const media = describedMedia(inPrivate({ hasMedia: true, rawData: { mimetype: 42, filename: { x: 1 }, size: 10 } }), nothing);
    expect(media).toMatchObject({ mimetype: 'application/octet-stream', filename: undefined, size: 10 });
  });
});

describe('joins and leaves', () => {
  const person = (n: number) => `4477009${String(n).padStart(5, '0')}@c.us`;

  it('an admin adding several parents at once: all of them, added by the admin', () => {
    const added = [person(50), person(51), { _serialized: person(52) }];
    expect(membershipIds('join', { chatId: GROUP, author: ADMIN, recipientIds: added })).toEqual({
      members: [person(50), person(51), person(52)],
      by: ADMIN,
    });
  });

  it('someone joining by invite link was added by nobody', () => {
    expect(membershipIds('join', { chatId: GROUP, author: person(51), recipientIds: [person(51)] })).toEqual({
      members: [person(51)],
      by: undefined,
    });
  });

  it('a notification with no recipients is about its author', () => {
    expect(membershipIds('join', { chatId: GROUP, author: person(51), recipientIds: [] })).toEqual({ members: [person(51)], by: undefined });
    expect(membershipIds('leave', { chatId: GROUP, author: person(51), recipientIds: ['', ''] }).members).toEqual([person(51)]);
  });

  it('a leave names who left, never who removed them', () => {
    expect(membershipIds('leave', { chatId: GROUP, author: PARENT, recipientIds: [PARENT] })).toEqual({ members: [PARENT], by: undefined });
    expect(membershipIds('leave', { chatId: GROUP, author: ADMIN, recipientIds: [OTHER_PARENT] })).toEqual({
      members: [OTHER_PARENT],
      by: undefined,
    });
  });

  it('the event has the group, the resolved people and the notification\'s time', () => {
    const n = { chatId: GROUP, author: ADMIN, recipientIds: [PARENT_LID], timestamp: SENT_AT };
    expect(membershipEvent('join', n, { members: [PARENT], by: ADMIN }, NOW)).toEqual({
      kind: 'join',
      chat: GROUP,
      members: [PARENT],
      by: ADMIN,
      at: new Date('2026-01-05T08:00:00Z'),
    });
  });

  it('a notification with no time is dated now', () => {
    const event = membershipEvent('leave', { chatId: GROUP, author: PARENT, recipientIds: [PARENT] }, { members: [PARENT] }, NOW);
    expect(event).toEqual({ kind: 'leave', chat: GROUP, members: [PARENT], by: undefined, at: NOW });
  });
});

describe('group chats', () => {
  const chat = {
    id: { _serialized: GROUP },
    name: 'Year 3 Parents',
    participants: [
      // The group's creator, who may be marked as super admin only.
      { id: { _serialized: ADMIN }, isAdmin: false, isSuperAdmin: true },
      { id: { _serialized: PARENT_LID }, isAdmin: false, isSuperAdmin: false },
      { id: { _serialized: OTHER_PARENT }, isAdmin: true, isSuperAdmin: false },
    ],
  };

  it('lists the participants\' ids to resolve', () => {
    expect(participantIds(chat)).toEqual([ADMIN, PARENT_LID, OTHER_PARENT]);
  });

  it('has every participant as a member, and admins and super admins as admins', () => {
    expect(groupEvent(chat, [ADMIN, PARENT, OTHER_PARENT], false, NOW)).toEqual({
      kind: 'group',
      chat: GROUP,
      name: 'Year 3 Parents',
      members: [ADMIN, PARENT, OTHER_PARENT],
      admins: [ADMIN, OTHER_PARENT],
      catchUp: undefined,
      at: NOW,
    });
  });

  it('an admin whose id was resolved is an admin by that id', () => {
    const promoted = { ...chat, participants: [{ id: { _serialized: PARENT_LID }, isAdmin: true, isSuperAdmin: false }] };
    expect(groupEvent(promoted, [PARENT], false, NOW).admins).toEqual([PARENT]);
  });

  it('marks a group read on reconnecting as a catch-up', () => {
    expect(groupEvent(chat, [ADMIN, PARENT, OTHER_PARENT], true, NOW).catchUp).toBe(true);
  });

  it('a group WhatsApp lists without participants has no members and no admins', () => {
    expect(groupEvent({ id: GROUP, name: 'Empty' }, [], false, NOW)).toMatchObject({ chat: GROUP, members: [], admins: [] });
    expect(participantIds({ id: GROUP })).toEqual([]);
  });
});
