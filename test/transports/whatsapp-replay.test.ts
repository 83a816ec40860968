import { describe, expect, it } from '@jest/globals';
import type { Message } from 'whatsapp-web.js';
import { FakeWhatsApp, groupMessage } from '../support/fake-whatsapp.js';
import { connect, reconnect, stewardOn, text } from '../support/whatsapp-steward.js';

/*
 * whatsapp-web.js hands over, after a reconnect, messages that were sent while the bot was away,
 * and sometimes the same message twice. Old ones get no answer in the group; a !flag among them
 * still becomes one report, with its own time; nothing is handled twice.
 */

const BOT = '447700900999@c.us';
const GROUP = '120363000000000001@g.us';
const ADMIN = '447700900001@c.us';
const PARENT = '447700900002@c.us';
const AUTHOR = '447700900003@c.us';
const HOUR = 3_600_000;

/** A group message WhatsApp says was sent `agoMs` before the simulated now. */
function sentAgo(now: Date, author: string, body: string, agoMs: number, extra: Partial<Message> = {}): Message {
  return groupMessage(GROUP, author, body, { timestamp: Math.floor((now.getTime() - agoMs) / 1000), ...extra });
}

describe('a burst of messages replayed after a reconnect', () => {
  it('gets no group answers, turns the old !flag into one report with its own time, and handles nothing twice', async () => {
    const wa = new FakeWhatsApp({ wid: BOT });
    wa.setGroup(GROUP, 'Year 3 Parents', [ADMIN, PARENT, AUTHOR, BOT], [ADMIN]);
    const s = await stewardOn(wa);
    await connect(s);
    await reconnect(s);
    const now = s.clock.now();

    const rude = sentAgo(now, AUTHOR, 'Mr Khan is a useless teacher', 2 * HOUR);
    const flag = sentAgo(now, PARENT, '!flag rude about a teacher', 2 * HOUR - 60_000, {
      hasQuotedMsg: true,
      getQuotedMessage: async () => rude,
    });
    const burst = [
      sentAgo(now, PARENT, 'how do I raise a concern?', 3 * HOUR),
      sentAgo(now, PARENT, '!rules', 3 * HOUR),
      rude,
      flag,
    ];
    // Everything twice, as a flaky connection can deliver it.
    for (const message of [...burst, ...burst]) wa.current.emitMessage(message);
    await s.settle();
    await s.clock.advanceBy(10 * 60_000);

    expect(wa.sentTo(GROUP).map(text)).toEqual([]);
    const reports = s.app.reports.all();
    expect(reports).toHaveLength(1);
    expect(reports[0]!.createdAt).toBe(new Date((flag.timestamp ?? 0) * 1000).toISOString());
    // The reporter is answered once, privately, and so is the concern question; nothing twice.
    const toParent = wa.sentTo(PARENT).map(text);
    expect(toParent).toHaveLength(2);
    expect(toParent.filter((t) => t.startsWith('Thank you. Your report'))).toHaveLength(1);

    // And after a restart on the same storage, the same burst is recognised again.
    const restarted = await s.restart();
    await connect(restarted);
    const before = wa.sent.length;
    for (const message of burst) wa.current.emitMessage(message);
    await restarted.settle();
    await restarted.clock.advanceBy(10 * 60_000);
    expect(wa.sent.slice(before)).toEqual([]);
    expect(restarted.app.reports.all()).toHaveLength(1);
  });
});
