import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { userPart } from '../../src/core/ids.js';
import { ADMIN, BOT, GROUP, PARENT, groupLine, message, person, startBot, type TestBot } from '../support/bot.js';
import { modelEnv, startModelStub, templateOf, type ModelStub } from '../support/model-stub.js';
import { closedAfterEach, privately, storedReports, toGroup, toPerson } from '../support/reporting.js';

/*
 * A group's member list is every parent's phone number. On disk it is a list of keyed
 * fingerprints: the bot can still tell a member from a stranger and a newcomer from someone it
 * knew, across restarts, without keeping anyone's number. Admins stay real ids: the bot writes to
 * them privately.
 */

const JOINER = person(7);
const POSTER = person(8);
const LATER_JOINER = person(9);
const STRANGER = person(60);
const QUESTION = 'can I invite my sister?';

const { track, closeNow } = closedAfterEach();
let storageDir: string;
afterEach(async () => {
  if (storageDir) await rm(storageDir, { recursive: true, force: true });
});

async function freshStorage(): Promise<string> {
  storageDir = await mkdtemp(path.join(tmpdir(), 'steward-members-'));
  return storageDir;
}

const bot = (stub: ModelStub): Promise<TestBot> =>
  startBot({ storageDir, env: modelEnv(stub), config: { model: { timeoutSeconds: 1 } } }).then(track);

const diskCopies = async () => [await readFile(path.join(storageDir, 'db.json'), 'utf8'), await readFile(path.join(storageDir, 'db.json.bak'), 'utf8')];

function expectNoNumbers(texts: string[], people: string[]): void {
  for (const text of texts) for (const id of people) expect(text).not.toContain(userPart(id));
}

/** A catch-up read of the group, as the WhatsApp transport sends after a reconnect or a restart. */
async function reread(b: TestBot, members: string[]): Promise<void> {
  await b.sim.app.handle({ kind: 'group', chat: GROUP, name: 'Year 3 Parents', members: [...members, BOT], admins: [ADMIN], catchUp: true, at: b.sim.clock.now() });
  await b.sim.clock.advanceBy(0);
}

const welcomes = (b: TestBot) => toGroup(b).filter((s) => s.text.startsWith('Welcome'));

describe('member lists on disk hold fingerprints, not phone numbers', () => {
  it('welcomes once, counts, recognises members privately and across a restart, with no member number in db.json or its backup', async () => {
    await freshStorage();
    const stub = track(await startModelStub('correct'));
    const first = await bot(stub);
    await first.run(
      groupLine([ADMIN, PARENT]),
      { type: 'join', chat: GROUP, members: [JOINER], by: ADMIN },
      { type: 'wait', seconds: 30 },
      message(JOINER, 'hello all, thanks for adding me', { id: 'g1' }),
      // Someone WhatsApp says is in the group, though no list named them yet.
      message(POSTER, 'is there school on Friday?', { id: 'g2' }),
      message(ADMIN, '!status', { id: 'g3' }),
    );
    await first.settle();
    expect(welcomes(first).map((s) => s.mentions)).toEqual([[JOINER]]);
    const status = toGroup(first).find((s) => s.text.startsWith('Status for'));
    expect(status?.text).toContain('Members I know: 4, admins: 1');

    const [db, backup] = await diskCopies();
    expectNoNumbers([db!, backup!], [PARENT, JOINER, POSTER, BOT]);
    const group = JSON.parse(db!).groups[GROUP] as { members: string[]; admins: string[] };
    expect(group.members).toHaveLength(5);
    for (const member of group.members) expect(member).toMatch(/^m1:[A-Za-z0-9_-]{22}$/);
    expect(group.admins).toEqual([ADMIN]);

    // A member's private question reaches the model; a stranger's does not.
    await first.run(privately(STRANGER, `!ask ${QUESTION}`, { id: 's1' }), privately(POSTER, `!ask ${QUESTION}`, { id: 'p1' }));
    await first.settle();
    expect(stub.requestsFor('ask')).toHaveLength(1);
    expect(toPerson(first, STRANGER).map(templateOf)).toEqual(['askAnswer']);
    await closeNow(first);

    // Restarted on the same storage: the fingerprints still match the same people.
    const second = await bot(stub);
    await reread(second, [ADMIN, PARENT, JOINER, POSTER, LATER_JOINER]);
    await second.settle();
    expect(welcomes(second).map((s) => s.mentions)).toEqual([[LATER_JOINER]]);
    await second.run(privately(JOINER, `!ask ${QUESTION}`, { id: 'j1' }), privately(JOINER, 'you are all useless', { id: 'f1', forwarded: true }));
    await second.settle();
    expect(stub.requestsFor('ask')).toHaveLength(2);
    expect(toPerson(second, JOINER).some((text) => text.startsWith('Sorry, I can only pass on reports from members'))).toBe(false);
    expect((await storedReports(storageDir)).map((r) => r.reporter.id)).toEqual([JOINER]);
  });
});

describe('a database from before fingerprints', () => {
  const plainGroup = { id: GROUP, name: 'Year 3 Parents', members: [ADMIN, PARENT, JOINER, BOT], admins: [ADMIN], paused: false, welcome: null, approved: true, fullyRead: true };

  it('is converted when opened: no member number in db.json nor db.json.bak, and membership works as before', async () => {
    await freshStorage();
    const plain = JSON.stringify({ version: 1, groups: { [GROUP]: plainGroup }, reports: [], linked: true, aliases: {} });
    await writeFile(path.join(storageDir, 'db.json'), plain);
    await writeFile(path.join(storageDir, 'db.json.bak'), plain);
    const stub = track(await startModelStub('correct'));
    const b = await bot(stub);

    expectNoNumbers(await diskCopies(), [PARENT, JOINER, BOT]);
    const store = b.sim.app.services.store;
    expect(store.group(GROUP)?.members).toEqual([ADMIN, PARENT, JOINER, BOT].map((id) => store.fingerprint(id)));

    // The people it knew are not new; a member's private question reaches the model.
    await reread(b, [ADMIN, PARENT, JOINER, LATER_JOINER]);
    await b.run(message(ADMIN, '!status', { id: 'g1' }), privately(PARENT, `!ask ${QUESTION}`, { id: 'p1' }));
    await b.settle();
    expect(welcomes(b).map((s) => s.mentions)).toEqual([[LATER_JOINER]]);
    expect(toGroup(b).find((s) => s.text.startsWith('Status for'))?.text).toContain('Members I know: 4, admins: 1');
    expect(stub.requestsFor('ask')).toHaveLength(1);
  });
});
