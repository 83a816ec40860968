import { describe, expect, it } from '@jest/globals';
import { userPart } from '../../src/core/ids.js';
import { FakeWhatsApp, fakeGroupNotification, groupMessage, messageId } from '../support/fake-whatsapp.js';
import { connect, reconnect, stewardOn, text, type Steward } from '../support/whatsapp-steward.js';

/*
 * Welcomes after the bot was away. WhatsApp does not replay the joins the bot missed, so on
 * each connection the bot compares a group's members with its record; that is safe only when
 * the record was itself a whole list. And however many join at once, one welcome mentions at
 * most config welcome.maxMentions (30) people.
 */

const BOT = '447700900999@c.us';
const GROUP = '120363000000000001@g.us';
const ADMIN = '447700900001@c.us';
const MINUTE = 60_000;
const person = (n: number) => `4477009${String(n).padStart(5, '0')}@c.us`;
const parents = (from: number, count: number) => Array.from({ length: count }, (_, i) => person(from + i));
const welcomes = (s: Steward) => s.wa.sentTo(GROUP).filter((m) => text(m).startsWith('Welcome'));

describe('a catch-up welcomes only from a whole earlier read of the group', () => {
  it('a failed read, then one message, then a read that works: no one is welcomed; a later newcomer is', async () => {
    const members = [ADMIN, ...parents(100, 198)];
    const wa = new FakeWhatsApp({ wid: BOT });
    wa.setGroup(GROUP, 'Year 3 Parents', [...members, BOT], [ADMIN]);
    wa.chatsFailure = new Error('Evaluation failed: chats not loaded');
    const s = await stewardOn(wa);
    await connect(s);

    // One parent writes before the groups could be read: the bot's record of the group is one person.
    wa.current.emitMessage(groupMessage(GROUP, person(150), 'is there school tomorrow?'));
    await s.settle();
    expect(s.app.services.store.group(GROUP)?.members).toEqual([s.app.services.store.fingerprint(person(150))]);

    // The read is tried again a minute later, and works: 199 people the record did not have.
    wa.chatsFailure = undefined;
    await s.clock.advanceBy(MINUTE);
    await s.settle();
    await s.clock.advanceBy(5 * MINUTE);
    expect(wa.calls.getChats).toBe(2);
    expect(welcomes(s)).toEqual([]);
    expect(s.app.services.store.group(GROUP)?.members).toHaveLength(200);

    // From that whole list on, someone who joins while the bot is away is welcomed, alone.
    wa.current.emitDisconnected('CONFLICT');
    await s.settle();
    wa.setGroup(GROUP, 'Year 3 Parents', [...members, person(400), BOT], [ADMIN]);
    await s.clock.advanceBy(5_000);
    await connect(s);
    await s.clock.advanceBy(MINUTE);
    expect(welcomes(s)).toHaveLength(1);
    expect(welcomes(s)[0]!.options?.mentions).toEqual([person(400)]);
    expect(s.timerErrors).toEqual([]);
  });

  it('a record made from a join is not a whole list either', async () => {
    const wa = new FakeWhatsApp({ wid: BOT });
    const s = await stewardOn(wa);
    await connect(s);
    // A join in a group the bot has not read (it was added while the read was failing).
    wa.current.emitGroupJoin(fakeGroupNotification({ chatId: GROUP, author: ADMIN, recipientIds: [person(100)] }));
    await s.settle();
    await s.clock.advanceBy(MINUTE);
    const before = welcomes(s).length;

    wa.setGroup(GROUP, 'Year 3 Parents', [ADMIN, ...parents(100, 60), BOT], [ADMIN]);
    await reconnect(s);
    await s.clock.advanceBy(MINUTE);
    expect(welcomes(s)).toHaveLength(before);
  });
});

describe('how many one welcome mentions', () => {
  it('more than 30 newcomers at once get one welcome that names no one', async () => {
    const wa = new FakeWhatsApp({ wid: BOT });
    wa.setGroup(GROUP, 'Year 3 Parents', [ADMIN, BOT], [ADMIN]);
    const s = await stewardOn(wa);
    await connect(s);
    const newcomers = parents(100, 31);
    wa.current.emitGroupJoin(
      fakeGroupNotification({ chatId: GROUP, author: ADMIN, recipientIds: newcomers, id: { ...messageId(GROUP, { author: ADMIN }), participant: newcomers[0] } }),
    );
    await s.settle();
    await s.clock.advanceBy(5 * MINUTE);

    expect(wa.sent).toHaveLength(1);
    const [welcome] = welcomes(s);
    expect(text(welcome!)).toMatch(/^Welcome to everyone who has just joined 👋/);
    expect(welcome!.options?.mentions).toBeUndefined();
    for (const id of newcomers) expect(text(welcome!)).not.toContain(userPart(id));
  });

  it('a catch-up that finds 45 newcomers sends one welcome that names no one; 30 are all named', async () => {
    const wa = new FakeWhatsApp({ wid: BOT });
    wa.setGroup(GROUP, 'Year 3 Parents', [ADMIN, BOT], [ADMIN]);
    const s = await stewardOn(wa);
    await connect(s);

    wa.setGroup(GROUP, 'Year 3 Parents', [ADMIN, ...parents(100, 45), BOT], [ADMIN]);
    await reconnect(s);
    await s.clock.advanceBy(5 * MINUTE);
    expect(welcomes(s)).toHaveLength(1);
    expect(welcomes(s)[0]!.options?.mentions).toBeUndefined();

    wa.setGroup(GROUP, 'Year 3 Parents', [ADMIN, ...parents(100, 45), ...parents(200, 30), BOT], [ADMIN]);
    await reconnect(s);
    await s.clock.advanceBy(5 * MINUTE);
    expect(welcomes(s)).toHaveLength(2);
    expect(welcomes(s)[1]!.options?.mentions).toEqual(parents(200, 30));
  });
});
