import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { createSimulation } from '../../src/cli/simulation.js';
import { loadConfig } from '../../src/config/load.js';
import { shiftDay, ukDay } from '../../src/core/calendar.js';
import { scenarioLine } from '../../src/transports/simulator.js';
import { ADMIN, BOT, GROUP, OTHER_GROUP, PARENT, START, groupLine, message, person, startBot, type TestBot } from '../support/bot.js';
import { capturingLogger } from '../support/log-lines.js';

/*
 * A message in a group that airs a grievance about a teacher, child or parent, or tells of
 * bullying instead of taking it to the school, gets its writer a kind private note, at most once a
 * week; the group hears nothing. Simulated time throughout.
 */

const GRIEVANCE = 'Mrs Baker is useless, she never marks anything and has favourites';
const ANOTHER_GRIEVANCE = "Jayden's mum is so rude at pickup, pushes past everyone";
const BULLYING = 'My son is being bullied by two boys in Year 4 every lunchtime, whose kids are they?';
const G1 = 'The group should never be used as a platform to air views/grievances regarding a teacher, child or parent in the class or school.';
const G5 = 'Bullying is not to be tolerated and should be reported immediately.';
const DAY = 24 * 3600;

let bot: TestBot | undefined;
let dir: string | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

async function inGroup(options: Parameters<typeof startBot>[0] = {}): Promise<TestBot> {
  bot = await startBot(options);
  await bot.run(groupLine([ADMIN, PARENT, person(3)]));
  await bot.settle();
  bot.take();
  return bot;
}

async function say(b: TestBot, ...lines: Array<Record<string, unknown>>) {
  await b.run(...lines);
  await b.settle();
  return b.take();
}

describe('a grievance aired in the group', () => {
  it('gets its writer one private note quoting the clause and naming the school\'s email; the group hears nothing', async () => {
    const b = await inGroup();
    const sent = await say(b, message(PARENT, GRIEVANCE));
    expect(sent.map((s) => s.chat)).toEqual([PARENT]);
    expect(sent[0]!.text).toContain(`"${G1}"`);
    expect(sent[0]!.text).toContain('school@imai.org.uk');
    expect(sent[0]!.text).toContain('call the school office');
    expect(sent[0]!.text).toContain('Year 3 Parents');
    expect(sent[0]!.quotedId).toBeUndefined();
  });

  it('is not nudged again that week, by another grievance or in another group; a week on, it is', async () => {
    const b = await inGroup();
    await b.run(groupLine([ADMIN, PARENT], [ADMIN], OTHER_GROUP, 'Year 5 Parents'));
    expect(await say(b, message(PARENT, GRIEVANCE))).toHaveLength(1);
    expect(await say(b, { type: 'wait', seconds: 3600 }, message(PARENT, ANOTHER_GRIEVANCE))).toEqual([]);
    expect(await say(b, { type: 'wait', seconds: 5 * DAY }, message(PARENT, GRIEVANCE, { chat: OTHER_GROUP }))).toEqual([]);
    // Someone else's first grievance that week is theirs to be told of.
    expect((await say(b, message(person(3), ANOTHER_GRIEVANCE))).map((s) => s.chat)).toEqual([person(3)]);
    const weekOn = await say(b, { type: 'wait', seconds: 2 * DAY }, message(PARENT, ANOTHER_GRIEVANCE));
    expect(weekOn.map((s) => s.chat)).toEqual([PARENT]);
  });

  it('is remembered across a restart: the week is kept on disk, by fingerprint, not number', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'steward-nudges-'));
    const first = await inGroup({ storageDir: dir });
    expect(await say(first, message(PARENT, GRIEVANCE))).toHaveLength(1);
    await first.close();
    bot = undefined;
    const { readFile } = await import('node:fs/promises');
    const stored = await readFile(path.join(dir, 'db.json'), 'utf8');
    expect(stored).not.toContain(PARENT.split('@')[0]);
    expect(stored).not.toContain('useless');

    const second = await inGroup({ storageDir: dir, start: new Date(START.getTime() + DAY * 1000) });
    expect(await say(second, message(PARENT, ANOTHER_GRIEVANCE))).toEqual([]);
  });
});

describe('!forget after a nudge', () => {
  it('erases when the writer was nudged, in the database and its backup', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'steward-nudges-'));
    const b = await inGroup({ storageDir: dir });
    expect(await say(b, message(PARENT, GRIEVANCE))).toHaveLength(1);
    const fingerprint = b.sim.app.services.store.fingerprint(PARENT);
    const { readFile } = await import('node:fs/promises');
    expect(await readFile(path.join(dir, 'db.json'), 'utf8')).toContain(fingerprint);
    await say(b, message(PARENT, '!forget', { chat: PARENT }));
    for (const file of ['db.json', 'db.json.bak']) expect(await readFile(path.join(dir, file), 'utf8')).not.toContain(fingerprint);
  });
});

describe('bullying told in the group', () => {
  it('gets the writer the note on reporting it: the clause, the email, !flag and a private forward', async () => {
    const b = await inGroup();
    const sent = await say(b, message(PARENT, BULLYING));
    expect(sent.map((s) => s.chat)).toEqual([PARENT]);
    expect(sent[0]!.text).toContain(`"${G5}"`);
    expect(sent[0]!.text).toContain('school@imai.org.uk');
    expect(sent[0]!.text).toContain('!flag');
    expect(sent[0]!.text).toContain('forward it to me');
  });
});

describe('what is never nudged', () => {
  it('ordinary chatter, praise, firm but fair talk, and asking how to report bullying', async () => {
    const b = await inGroup();
    const sent = await say(
      b,
      message(PARENT, 'Mrs Baker said the trip is on Friday, packed lunch needed'),
      message(PARENT, 'Huge thanks to Mr Okafor for staying late with the football team'),
      message(PARENT, 'The new pickup system is chaotic, hope it improves after half term'),
      message(PARENT, 'My son is a nightmare in the mornings, any tips?'),
      message(PARENT, 'How do I report bullying to the school?', { id: 'q1' }),
    );
    // The question is answered in the group, as always; nobody is written to privately.
    expect(sent.filter((s) => s.chat !== GROUP)).toEqual([]);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.quotedId).toBe('q1');
  });

  it('a forwarded message, a message in a paused group, and a !flag reason', async () => {
    const b = await inGroup();
    expect(await say(b, message(PARENT, GRIEVANCE, { forwarded: true }))).toEqual([]);
    expect(await say(b, message(PARENT, `!flag ${GRIEVANCE}`))).not.toContainEqual(expect.objectContaining({ text: expect.stringContaining(G1) }));
    await say(b, message(ADMIN, '!pause'));
    expect(await say(b, message(person(3), GRIEVANCE))).toEqual([]);
  });

  it('anything in a group the bot does not serve yet', async () => {
    const b = await inGroup({ env: { BOT_OPERATOR: person(90) } });
    const stranger = person(80);
    await say(b, { type: 'join', chat: OTHER_GROUP, members: [BOT], by: stranger }, groupLine([stranger, PARENT], [stranger], OTHER_GROUP, 'Not approved'));
    expect(await say(b, message(PARENT, GRIEVANCE, { chat: OTHER_GROUP }), message(PARENT, BULLYING, { chat: OTHER_GROUP }))).toEqual([]);
  });
});

describe('!nudges', () => {
  it('an admin switches them off for the group and on again; !nudges says which', async () => {
    const b = await inGroup();
    const state = await say(b, message(ADMIN, '!nudges'));
    expect(state.map((s) => s.chat)).toEqual([GROUP]);
    expect(state[0]!.text).toMatch(/^Private nudges are on in Year 3 Parents/);

    expect((await say(b, message(ADMIN, '!nudges off')))[0]!.text).toMatch(/^Private nudges are off/);
    expect(await say(b, message(PARENT, GRIEVANCE), message(PARENT, BULLYING))).toEqual([]);

    expect((await say(b, message(ADMIN, '!nudges on')))[0]!.text).toMatch(/^Private nudges are on/);
    expect((await say(b, message(PARENT, GRIEVANCE))).map((s) => s.chat)).toEqual([PARENT]);
    expect((await say(b, message(ADMIN, '!nudges maybe')))[0]!.text).toMatch(/^Use !nudges on or !nudges off\./);
  });

  it('is for admins only: anyone else is told so privately, and nothing changes', async () => {
    const b = await inGroup();
    const refused = await say(b, message(PARENT, '!nudges off'));
    expect(refused.map((s) => s.chat)).toEqual([PARENT]);
    expect(refused[0]!.text).toContain('!nudges is for the admins');
    expect((await say(b, message(person(3), GRIEVANCE))).map((s) => s.chat)).toEqual([person(3)]);
  });
});

describe('what the bot keeps and logs of it', () => {
  it('counts nudges for the weekly digest, and logs no text and no number', async () => {
    const { log, lines } = capturingLogger('debug');
    dir = await mkdtemp(path.join(tmpdir(), 'steward-nudges-'));
    const sim = await createSimulation({ loaded: loadConfig({ BOT_STORAGE_DIR: dir }), log, start: START, seed: 1, output: () => undefined });
    try {
      for (const line of [groupLine([ADMIN, PARENT, person(3)]), message(PARENT, GRIEVANCE), message(person(3), BULLYING)]) {
        await sim.step(scenarioLine.parse(line));
      }
      const today = ukDay(START);
      expect(sim.app.services.counters.totals(today, shiftDay(today, 1)).nudges).toBe(2);
    } finally {
      await sim.finish();
    }
    expect(lines.filter((l) => l.message === 'nudge sent')).toHaveLength(2);
    const logged = JSON.stringify(lines);
    for (const word of ['useless', 'favourites', 'bullied', 'lunchtime']) expect(logged).not.toContain(word);
    for (const number of [PARENT, person(3)]) expect(logged).not.toContain(number.split('@')[0]);
  });
});
