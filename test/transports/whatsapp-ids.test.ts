import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { FakeWhatsApp, fakeGroupNotification, groupMessage } from '../support/fake-whatsapp.js';
import { connect, reconnect, stewardOn, text, type Steward } from '../support/whatsapp-steward.js';

/*
 * One person, one id. WhatsApp names a person by a hidden id (…@lid) until their number
 * resolves, then by number (…@c.us); the bot keeps the pairs in its store, so admin checks,
 * members and welcomes see one person across reconnects and restarts. And the groups read at
 * each connection are exactly those the bot is in.
 */

const BOT = '447700900999@c.us';
const BOT_LID = '11111111111111@lid';
const GROUP = '120363000000000001@g.us';
const OTHER_GROUP = '120363000000000002@g.us';
const ADMIN = '447700900001@c.us';
const ADMIN_LID = '12345678901234@lid';
const PARENT = '447700900002@c.us';
const PARENT_LID = '98765432109876@lid';
const OTHER_PARENT = '447700900003@c.us';
const NEWCOMER = '447700900050@c.us';
const MINUTE = 60_000;
const LOOKUP_RETRY_MS = 30 * MINUTE;

const store = (s: Steward) => s.app.services.store;
/** The member list as the store keeps it: fingerprints, in WhatsApp's order. */
const membersOf = (s: Steward, group: string) => store(s).group(group)?.members;
const fingerprints = (s: Steward, ids: string[]) => ids.map((id) => store(s).fingerprint(id));
const isMember = (s: Steward, group: string, id: string) => store(s).isMember(store(s).group(group), id);
/** The lookups that asked about one id. */
const lookupsOf = (wa: FakeWhatsApp, id: string) => wa.calls.getContactLidAndPhone.filter((ids) => ids.includes(id)).length;

async function post(s: Steward, author: string, body: string): Promise<void> {
  s.wa.current.emitMessage(groupMessage(GROUP, author, body));
  await s.settle();
  await s.clock.advanceBy(10_000);
}

describe('one person known by a hidden id, then by number', () => {
  it('is one member: still an admin for !status, and not welcomed as new at the next catch-up', async () => {
    // The admin is listed by hidden id, and WhatsApp cannot yet tell the number.
    const wa = new FakeWhatsApp({ wid: BOT });
    wa.setGroup(GROUP, 'Year 3 Parents', [ADMIN_LID, PARENT, OTHER_PARENT, BOT], [ADMIN_LID]);
    const s = await stewardOn(wa);
    await connect(s);
    expect(store(s).group(GROUP)?.admins).toEqual([ADMIN_LID]);

    // Now it can, and names the admin by number everywhere.
    wa.lidToPhone.set(ADMIN_LID, ADMIN);
    wa.setGroup(GROUP, 'Year 3 Parents', [ADMIN, PARENT, OTHER_PARENT, BOT], [ADMIN]);
    await post(s, ADMIN, '!status');

    expect(wa.sentTo(GROUP).map(text)).toEqual([expect.stringMatching(/^Status for Year 3 Parents/)]);
    expect(wa.sentTo(ADMIN)).toEqual([]);
    const group = store(s).group(GROUP)!;
    expect(group.admins).toEqual([ADMIN]);
    expect(group.members.filter((m) => m === store(s).fingerprint(ADMIN) || m === store(s).fingerprint(ADMIN_LID))).toEqual(fingerprints(s, [ADMIN]));

    await reconnect(s);
    await s.clock.advanceBy(MINUTE);
    expect(wa.sentTo(GROUP).map(text).filter((t) => t.startsWith('Welcome'))).toEqual([]);
    expect(s.timerErrors).toEqual([]);
  });

  it('a hidden id WhatsApp cannot resolve is asked about again only after the retry time, then becomes the number', async () => {
    const wa = new FakeWhatsApp({ wid: BOT });
    wa.setGroup(GROUP, 'Year 3 Parents', [ADMIN, PARENT_LID, BOT], [ADMIN]);
    const s = await stewardOn(wa);
    await connect(s);
    expect(lookupsOf(wa, PARENT_LID)).toBe(1);

    for (const body of ['hello', 'anyone?', 'thanks']) await post(s, PARENT_LID, body);
    expect(lookupsOf(wa, PARENT_LID)).toBe(1);

    wa.lidToPhone.set(PARENT_LID, PARENT);
    await s.clock.advanceBy(LOOKUP_RETRY_MS - 2 * MINUTE);
    await post(s, PARENT_LID, 'still here');
    expect(lookupsOf(wa, PARENT_LID)).toBe(1);
    expect(isMember(s, GROUP, PARENT_LID)).toBe(true);

    await s.clock.advanceBy(2 * MINUTE);
    await post(s, PARENT_LID, 'and now?');
    expect(lookupsOf(wa, PARENT_LID)).toBe(2);
    expect(membersOf(s, GROUP)).toEqual(fingerprints(s, [ADMIN, PARENT, BOT]));
  });
});

describe('the alias table', () => {
  it('survives a restart: a hidden id WhatsApp no longer resolves is still the same admin', async () => {
    const wa = new FakeWhatsApp({ wid: BOT });
    wa.setGroup(GROUP, 'Year 3 Parents', [ADMIN, PARENT, BOT], [ADMIN]);
    wa.lidToPhone.set(ADMIN_LID, ADMIN);
    const first = await stewardOn(wa);
    await connect(first);
    await post(first, ADMIN_LID, 'morning all');
    const db = JSON.parse(await readFile(path.join(first.storageDir, 'db.json'), 'utf8')) as { aliases: Record<string, string> };
    expect(db.aliases).toMatchObject({ [ADMIN_LID]: ADMIN });

    const s = await first.restart();
    wa.lidLookupFailure = Object.assign(new Error('Evaluation failed'), { code: 'EEVAL' });
    await connect(s);
    await post(s, ADMIN_LID, '!status');

    expect(wa.sentTo(GROUP).map(text)).toEqual([expect.stringMatching(/^Status for Year 3 Parents/)]);
    expect(isMember(s, GROUP, ADMIN_LID)).toBe(false);
    expect(isMember(s, GROUP, ADMIN)).toBe(true);
  });
});

describe('the alias table, when the bot is removed from a group', () => {
  it("forgets that group's members' hidden ids, as it forgets the members", async () => {
    const wa = new FakeWhatsApp({ wid: BOT });
    wa.setGroup(GROUP, 'Year 3 Parents', [ADMIN, PARENT, BOT], [ADMIN]);
    wa.lidToPhone.set(ADMIN_LID, ADMIN);
    const s = await stewardOn(wa);
    await connect(s);
    await post(s, ADMIN_LID, 'morning all');
    expect(s.app.aliases.phoneOf(ADMIN_LID)).toBe(ADMIN);

    wa.current.emitGroupLeave(fakeGroupNotification({ chatId: GROUP, author: ADMIN, recipientIds: [BOT], type: 'remove' }));
    await s.settle();
    expect(store(s).group(GROUP)).toBeUndefined();
    expect(s.app.aliases.phoneOf(ADMIN_LID)).toBeUndefined();
    const db = JSON.parse(await readFile(path.join(s.storageDir, 'db.json'), 'utf8')) as { aliases: Record<string, string> };
    expect(JSON.stringify(db.aliases)).not.toContain(ADMIN_LID);
  });
});

describe("the bot's own hidden id", () => {
  it('is learnt at ready: the bot knows itself by number, in a group that lists it either way, and after a restart', async () => {
    // client.info.wid is the hidden id while WhatsApp Web does not have the number at hand.
    const wa = new FakeWhatsApp({ wid: BOT_LID });
    wa.lidToPhone.set(BOT_LID, BOT);
    wa.setGroup(GROUP, 'Year 3 Parents', [ADMIN, PARENT, BOT], [ADMIN]);
    wa.setGroup(OTHER_GROUP, 'Year 4 Parents', [ADMIN, OTHER_PARENT, BOT_LID], [ADMIN]);
    const first = await stewardOn(wa);
    await connect(first);

    expect(first.app.services.self.id).toBe(BOT);
    expect(membersOf(first, GROUP)).toEqual(fingerprints(first, [ADMIN, PARENT, BOT]));
    expect(membersOf(first, OTHER_GROUP)).toEqual(fingerprints(first, [ADMIN, OTHER_PARENT, BOT]));
    await post(first, BOT_LID, '!rules');
    expect(wa.sent).toEqual([]);

    // After a restart WhatsApp cannot answer; the bot still knows which number it is.
    const s = await first.restart();
    wa.lidLookupFailure = new Error('Evaluation failed');
    await connect(s);
    expect(s.app.services.self.id).toBe(BOT);
    wa.current.emitGroupJoin(fakeGroupNotification({ chatId: GROUP, author: ADMIN, recipientIds: [NEWCOMER] }));
    await s.settle();
    await s.clock.advanceBy(MINUTE);
    expect(wa.sentTo(GROUP)[0]?.options?.mentions).toEqual([NEWCOMER]);
  });
});

describe('which groups are read at each connection', () => {
  it('an announcement-only group is read: someone who joined while the bot was away is welcomed there', async () => {
    const wa = new FakeWhatsApp({ wid: BOT });
    // Only admins may send, and the bot is one.
    wa.setGroup(GROUP, 'Year 3 Notices', [ADMIN, PARENT, BOT], [ADMIN, BOT], { announce: true });
    const s = await stewardOn(wa);
    await connect(s);
    expect(membersOf(s, GROUP)).toEqual(fingerprints(s, [ADMIN, PARENT, BOT]));

    wa.current.emitDisconnected('CONFLICT');
    await s.settle();
    wa.setGroup(GROUP, 'Year 3 Notices', [ADMIN, PARENT, NEWCOMER, BOT], [ADMIN, BOT], { announce: true });
    await s.clock.advanceBy(5_000);
    await connect(s);
    await s.clock.advanceBy(MINUTE);

    expect(wa.sentTo(GROUP)).toHaveLength(1);
    expect(wa.sentTo(GROUP)[0]!.options?.mentions).toEqual([NEWCOMER]);
  });

  it('a group the bot left while away is not read: nobody there is welcomed', async () => {
    const wa = new FakeWhatsApp({ wid: BOT });
    wa.setGroup(GROUP, 'Year 3 Parents', [ADMIN, PARENT, BOT], [ADMIN]);
    const s = await stewardOn(wa);
    await connect(s);

    wa.current.emitDisconnected('CONFLICT');
    await s.settle();
    // WhatsApp Web keeps the chat, without the bot among its participants.
    wa.setGroup(GROUP, 'Year 3 Parents', [ADMIN, PARENT, NEWCOMER], [ADMIN]);
    await s.clock.advanceBy(5_000);
    await connect(s);
    await s.clock.advanceBy(MINUTE);

    expect(wa.sent).toEqual([]);
    expect(isMember(s, GROUP, NEWCOMER)).toBe(false);
    expect(isMember(s, GROUP, PARENT)).toBe(true);
  });
});
