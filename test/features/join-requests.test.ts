import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import type { OutputLine } from '../../src/transports/simulator.js';
import { agreesToRules } from '../../src/features/join-requests.js';
import { ADMIN, BOT, GROUP, OTHER_GROUP, PARENT, groupLine, message, person, startBot, type TestBot } from '../support/bot.js';

/*
 * Requests to join a group with "approve new participants" on: the requester is asked privately
 * how they are connected to the school, and the admins get the answer (or hear of the silence).
 * The bot approves only when the admins set !joins auto, and only someone who agreed to the rules.
 */

const REQUESTER = person(21);
const SECOND = person(22);
const HIDDEN = '12345678901234@lid';
const DAY_SECONDS = 24 * 3600;

let bot: TestBot | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await bot?.close();
  bot = undefined;
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

const start = async (options: Parameters<typeof startBot>[0] = {}) => (bot = await startBot(options));
/** The group with the bot as an admin, as WhatsApp reports it. */
const adminGroup = () => groupLine([ADMIN, PARENT], [ADMIN, BOT]);
const request = (...members: string[]) => ({ type: 'join_request', chat: GROUP, members });
const privately = (from: string, text: string, extra: Record<string, unknown> = {}) => message(from, text, { chat: from, ...extra });
const approvals = (b: TestBot) => b.out.filter((l): l is Extract<OutputLine, { type: 'approve' }> => l.type === 'approve');
const to = (sent: ReturnType<TestBot['take']>, chat: string) => sent.filter((s) => s.chat === chat).map((s) => s.text);
const userPart = (id: string) => id.split('@')[0]!;

describe('a request to join, where the bot is a group admin', () => {
  it('asks the requester privately about their link to the school; the answer goes to the admins, who decide', async () => {
    const b = await start();
    await b.run(adminGroup(), request(REQUESTER));
    await b.settle();
    const [asked, ...more] = b.take();
    expect(more).toEqual([]);
    expect(asked!.chat).toBe(REQUESTER);
    expect(asked!.text).toContain('You asked to join the WhatsApp group "Year 3 Parents"');
    // The code of conduct in brief, guideline 6 among it, and the question.
    expect(asked!.text).toContain('Only people directly related to or responsible for a child at the school');
    expect(asked!.text).toContain('who at the school are you connected to?');
    expect(asked!.text).toContain("The group's admins decide on your request.");

    await b.run(privately(REQUESTER, "Hi, I'm Bilal's mum, he is in Year 3.\nThanks!", { name: "Bilal's mum" }));
    await b.settle();
    const sent = b.take();
    expect(sent.some((s) => s.chat === GROUP)).toBe(false);
    expect(to(sent, REQUESTER)).toEqual([expect.stringMatching(/^Thank you\. I have passed your answer to the admins of "Year 3 Parents"/)]);
    const [note, ...others] = to(sent, ADMIN);
    expect(others).toEqual([]);
    expect(note).toContain("Bilal's mum (number ending 021)");
    expect(note).toContain("| Hi, I'm Bilal's mum, he is in Year 3.\n| Thanks!");
    expect(note).toContain('Please approve or decline it in WhatsApp');
    // The admins see the last digits only: WhatsApp shows them the request itself.
    expect(note).not.toContain(userPart(REQUESTER));
    expect(approvals(b)).toEqual([]);
    // Only the one answer is taken: what they write next is an ordinary private message.
    await b.run(privately(REQUESTER, 'how do I raise a concern?'));
    await b.settle();
    expect(to(b.take(), ADMIN)).toEqual([]);
  });

  it('after a day of silence tells the admins, not before; a requester let in meanwhile is not mentioned', async () => {
    const b = await start();
    await b.run(adminGroup(), request(REQUESTER, SECOND), { type: 'wait', seconds: 3600 });
    // An admin approves the second one in WhatsApp: they join.
    await b.run({ type: 'join', chat: GROUP, members: [SECOND] }, { type: 'wait', seconds: DAY_SECONDS - 3600 - 60 });
    b.take();
    await b.run({ type: 'wait', seconds: 120 });
    await b.settle();
    const sent = b.take().filter((s) => !s.text.startsWith('Welcome'));
    expect(sent.map((s) => s.chat)).toEqual([ADMIN]);
    expect(sent[0]!.text).toMatch(/^🔔 Request to join Year 3 Parents: the person whose number ends 021 has not answered my question .* in 24 hours/);
  });

  it('an @lid requester cannot be written to: the admins are told so', async () => {
    const b = await start();
    await b.run(adminGroup(), request(HIDDEN));
    await b.settle();
    const sent = b.take();
    expect(sent.map((s) => s.chat)).toEqual([ADMIN]);
    expect(sent[0]!.text).toContain('WhatsApp shows me only a hidden id for this person (a hidden id ending 234)');
  });

  it('a flood of requests: the first ten asked, the rest summed up once for the admins after the hour', async () => {
    const b = await start();
    const many = Array.from({ length: 13 }, (_, i) => person(100 + i));
    await b.run(adminGroup(), request(...many.slice(0, 8)), { type: 'wait', seconds: 600 }, request(...many.slice(8)));
    await b.settle();
    const asked = b.take().map((s) => s.chat);
    expect(asked).toEqual(many.slice(0, 10));
    await b.run({ type: 'wait', seconds: 3000 });
    await b.settle();
    const sent = b.take();
    expect(sent.map((s) => s.chat)).toEqual([ADMIN]);
    expect(sent[0]!.text).toMatch(/^🔔 3 more requests to join Year 3 Parents came within the hour/);
    const today = '2026-01-05';
    expect(b.sim.app.services.counters.totals(today, '2026-01-06').joinRequests).toBe(13);
  });

  it('says nothing while the group is paused, and ignores members and the bot itself', async () => {
    const b = await start();
    await b.run(adminGroup(), request(PARENT, BOT));
    await b.settle();
    expect(b.take()).toEqual([]);
    await b.run(message(ADMIN, '!pause'), request(REQUESTER));
    await b.settle();
    expect(b.take().map((s) => s.text)).toEqual([expect.stringMatching(/^⏸️ Paused/)]);
  });
});

describe('where the bot is not a group admin', () => {
  it('the requester hears nothing; the admins are told once that requests are waiting', async () => {
    const b = await start();
    await b.run(groupLine(), request(REQUESTER), request(SECOND));
    await b.settle();
    const sent = b.take();
    expect(sent.map((s) => s.chat)).toEqual([ADMIN]);
    expect(sent[0]!.text).toMatch(/^🔔 Someone asked to join Year 3 Parents\. WhatsApp lists the request for you/);
    expect(sent[0]!.text).toContain('If you make me a group admin');
  });

  it('a group waiting for the operator\'s approval hears nothing at all', async () => {
    const b = await start({ env: { BOT_OPERATOR: person(90) } });
    await b.run(adminGroup(), message(PARENT, 'hello'));
    await b.run({ type: 'group', chat: OTHER_GROUP, name: 'Strangers', members: [person(60), BOT], admins: [person(60), BOT] });
    await b.run({ type: 'join_request', chat: OTHER_GROUP, members: [REQUESTER] });
    await b.settle();
    expect(b.take()).toEqual([]);
  });
});

describe('!joins', () => {
  it('is for admins; !joins auto approves, with that requester\'s id only, someone who agrees to the rules', async () => {
    const b = await start();
    await b.run(adminGroup(), message(PARENT, '!joins auto'));
    await b.settle();
    expect(to(b.take(), PARENT)).toEqual([expect.stringMatching(/^Sorry, !joins is for the admins of Year 3 Parents/)]);

    await b.run(message(ADMIN, '!joins auto'));
    await b.settle();
    const confirmation = b.take();
    // Answered privately: the group sees nothing new.
    expect(confirmation.map((s) => s.chat)).toEqual([ADMIN]);
    expect(confirmation[0]!.text).toMatch(/^Requests to join Year 3 Parents: .*approve them once they reply that they agree/);

    await b.run(request(REQUESTER), request(SECOND), privately(REQUESTER, "I'm Yusuf's dad, Year 3. Yes, I agree to the code of conduct.", { name: "Yusuf's dad" }));
    await b.settle();
    expect(approvals(b)).toEqual([{ type: 'approve', at: expect.any(String), chat: GROUP, members: [REQUESTER] }]);
    const sent = b.take();
    expect(to(sent, REQUESTER).at(-1)).toMatch(/^Thank you for agreeing to keep to the code of conduct\. I have approved your request/);
    expect(to(sent, ADMIN)).toEqual([expect.stringMatching(/^✅ I approved a request to join Year 3 Parents from Yusuf's dad \(number ending 021\)/)]);

    // Anything short of a clear yes is left to the admins.
    await b.run(privately(SECOND, "I'm a neighbour, I don't agree with rules"));
    await b.settle();
    expect(approvals(b)).toHaveLength(1);
    const [note] = to(b.take(), ADMIN);
    expect(note).toContain('| I\'m a neighbour, I don\'t agree with rules');
    expect(note).toContain('They did not clearly say they agree to the code of conduct, so I have not approved them');
  });

  it('is kept across a restart, and !joins off turns approving off again', async () => {
    const storageDir = await mkdtemp(path.join(tmpdir(), 'steward-joins-'));
    dirs.push(storageDir);
    let b = await startBot({ storageDir });
    await b.run(adminGroup(), message(ADMIN, '!joins auto', { id: 'j1' }));
    await b.close();
    b = bot = await startBot({ storageDir });
    // Ids of its own: a restarted bot takes a message id it has handled before for a replay.
    await b.run(message(ADMIN, '!joins', { id: 'j2' }));
    await b.settle();
    expect(b.take()[0]!.text).toContain('(!joins auto)');
    await b.run(message(ADMIN, '!joins off', { id: 'j3' }), request(REQUESTER), privately(REQUESTER, 'Yes I agree, mum of a Year 3 pupil', { id: 'a1' }));
    await b.settle();
    expect(approvals(b)).toEqual([]);
    const notes = to(b.take(), ADMIN);
    expect(notes[0]).toContain('I approve nobody myself (!joins off)');
    expect(notes[1]).toContain('Please approve or decline it in WhatsApp');
    await b.run(message(ADMIN, '!joins sometimes', { id: 'j4' }));
    await b.settle();
    expect(b.take()[0]!.text).toMatch(/^Use !joins to see how I handle requests to join/);
  });
});

describe('what counts as agreeing to the code of conduct', () => {
  it.each(['Yes', 'yes I agree', 'I agree to the rules', 'Agreed!', 'I accept the code of conduct', 'I will follow the rules, mum of Aisha (Y2)'])(
    '"%s" agrees',
    (reply) => expect(agreesToRules(reply)).toBe(true),
  );
  it.each(['I’m Bilal’s mum', "I don't agree", 'no', 'I disagree with rule 2', 'not sure I agree', 'Yes but I won’t follow rule 3', 'maybe'])(
    '"%s" does not',
    (reply) => expect(agreesToRules(reply)).toBe(false),
  );
});
