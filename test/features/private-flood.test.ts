import { describe, expect, it } from '@jest/globals';
import { ADMIN, BOT, GROUP, OTHER_GROUP, PARENT, START, groupLine, message, person, startBot, type TestBot } from '../support/bot.js';
import { modelEnv, startModelStub, templateOf, type ModelStub } from '../support/model-stub.js';
import { closedAfterEach } from '../support/reporting.js';

/**
 * Private chats are open to anyone. A flood of private questions (the incident: 300 from four
 * strangers got 350 replies, delayed a group's concern answer by five minutes and spent the
 * model's budget) must cost little: a few answers and one note per person, never a group's
 * answer, never the model, and never what matters (a report's receipt, safeguarding advice).
 */

const OPERATOR = person(50);
const STRANGERS = [person(61), person(62), person(63), person(64)];
const QUESTION = 'can I invite my sister?';
const HALF_CONCERN = "I'm a bit worried about something that happened at pickup";
const URGENT = "The boy who sits next to mine says his dad hit him again last night and he's scared to go home";
/** The defaults in config/bot.json: privateReplies. */
const PER_PERSON = 5;
const QUIET_MINUTES = 60;

const { track } = closedAfterEach();
const bot = async (options: Parameters<typeof startBot>[0] = {}): Promise<TestBot> =>
  track(await startBot({ ...options, env: { BOT_OPERATOR: OPERATOR, ...options.env } }));

const privately = (from: string, text: string, id: string, extra: Record<string, unknown> = {}) =>
  message(from, text, { chat: from, id, ...extra });
/** `count` private questions from `from`, `seconds` apart. */
function questions(from: string, count: number, seconds = 5, prefix = from.split('@')[0]!.slice(-3)): Array<Record<string, unknown>> {
  return Array.from({ length: count }, (_, i) => [privately(from, QUESTION, `${prefix}-q${i + 1}`), { type: 'wait', seconds }]).flat();
}
const templatesTo = (b: TestBot, chat: string) => b.sends().filter((s) => s.chat === chat).map((s) => templateOf(s.text));
const ms = (iso: string) => Date.parse(iso);

describe('private replies are limited per person', () => {
  it(`a stranger flooding questions gets ${PER_PERSON} answers, one note, then silence until the quiet time has passed`, async () => {
    const b = await bot();
    const [stranger] = STRANGERS;
    await b.run(groupLine(), ...questions(stranger!, 20));
    await b.settle();
    const told = b.take().filter((s) => s.chat === stranger);
    expect(told.map((s) => templateOf(s.text))).toEqual([...Array<string>(PER_PERSON).fill('askAnswer'), 'slowDown']);
    expect(told.slice(0, PER_PERSON).map((s) => s.quotedId)).toEqual(['061-q1', '061-q2', '061-q3', '061-q4', '061-q5']);
    expect(told[PER_PERSON]!.text).toContain(`for the next ${QUIET_MINUTES} minutes`);
    expect(told[PER_PERSON]!.text).toContain('school@imai.org.uk');

    // Still quiet near the end of the quiet time; answered again once it is over.
    await b.run({ type: 'wait', seconds: (QUIET_MINUTES - 5) * 60 }, privately(stranger!, QUESTION, 'late'));
    await b.settle();
    expect(b.take()).toEqual([]);
    await b.run({ type: 'wait', seconds: 5 * 60 }, privately(stranger!, QUESTION, 'after'));
    await b.settle();
    expect(b.take().map((s) => [s.quotedId, templateOf(s.text)])).toEqual([['after', 'askAnswer']]);
  });

  it('counts replies, not messages: what gets no answer uses up nothing, and old replies leave the window', async () => {
    const b = await bot();
    const thanks = Array.from({ length: 10 }, (_, i) => privately(PARENT, 'thank you', `t${i + 1}`));
    // Ten messages that need no answer, five answered; ten minutes on, five more are answered.
    await b.run(
      groupLine(),
      ...thanks,
      ...questions(PARENT, PER_PERSON, 5, 'a'),
      { type: 'wait', seconds: 600 },
      ...questions(PARENT, PER_PERSON, 5, 'b'),
    );
    await b.settle();
    expect(templatesTo(b, PARENT)).toEqual(Array<string>(2 * PER_PERSON).fill('askAnswer'));
    // The next message inside the window, whatever it is, gets the note.
    await b.run(privately(PARENT, 'thank you', 't11'), privately(PARENT, QUESTION, 'c1'));
    await b.settle();
    expect(templatesTo(b, PARENT).slice(2 * PER_PERSON)).toEqual(['slowDown']);
  });

  it("a member over the limit still gets a report's receipt and the safeguarding advice, and a flag's receipt", async () => {
    const b = await bot();
    await b.run(groupLine(), ...questions(PARENT, 8));
    await b.settle();
    expect(b.take().map((s) => templateOf(s.text))).toEqual([...Array<string>(PER_PERSON).fill('askAnswer'), 'slowDown']);

    // A forward is a report: received, with the advice a child at risk calls for; then a note to it.
    await b.run(privately(PARENT, URGENT, 'fw1', { forwarded: true }), privately(PARENT, 'This was in Year 3 Parents last night', 'n1'));
    await b.settle();
    expect(b.take().map((s) => [s.chat, templateOf(s.text)])).toEqual([
      [PARENT, 'forwardReceived'],
      [PARENT, 'urgentAdvice'],
      [PARENT, 'forwardNoteAdded'],
      // Once the report has gone, the operator's notice that it waits in a folder goes out too.
      [OPERATOR, 'operatorFiles'],
    ]);
    // A flag in the group is answered privately, however limited the private chat is.
    await b.run(
      message(person(3), 'You are all liars', { id: 'm1', name: 'Sam' }),
      message(PARENT, '!flag rude', { id: 'f1', quotedId: 'm1' }),
    );
    await b.settle();
    expect(templatesTo(b, PARENT).slice(-1)).toEqual(['flagReceived']);
    // Questions stay unanswered for the quiet time.
    await b.run(privately(PARENT, QUESTION, 'q-after'));
    await b.settle();
    expect(b.sends().some((s) => s.quotedId === 'q-after')).toBe(false);
  });

  it('never limits the volunteers who run the bot', async () => {
    const b = await bot();
    const approves = Array.from({ length: 3 * PER_PERSON }, (_, i) => privately(OPERATOR, '!approve', `o${i + 1}`));
    await b.run(groupLine(), ...approves);
    await b.settle();
    expect(templatesTo(b, OPERATOR)).toEqual(Array<string>(3 * PER_PERSON).fill('approveNone'));
  });
});

describe("a group's answer is never queued behind private floods", () => {
  /** 300 private questions from four people, as in the incident, then a concern question in the group. */
  async function floodThenGroupConcern(b: TestBot, senders: string[]): Promise<{ waitedMs: number; privateReplies: number }> {
    const flood: Array<Record<string, unknown>> = [];
    for (let i = 0; i < 75; i++) for (const from of senders) flood.push(privately(from, `${QUESTION} (${i})`, `${from.slice(-5)}-${i}`));
    await b.run(groupLine([ADMIN, PARENT, ...senders]), ...flood, { type: 'wait', seconds: 30 });
    const asked = b.sim.clock.now().getTime();
    await b.run(message(PARENT, 'how do I raise a concern?', { id: 'c1' }));
    await b.settle();
    const answer = b.sends().find((s) => s.chat === GROUP && s.quotedId === 'c1');
    expect(answer && templateOf(answer.text)).toBe('concern');
    return { waitedMs: ms(answer!.at) - asked, privateReplies: b.sends().filter((s) => senders.includes(s.chat)).length };
  }

  it('four strangers flood with 300 questions: a few answers each, and the group is answered at once', async () => {
    const b = await bot();
    const { waitedMs, privateReplies } = await floodThenGroupConcern(b, STRANGERS);
    expect(privateReplies).toBe(STRANGERS.length * (PER_PERSON + 1));
    expect(waitedMs).toBeLessThanOrEqual(2000);
  });

  it('even with the limit lifted and 300 private replies waiting, the group answer goes within the global gap', async () => {
    const b = await bot({ config: { privateReplies: { perPerson: 1000 } } });
    const { waitedMs, privateReplies } = await floodThenGroupConcern(b, STRANGERS);
    expect(privateReplies).toBe(300);
    // The flood had taken far more than a few seconds to send: the group answer jumped it.
    const lastPrivate = b.sends().filter((s) => STRANGERS.includes(s.chat)).at(-1)!;
    expect(ms(lastPrivate.at) - START.getTime()).toBeGreaterThan(5 * 60_000);
    expect(waitedMs).toBeLessThanOrEqual(1000);
  });
});

describe('only members of approved groups reach the language model', () => {
  async function modelBot(stub: ModelStub): Promise<TestBot> {
    return bot({ env: modelEnv(stub), config: { model: { timeoutSeconds: 1 } } });
  }

  it("a stranger's private question and half-recognised concern never go to the model; a member's do", async () => {
    const stub = track(await startModelStub('correct'));
    const b = await modelBot(stub);
    const [stranger] = STRANGERS;
    await b.run(
      groupLine(),
      privately(stranger!, QUESTION, 's1'),
      privately(stranger!, `!ask ${QUESTION}`, 's2'),
      privately(stranger!, HALF_CONCERN, 's3'),
    );
    await b.settle();
    expect(stub.requests).toHaveLength(0);
    // Still answered, offline.
    expect(b.take().map((s) => [s.quotedId, templateOf(s.text)])).toEqual([
      ['s1', 'askAnswer'],
      ['s2', 'askAnswer'],
    ]);

    await b.run(privately(PARENT, QUESTION, 'p1'), privately(PARENT, HALF_CONCERN, 'p2'));
    await b.settle();
    expect(stub.requestsFor('ask')).toHaveLength(1);
    expect(stub.requestsFor('concern')).toHaveLength(1);
    expect(b.take().map((s) => [s.quotedId, templateOf(s.text)])).toEqual([
      ['p1', 'askAnswer'],
      ['p2', 'concern'],
    ]);
  });

  it('a member of a group still waiting for approval counts as a stranger', async () => {
    const stub = track(await startModelStub('correct'));
    const b = await modelBot(stub);
    const waiting = person(67);
    await b.run(
      groupLine(),
      // Added after the bot was linked, by someone who is not an operator: not approved.
      { type: 'join', chat: OTHER_GROUP, members: [BOT], by: person(66) },
      groupLine([person(66), waiting], [person(66)], OTHER_GROUP, 'Not approved'),
      privately(waiting, QUESTION, 'w1'),
      privately(waiting, HALF_CONCERN, 'w2'),
    );
    await b.settle();
    expect(stub.requests).toHaveLength(0);
    expect(b.sends().filter((s) => s.chat === waiting).map((s) => templateOf(s.text))).toEqual(['askAnswer']);
  });
});
