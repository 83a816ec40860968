import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../src/config/load.js';
import { Activity } from '../../src/core/activity.js';
import { SimulatedClock } from '../../src/core/clock.js';
import type { Outgoing } from '../../src/core/events.js';
import { seededRandom } from '../../src/core/random.js';
import { createLogger } from '../../src/services/logger.js';
import { Pacer } from '../../src/services/pacing.js';
import { createSimulation } from '../../src/cli/simulation.js';
import { scenarioLine, type OutputLine } from '../../src/transports/simulator.js';
import { GROUP, PARENT, START, groupLine, message, person, startBot, type TestBot } from '../support/bot.js';

interface Pacing {
  perChatGapMs: number;
  globalGapMs: number;
  jitterMs: number;
}
const pacing = (
  JSON.parse(readFileSync(fileURLToPath(new URL('../../config/bot.json', import.meta.url)), 'utf8')) as { pacing: Pacing }
).pacing;

type Send = Extract<OutputLine, { type: 'send' }>;
const ms = (s: Send) => Date.parse(s.at);
const gaps = (sends: Send[]) => sends.slice(1).map((s, i) => ms(s) - ms(sends[i]!));

const P1 = person(11);
const P2 = person(12);
const P3 = person(13);

const bots: TestBot[] = [];
afterEach(async () => {
  while (bots.length) await bots.pop()!.close();
});
/** Pacing is measured here, so the limit on private replies (test/features/private-flood.test.ts) is lifted. */
const unlimited = { privateReplies: { perPerson: 1000 } };
async function start(options: { config?: object } = {}): Promise<TestBot> {
  const bot = await startBot({ config: { ...unlimited, ...options.config } });
  bots.push(bot);
  return bot;
}

/** A private question the bot always answers, quoting it: the quote tells which answer is which. */
const ask = (from: string, id: string) => message(from, 'how do I raise a concern?', { chat: from, id });

/** Several parents asking at once in private, and the group asking for four different things. */
function busyMorning(): Array<Record<string, unknown>> {
  const lines: Array<Record<string, unknown>> = [groupLine([P1, P2, P3])];
  const groupAsks = ['!rules', '!help', '!privacy', '!rules full'];
  for (let round = 1; round <= 4; round++) {
    lines.push(ask(P1, `a${round}`), ask(P2, `b${round}`), message(P3, groupAsks[round - 1]!), ask(P3, `c${round}`));
    if (round === 2) lines.push({ type: 'wait', seconds: 2 });
  }
  return lines;
}

describe('pacing, in simulated time', () => {
  it('spaces many replies in one chat by at least the per-chat gap, in order, with none lost', async () => {
    const bot = await start();
    const ids = Array.from({ length: 12 }, (_, i) => `p${i + 1}`);
    await bot.run(...ids.map((id) => ask(PARENT, id)));
    await bot.settle();
    const sent = bot.take();
    expect(sent.map((s) => s.quotedId)).toEqual(ids);
    expect(sent.every((s) => s.chat === PARENT)).toBe(true);
    // The first answer is not held back; each next one waits its turn.
    expect(sent[0]!.at).toBe(START.toISOString());
    for (const gap of gaps(sent)) {
      expect(gap).toBeGreaterThanOrEqual(pacing.perChatGapMs);
      expect(gap).toBeLessThanOrEqual(pacing.perChatGapMs + pacing.jitterMs);
    }
    // The rhythm is jittered, not machine-regular.
    expect(new Set(gaps(sent)).size).toBeGreaterThan(1);
  });

  it('keeps sends across chats at least the global gap apart, and each chat in order', async () => {
    const bot = await start();
    await bot.run(...busyMorning());
    await bot.settle();
    const sent = bot.take();
    expect(sent).toHaveLength(16);

    // Output comes in the order it was sent, and never two sends closer than the global gap.
    for (const gap of gaps(sent)) expect(gap).toBeGreaterThanOrEqual(pacing.globalGapMs);

    const inChat = (chat: string) => sent.filter((s) => s.chat === chat);
    expect(inChat(P1).map((s) => s.quotedId)).toEqual(['a1', 'a2', 'a3', 'a4']);
    expect(inChat(P2).map((s) => s.quotedId)).toEqual(['b1', 'b2', 'b3', 'b4']);
    expect(inChat(P3).map((s) => s.quotedId)).toEqual(['c1', 'c2', 'c3', 'c4']);
    const group = inChat(GROUP).map((s) => s.text);
    expect(group).toHaveLength(4);
    expect(group[0]).toMatch(/^📋 Group guidelines/);
    expect(group[1]).toMatch(/^What I can do/);
    expect(group[2]).toMatch(/^🔒 Privacy/);
    expect(group[3]).toMatch(/^📋 The Imam Muhammad Adam Institute/);
    for (const chat of [P1, P2, P3, GROUP]) {
      for (const gap of gaps(inChat(chat))) expect(gap).toBeGreaterThanOrEqual(pacing.perChatGapMs);
    }
  });

  it('takes its gaps from the pacing config', async () => {
    const bot = await start({ config: { pacing: { perChatGapMs: 10_000, globalGapMs: 4_000, jitterMs: 0 } } });
    await bot.run(ask(P1, 'a1'), ask(P2, 'b1'), ask(P1, 'a2'), ask(P2, 'b2'), ask(P1, 'a3'), ask(P2, 'b3'));
    await bot.settle();
    const sent = bot.take();
    const offsets = sent.map((s) => [s.quotedId, (ms(s) - START.getTime()) / 1000]);
    expect(offsets).toEqual([
      ['a1', 0],
      ['b1', 4],
      ['a2', 10],
      ['b2', 14],
      ['a3', 20],
      ['b3', 24],
    ]);
  });
});

describe('repeatable runs', () => {
  it('gives identical output, times included, for the same script and seed', async () => {
    const first = await start();
    const second = await start();
    for (const bot of [first, second]) {
      await bot.run(...busyMorning());
      await bot.settle();
    }
    const a = first.take();
    const b = second.take();
    expect(a).toHaveLength(16);
    expect(b).toEqual(a);
    // Not equal merely because nothing varies: the seeded jitter is in these times.
    expect(new Set(gaps(a.filter((s) => s.chat === P1))).size).toBeGreaterThan(1);
  });

  it('takes its jitter from the seed: another seed, other times, same messages in the same order', async () => {
    const run = async (seed: number) => {
      const dir = await mkdtemp(path.join(tmpdir(), 'steward-pacing-'));
      const log = createLogger({ level: 'warn', consoleLevel: 'silent' });
      const out: OutputLine[] = [];
      try {
        const sim = await createSimulation({
          loaded: loadConfig({ BOT_STORAGE_DIR: dir }),
          log,
          start: START,
          seed,
          output: (line) => out.push(line),
        });
        for (const raw of busyMorning()) {
          const line = scenarioLine.parse(raw);
          if (line.type === 'wait') await sim.clock.advanceBy(line.seconds * 1000);
          else await sim.transport.feed(line);
          await sim.activity.idle();
        }
        await sim.finish();
      } finally {
        log.close();
        await rm(dir, { recursive: true, force: true });
      }
      return out.filter((l): l is Send => l.type === 'send');
    };
    const one = await run(1);
    const again = await run(1);
    const other = await run(2);
    expect(again).toEqual(one);
    // Which chat's message is ready first may change with the jitter; each chat's own do not.
    const byChat = (sends: Send[]) =>
      [...new Set(sends.map((s) => s.chat))].sort().map((chat) => sends.filter((s) => s.chat === chat).map((s) => [s.text, s.quotedId]));
    expect(other).toHaveLength(one.length);
    expect(byChat(other)).toEqual(byChat(one));
    expect(other.map((s) => s.at)).not.toEqual(one.map((s) => s.at));
  });
});

describe('group chats before private ones', () => {
  /** The Pacer alone on a simulated clock, with the default gaps and jitter; what it delivered, and when. */
  function pacer() {
    const fail = (error: unknown) => {
      throw error;
    };
    const clock = new SimulatedClock(START, new Activity(), fail);
    const sent: Array<{ chat: string; text: string; at: number }> = [];
    const deliver = async (out: Outgoing) => void sent.push({ chat: out.chat, text: out.text, at: clock.now().getTime() });
    const p = new Pacer(pacing, clock, seededRandom(1), deliver, fail);
    return { clock, sent, send: (chat: string, text: string) => p.send({ chat, text }) };
  }

  it("sends a group's message within the global gap however many private ones wait, and still loses none", async () => {
    const { clock, sent, send } = pacer();
    const senders = [P1, P2, P3, person(14)];
    for (let i = 0; i < 75; i++) for (const from of senders) send(from, `${from} ${i}`);
    await clock.advanceBy(20_000);
    const asked = clock.now().getTime();
    send(GROUP, 'the group');
    await clock.advanceBy(pacing.globalGapMs);
    const group = sent.find((s) => s.chat === GROUP);
    expect(group).toBeDefined();
    expect(group!.at - asked).toBeLessThanOrEqual(pacing.globalGapMs);

    await clock.runOn(3_600_000);
    expect(sent).toHaveLength(301);
    // The private replies keep their order in each chat and the global gap holds across all.
    for (const from of senders) {
      expect(sent.filter((s) => s.chat === from).map((s) => s.text)).toEqual(Array.from({ length: 75 }, (_, i) => `${from} ${i}`));
    }
    for (let i = 1; i < sent.length; i++) expect(sent[i]!.at - sent[i - 1]!.at).toBeGreaterThanOrEqual(pacing.globalGapMs);
    // Nor were the private ones held back beyond their own chat's gaps (and one turn of the others).
    const slowest = 75 * (pacing.perChatGapMs + pacing.jitterMs) + senders.length * pacing.globalGapMs;
    expect(sent.at(-1)!.at - START.getTime()).toBeLessThanOrEqual(slowest);
  });

  it('a group keeps its own gap: priority never sends two of its messages closer than the chat gap', async () => {
    const { clock, sent, send } = pacer();
    for (let i = 0; i < 20; i++) send(P1, `private ${i}`);
    send(GROUP, 'g1');
    send(GROUP, 'g2');
    await clock.runOn(3_600_000);
    const group = sent.filter((s) => s.chat === GROUP);
    expect(group.map((s) => s.text)).toEqual(['g1', 'g2']);
    expect(group[0]!.at).toBe(START.getTime());
    expect(group[1]!.at - group[0]!.at).toBeGreaterThanOrEqual(pacing.perChatGapMs);
    expect(group[1]!.at - group[0]!.at).toBeLessThanOrEqual(pacing.perChatGapMs + pacing.jitterMs + pacing.globalGapMs);
  });
});
