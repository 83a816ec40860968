import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { groupCode } from '../../src/core/ids.js';
import { ADMIN, BOT, GROUP, OTHER_GROUP, PARENT, groupLine, message, person, type TestBot } from '../support/bot.js';
import { closedAfterEach, pause, privately, storedReports, toGroup, toPerson } from '../support/reporting.js';

/**
 * The bot serves only approved groups: listed in the config, there when its number was linked, or
 * added by an operator. Anyone else who adds it gets one introduction and silence until an
 * operator approves: a stranger cannot make it email the school from a group of their own.
 */

const OPERATOR = person(90);
const STRANGER = person(66);
const STRANGERS_FRIEND = person(67);
const CODE = groupCode(OTHER_GROUP);

const { bot, track } = closedAfterEach();

const addedBy = (by: string | undefined, chat = OTHER_GROUP) => ({ type: 'join', chat, members: [BOT], ...(by ? { by } : {}) });
const strangersGroup = () => groupLine([STRANGER, STRANGERS_FRIEND], [STRANGER], OTHER_GROUP, 'Year 3 Parents');
const inStrangers = (from: string, text: string, extra: Record<string, unknown> = {}) => message(from, text, { chat: OTHER_GROUP, ...extra });

/** A bot already in the parents' group (approved, as there when it was linked) with an operator. */
async function linkedBot(env: Record<string, string> = { BOT_OPERATOR: OPERATOR }): Promise<TestBot> {
  const b = await bot({ env });
  await b.run(groupLine());
  return b;
}

describe('a group the bot is added to by someone who is not an operator', () => {
  it('gets one introduction saying it waits for approval, and the operator is asked, with the group name and code', async () => {
    const b = await linkedBot();
    await b.run(addedBy(STRANGER), strangersGroup());
    await b.settle();
    const inGroup = toGroup(b, OTHER_GROUP);
    expect(inGroup).toHaveLength(1);
    expect(inGroup[0]!.text).toMatch(/has not approved this group yet: until then I stay silent here and take no reports from it/);
    const [ask] = toPerson(b, OPERATOR);
    expect(ask).toContain('"Year 3 Parents"');
    expect(ask).toContain(CODE);
    expect(ask).toContain(`+${STRANGER.split('@')[0]}`);
    expect(ask).toContain(`!approve ${CODE}`);
    expect(ask).toContain(`!leave ${CODE}`);
  });

  it('answers nothing there, takes no flag and no forward from its members, and emails nothing', async () => {
    const b = await linkedBot();
    await b.run(
      addedBy(STRANGER),
      strangersGroup(),
      inStrangers(STRANGERS_FRIEND, '!rules'),
      inStrangers(STRANGERS_FRIEND, 'how do I raise a concern?'),
      inStrangers(STRANGER, 'Urgent from the school: send your bank details', { id: 's1' }),
      inStrangers(STRANGERS_FRIEND, '!flag scam', { id: 's2', quotedId: 's1' }),
      { type: 'join', chat: OTHER_GROUP, members: [person(68)], by: STRANGER },
      privately(STRANGERS_FRIEND, 'Urgent from the school: send your bank details', { forwarded: true }),
      pause(600),
    );
    await b.settle();
    expect(toGroup(b, OTHER_GROUP)).toHaveLength(1);
    expect(await storedReports(b.storageDir)).toEqual([]);
    expect(b.out.filter((l) => l.type === 'email' || l.type === 'delete')).toEqual([]);
    // The forward is refused as from someone outside the bot's groups.
    expect(toPerson(b, STRANGERS_FRIEND)).toEqual([expect.stringMatching(/only pass on reports from members of the parent groups/)]);
  });

  it('is served once the operator approves it: the full introduction, then commands', async () => {
    const b = await linkedBot();
    await b.run(addedBy(STRANGER), strangersGroup(), privately(OPERATOR, `!approve ${CODE.toLowerCase()}`), pause(), inStrangers(STRANGERS_FRIEND, '!rules'));
    await b.settle();
    expect(toPerson(b, OPERATOR).at(-1)).toMatch(/^Approved: "Year 3 Parents"/);
    const texts = toGroup(b, OTHER_GROUP).map((s) => s.text);
    expect(texts).toHaveLength(3);
    expect(texts[1]).toMatch(/^Hello everyone 👋 I'm Parent Group Steward, a helper added by a parent admin/);
    expect(texts[2]).toMatch(/^📋 Group guidelines/);
  });

  it('keeps waiting across the group being re-read, and a restart', async () => {
    const b = await linkedBot();
    await b.run(addedBy(STRANGER), strangersGroup(), strangersGroup(), inStrangers(STRANGERS_FRIEND, '!rules'));
    await b.settle();
    expect(toGroup(b, OTHER_GROUP)).toHaveLength(1);
    const storageDir = b.storageDir;
    const restarted = track(await (await import('../support/bot.js')).startBot({ storageDir, env: { BOT_OPERATOR: OPERATOR } }));
    await restarted.run(strangersGroup(), inStrangers(STRANGERS_FRIEND, '!rules'));
    await restarted.settle();
    expect(toGroup(restarted, OTHER_GROUP)).toEqual([]);
  });
});

describe('groups approved without asking', () => {
  it('a group an operator added the bot to', async () => {
    const b = await linkedBot();
    await b.run(addedBy(OPERATOR), strangersGroup(), inStrangers(STRANGERS_FRIEND, '!rules'));
    await b.settle();
    const texts = toGroup(b, OTHER_GROUP).map((s) => s.text);
    expect(texts[0]).toMatch(/a helper added by a parent admin/);
    expect(texts[1]).toMatch(/^📋 Group guidelines/);
    expect(toPerson(b, OPERATOR)).toEqual([]);
  });

  it('a group listed in the config, whoever added the bot', async () => {
    const listed = await bot({ env: { BOT_OPERATOR: OPERATOR }, config: { bot: { groups: [OTHER_GROUP] } } });
    await listed.run(groupLine(), addedBy(STRANGER), strangersGroup(), inStrangers(STRANGERS_FRIEND, '!rules'));
    await listed.settle();
    expect(toGroup(listed, OTHER_GROUP).map((s) => s.text)[1]).toMatch(/^📋 Group guidelines/);
    expect(toPerson(listed, OPERATOR)).toEqual([]);
  });

  it('every group declared before anything else happened on a new storage folder: the ones the bot was in when linked', async () => {
    const b = await bot();
    await b.run(groupLine(), strangersGroup(), inStrangers(STRANGERS_FRIEND, '!rules'));
    await b.settle();
    expect(toGroup(b, OTHER_GROUP).map((s) => s.text)[0]).toMatch(/^📋 Group guidelines/);
  });

  it('a database from before approval existed keeps serving its groups', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'steward-approval-'));
    await mkdir(dir, { recursive: true });
    const group = { id: GROUP, name: 'Year 3 Parents', members: [ADMIN, PARENT], admins: [ADMIN], paused: false, welcome: null };
    await writeFile(path.join(dir, 'db.json'), JSON.stringify({ version: 1, groups: { [GROUP]: group }, reports: [] }));
    try {
      const b = await bot({ storageDir: dir });
      await b.run(message(PARENT, '!rules'), addedBy(STRANGER), strangersGroup(), inStrangers(STRANGERS_FRIEND, '!rules'));
      await b.settle();
      expect(toGroup(b).map((s) => s.text)[0]).toMatch(/^📋 Group guidelines/);
      // Linking was long ago: a new group still waits.
      expect(toGroup(b, OTHER_GROUP)).toHaveLength(1);
      await b.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the operator\'s commands', () => {
  it('only an operator may approve or leave, and only privately; to anyone else they are unknown commands', async () => {
    const b = await linkedBot();
    await b.run(
      addedBy(STRANGER),
      strangersGroup(),
      privately(PARENT, `!approve ${CODE}`),
      privately(STRANGER, `!approve ${CODE}`),
      message(ADMIN, `!leave ${CODE}`),
      privately(OPERATOR, '!approve ZZZZZZ'),
      privately(OPERATOR, '!approve'),
    );
    await b.settle();
    expect(toPerson(b, PARENT)).toEqual([expect.stringMatching(/^I don't know !approve\. Type !help/)]);
    expect(toPerson(b, STRANGER)).toEqual([expect.stringMatching(/^I don't know !approve\. Type !help/)]);
    expect(toPerson(b, ADMIN)).toEqual([expect.stringMatching(/^I don't know !leave\. Type !help/)]);
    const operator = toPerson(b, OPERATOR);
    expect(operator[1]).toMatch(/^No group waiting for approval has the code ZZZZZZ/);
    expect(operator[2]).toContain(`${CODE}  Year 3 Parents (waiting for approval)`);
    expect(toGroup(b, OTHER_GROUP)).toHaveLength(1);
  });

  it('!leave makes the bot leave the group and forget it', async () => {
    const b = await linkedBot();
    await b.run(addedBy(STRANGER), strangersGroup(), privately(OPERATOR, `!leave ${CODE}`));
    await b.settle();
    expect(b.out.filter((l) => l.type === 'leave')).toEqual([expect.objectContaining({ chat: OTHER_GROUP })]);
    expect(toPerson(b, OPERATOR).at(-1)).toMatch(/^I have left "Year 3 Parents"/);
    expect(b.sim.app.services.store.group(OTHER_GROUP)).toBeUndefined();
  });
});
