import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../src/config/load.js';
import { formatDay } from '../../src/core/calendar.js';
import { groupCode } from '../../src/core/ids.js';
import { ukDateTime } from '../../src/core/uk-time.js';
import { ADMIN, BOT, GROUP, OTHER_GROUP, PARENT, START, groupLine, message, person, type TestBot } from '../support/bot.js';
import { modelEnv, startModelStub } from '../support/model-stub.js';
import { closedAfterEach, emailLines, onlyReport, pause, privately, storedReports, toGroup, toPerson } from '../support/reporting.js';

/**
 * The volunteer who runs the bot (BOT_OPERATOR) controls it from a private chat: !status,
 * !reports, !retry, !approve, !leave, !pause all and !resume all. To anyone else those commands
 * do not exist: they get exactly what they would get without them.
 */

const OPERATOR = person(90);
const AUTHOR = person(3);
const STRANGER = person(66);
const WAITING_GROUP = '120363000000000003@g.us';
const FLAGGED = 'Mr Khan the teacher is useless and everyone knows it';
const REASON = 'rude about a teacher';
const loaded = loadConfig({});
const FOOTER = 'a parent-run helper, not an official IMAI account';

const { bot, smtpServer, track, closeNow } = closedAfterEach();
const ownDirs: string[] = [];
afterEach(async () => {
  for (const dir of ownDirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

const digits = (id: string) => id.split('@')[0]!;
const unknownAnswer = (command: string) => `I don't know !${command}. Type !help to see what I can do.`;
/** What a reply says, without the footer every message ends with. */
const body = (text: string) => text.slice(0, text.lastIndexOf('\n\n—'));

/** Two approved groups and one a stranger added the bot to, waiting for approval. */
const groups = () => [
  groupLine([ADMIN, PARENT, AUTHOR]),
  groupLine([ADMIN, PARENT], [ADMIN], OTHER_GROUP, 'Year 4 Parents'),
];
const strangerAdds = () => [
  { type: 'join', chat: WAITING_GROUP, members: [BOT], by: STRANGER },
  groupLine([STRANGER], [STRANGER], WAITING_GROUP, 'Strangers'),
];
const posted = (id = 'm1') => message(AUTHOR, FLAGGED, { id, name: 'Sam Author' });
const flagged = (quotedId = 'm1') => message(PARENT, `!flag ${REASON}`, { id: `f-${quotedId}`, quotedId, name: "Bilal's mum" });

async function operatorBot(env: Record<string, string> = {}, storageDir?: string, config?: object): Promise<TestBot> {
  return bot({ env: { BOT_OPERATOR: OPERATOR, ...env }, ...(storageDir ? { storageDir } : {}), ...(config ? { config } : {}) });
}

/** What the operator was last told, footer taken off. */
const lastTo = (b: TestBot, who = OPERATOR) => body(toPerson(b, who).at(-1) ?? '');

async function ask(b: TestBot, text: string, from = OPERATOR): Promise<string> {
  await b.run(privately(from, text), pause());
  return lastTo(b, from);
}

describe('!status, for an operator', () => {
  it('says how WhatsApp, each group, the outbox, mail, the model and the policy review stand', async () => {
    const b = await operatorBot();
    await b.run(...groups(), ...strangerAdds(), pause(60), posted(), pause(60));
    await b.run(message(ADMIN, '!pause', { chat: OTHER_GROUP }), pause(60));
    const status = await ask(b, '!status');
    const lines = status.split('\n');
    expect(lines[0]).toBe('🛠️ Bot status (times are UK time)');
    expect(lines[1]).toBe(`WhatsApp: connected since ${ukDateTime(START.toISOString())}`);
    expect(lines[2]).toBe('Groups:');
    // Year 3 last heard from when Sam posted (08:01), Year 4 when its admin paused it (08:02), the
    // strangers' group when the bot was added to it (08:00).
    expect(lines.slice(3, 6)).toEqual([
      `${groupCode(GROUP)}  Year 3 Parents: approved, active, 3 member(s), language en, last activity 5 Jan 2026, 08:01`,
      `${groupCode(OTHER_GROUP)}  Year 4 Parents: approved, paused, 2 member(s), language en, last activity 5 Jan 2026, 08:02`,
      `${groupCode(WAITING_GROUP)}  Strangers: waiting for approval, active, 1 member(s), language en, last activity 5 Jan 2026, 08:00`,
    ]);
    expect(lines.slice(6)).toEqual([
      'Reports: 0 waiting to go, 0 failed, 0 delivered in the last 7 days',
      'Mail: .eml files on this machine (no mail server is set)',
      'Language model: off',
      `Policy review date: ${formatDay(loaded.config.school.policy.reviewDate, 'date')}`,
    ]);
    // Codes and counts only: no member's number, no message.
    for (const id of [ADMIN, PARENT, AUTHOR, STRANGER]) expect(status).not.toContain(digits(id));
    expect(status).not.toContain('Mr Khan');
  });

  it('counts reports queued, failed and delivered in the last 7 days, shows the mail server without its login, and the model budget left', async () => {
    const smtp = await smtpServer();
    const stub = track(await startModelStub('correct'));
    // The login in the URL must never be shown (the test server needs none, and no login is tried before a send).
    const url = smtp.url.replace('smtp://', 'smtp://steward%40school.example:hunter2@');
    const b = await operatorBot({ SMTP_URL: smtp.url, ...modelEnv(stub) });
    await b.run(...groups(), posted(), flagged(), pause(60));
    expect(smtp.received).toHaveLength(1);
    const before = await ask(b, '!status');
    expect(before).toContain('Reports: 0 waiting to go, 0 failed, 1 delivered in the last 7 days');
    expect(before).toContain(`Mail: email through 127.0.0.1:${smtp.port}`);
    // The report's triage asked the model once.
    expect(stub.requests).toHaveLength(1);
    expect(before).toContain('Language model: on, 199 of 200 calls and 199960 of 200000 tokens left today');

    // Eight days on, the delivery is no longer "lately" (it is still kept: 30 days).
    await b.run({ type: 'wait', seconds: 8 * 86_400 });
    expect(await ask(b, '!status')).toContain('Reports: 0 waiting to go, 0 failed, 0 delivered in the last 7 days');

    const masked = await operatorBot({ SMTP_URL: url });
    await masked.run(...groups());
    const shown = await ask(masked, '!status');
    expect(shown).toContain(`Mail: email through 127.0.0.1:${smtp.port}`);
    expect(shown).not.toMatch(/hunter2|steward|\*\*\*\*/);
  });

  it('shows the connection state the transport reports, and the same facts as plain data for a status page', async () => {
    const b = await operatorBot();
    await b.run(...groups(), posted(), flagged(), pause(60));
    const lostAt = b.sim.clock.now();
    b.sim.app.connection.set('disconnected');
    expect(await ask(b, '!status')).toContain(`WhatsApp: disconnected, trying again since ${ukDateTime(lostAt.toISOString())}`);
    const facts = b.sim.app.status();
    expect(facts).toMatchObject({
      whatsapp: { state: 'disconnected' },
      outbox: { queued: 0, failed: 0, deliveredLast7Days: 1, onHold: null },
      mail: { mode: 'files' },
      model: { on: false },
      policyReview: loaded.config.school.policy.reviewDate,
    });
    expect(facts.groups.map((g) => [g.code, g.name, g.approved, g.paused, g.members, g.languages])).toEqual([
      [groupCode(GROUP), 'Year 3 Parents', true, false, 3, ['en']],
      [groupCode(OTHER_GROUP), 'Year 4 Parents', true, false, 2, ['en']],
    ]);
    // Nothing in it identifies a parent or repeats a message: no number, no id, no text.
    const json = JSON.stringify(facts);
    for (const id of [ADMIN, PARENT, AUTHOR, GROUP, OTHER_GROUP]) expect(json).not.toContain(digits(id));
    expect(json).not.toMatch(/Mr Khan|rude|Bilal|Sam Author/);
  });

  it("a group admin's !status in the group is still the group's own", async () => {
    const b = await operatorBot();
    await b.run(...groups(), message(ADMIN, '!status'), message(OPERATOR, '!status'), pause());
    const inGroup = toGroup(b).map((s) => s.text);
    expect(inGroup).toEqual([expect.stringMatching(/^Status for Year 3 Parents: active\./)]);
  });
});

describe('!reports, for an operator', () => {
  it('lists the latest reports by reference, group, state and time, never their content or who made them', async () => {
    const b = await operatorBot();
    await b.run(...groups(), posted('m1'), flagged('m1'), pause(60));
    await b.run(privately(PARENT, FLAGGED, { id: 'fw1', forwarded: true, name: "Bilal's mum" }), pause(600));
    const [forward, flag] = (await storedReports(b.storageDir)).sort((x, y) => y.createdAt.localeCompare(x.createdAt));
    const list = await ask(b, '!reports');
    expect(list.split('\n')).toEqual([
      'Latest reports (2, times are UK time), newest first:',
      `${forward!.id}  forwarded privately  delivered  ${ukDateTime(forward!.createdAt)}`,
      `${flag!.id}  Year 3 Parents  delivered  ${ukDateTime(flag!.createdAt)}`,
    ]);
    expect(list).not.toMatch(/Mr Khan|rude|Bilal|Sam Author/);
    for (const id of [PARENT, AUTHOR]) expect(list).not.toContain(digits(id));
  });

  it('shows at most the last 10, and says when there are none', async () => {
    const b = await operatorBot();
    await b.run(...groups());
    expect(await ask(b, '!reports')).toBe('There are no reports in storage.');
    // Twelve reports from five members (each may make five an hour).
    const members = [1, 2, 3, 4, 5].map((n) => person(10 + n));
    await b.run(groupLine([ADMIN, AUTHOR, ...members]));
    for (let n = 1; n <= 12; n++) await b.run(posted(`m${n}`), message(members[n % 5]!, '!flag', { id: `f${n}`, quotedId: `m${n}` }), pause(30));
    await b.run(pause(60));
    expect(await storedReports(b.storageDir)).toHaveLength(12);
    const lines = (await ask(b, '!reports')).split('\n');
    expect(lines[0]).toBe('Latest reports (10, times are UK time), newest first:');
    expect(lines).toHaveLength(11);
  });
});

describe('!retry, for an operator', () => {
  it('puts a failed report back in the queue and it is delivered', async () => {
    const storageDir = await mkdtemp(path.join(tmpdir(), 'steward-retry-'));
    ownDirs.push(storageDir);
    // The school's server refused the report for good (554)...
    const refusing = await smtpServer('reject');
    const first = await operatorBot({ SMTP_URL: refusing.url }, storageDir);
    await first.run(...groups(), posted(), flagged(), pause(60));
    const failed = await onlyReport(storageDir);
    expect(failed.delivery.state).toBe('failed');
    await closeNow(first);

    // ...then the volunteer sorted it out with the school, and sends it again from their phone.
    const accepting = await smtpServer();
    const b = await operatorBot({ SMTP_URL: accepting.url }, storageDir);
    await b.run(...groups());
    expect(await ask(b, '!reports')).toContain(`${failed.id}  Year 3 Parents  failed`);
    expect(await ask(b, `!retry ${failed.id.toLowerCase()}`)).toBe(
      `Report ${failed.id} is back in the queue and goes to school@imai.org.uk now. If it fails again, I'll tell you.`,
    );
    await b.run(pause(60));
    expect(accepting.received.map((m) => m.messageId)).toEqual([failed.messageId]);
    expect(emailLines(b).map((e) => e.reportId)).toEqual([failed.id]);
    expect((await onlyReport(storageDir)).delivery.state).toBe('sent');
    expect(await ask(b, '!reports')).toContain(`${failed.id}  Year 3 Parents  delivered`);

    // Once delivered, or for a reference that does not exist, nothing is sent again.
    expect(await ask(b, `!retry ${failed.id}`)).toBe(`Report ${failed.id} has not failed (delivered), so there is nothing to retry.`);
    expect(await ask(b, '!retry R-260105-ZZZZ')).toBe('There is no report R-260105-ZZZZ in storage. !reports lists the latest.');
    expect(await ask(b, '!retry')).toMatch(/^Send !retry with the report's reference/);
    await b.run(pause(60));
    expect(accepting.received).toHaveLength(1);
  });
});

describe('!pause all and !resume all, for an operator', () => {
  it('pauses every approved group, each told as when its admin pauses it, and resumes them all', async () => {
    const b = await operatorBot();
    await b.run(...groups(), ...strangerAdds(), message(ADMIN, '!pause', { chat: OTHER_GROUP }), pause(60));
    b.take();
    expect(await ask(b, '!pause all')).toBe(
      'Paused in 1 group(s), each told so: Year 3 Parents. An admin there, or you with !resume all, turns me back on.',
    );
    let sent = b.take().filter((s) => s.chat !== OPERATOR);
    expect(sent.map((s) => [s.chat, body(s.text)])).toEqual([[GROUP, "⏸️ Paused in this group: I'll stay quiet until an admin types !resume."]]);
    await b.run(message(PARENT, '!rules'), message(PARENT, '!rules', { chat: OTHER_GROUP }), pause(60));
    expect(b.take()).toEqual([]);
    expect(await ask(b, '!pause all')).toBe('I was already paused in every approved group.');

    expect(await ask(b, '!resume all')).toBe('Back on in 2 group(s), each told so: Year 3 Parents, Year 4 Parents.');
    sent = b.take().filter((s) => s.chat !== OPERATOR);
    expect(sent.map((s) => [s.chat, body(s.text)])).toEqual([
      [GROUP, '▶️ Back on in this group.'],
      [OTHER_GROUP, '▶️ Back on in this group.'],
    ]);
    // The group waiting for approval was neither paused nor told anything.
    expect(toGroup(b, WAITING_GROUP)).toHaveLength(1);
    expect(b.sim.app.services.store.group(WAITING_GROUP)!.paused).toBe(false);
    await b.run(message(PARENT, '!rules'), pause(60));
    expect(toGroup(b).at(-1)!.text).toMatch(/^📋 Group guidelines/);
    expect(await ask(b, '!resume all')).toBe('I was not paused in any approved group.');
    expect(await ask(b, '!pause')).toMatch(/^To pause me in every group, send !pause all/);
  });

  it("a group's admin still pauses and resumes their own group", async () => {
    const b = await operatorBot();
    await b.run(...groups(), message(ADMIN, '!pause'), pause(), message(ADMIN, '!resume', { id: 'r1' }), pause());
    expect(toGroup(b).map((s) => body(s.text))).toEqual([
      "⏸️ Paused in this group: I'll stay quiet until an admin types !resume.",
      '▶️ Back on in this group.',
    ]);
  });
});

describe('anyone who is not an operator', () => {
  it('gets exactly what they would get without the operator commands, and changes nothing', async () => {
    const storageDir = await mkdtemp(path.join(tmpdir(), 'steward-not-operator-'));
    ownDirs.push(storageDir);
    const smtp = await smtpServer('reject');
    // Room for every try in one go: past five answers in ten minutes a private chat is told to slow down.
    const b = await operatorBot({ SMTP_URL: smtp.url }, storageDir, { privateReplies: { perPerson: 20 } });
    await b.run(...groups(), ...strangerAdds(), posted(), flagged(), pause(60));
    const failed = await onlyReport(storageDir);
    expect(failed.delivery.state).toBe('failed');
    const code = groupCode(WAITING_GROUP);
    // A group admin of both groups, and a parent: neither runs the bot.
    for (const who of [ADMIN, PARENT]) {
      const told = async (text: string) => {
        const before = toPerson(b, who).length;
        await b.run(privately(who, text), pause());
        const after = toPerson(b, who);
        expect(after).toHaveLength(before + 1);
        return body(after.at(-1)!);
      };
      // Commands only an operator has are unknown commands, word for word.
      expect(await told('!reports')).toBe(unknownAnswer('reports'));
      expect(await told(`!retry ${failed.id}`)).toBe(unknownAnswer('retry'));
      expect(await told(`!approve ${code}`)).toBe(unknownAnswer('approve'));
      expect(await told(`!leave ${code}`)).toBe(unknownAnswer('leave'));
      // !status, !pause and !resume are also the group admins' commands (listed in !help): in a
      // private chat they answer as they always have, that they work inside a group.
      expect(await told('!status')).toBe('!status works inside a group, not in a private chat.');
      expect(await told('!pause all')).toBe('!pause works inside a group, not in a private chat.');
      expect(await told('!resume all')).toBe('!resume works inside a group, not in a private chat.');
    }
    // In a group, an operator's command is an unknown one too (told privately, once in a while).
    await b.run(message(PARENT, `!approve ${code}`, { id: 'g1' }), pause());
    expect(lastTo(b, PARENT)).toBe(unknownAnswer('approve'));

    await b.run(pause(600));
    expect(smtp.attempts).toBe(1);
    expect((await onlyReport(storageDir)).delivery.state).toBe('failed');
    const store = b.sim.app.services.store;
    expect(store.group(WAITING_GROUP)).toMatchObject({ approved: false });
    expect(store.groups().map((g) => g.paused)).toEqual([false, false, false]);
    expect(b.out.filter((l) => l.type === 'leave')).toEqual([]);
    expect(toGroup(b).filter((s) => /Paused|Back on/.test(s.text))).toEqual([]);
  });
});

describe('replies to the operator', () => {
  it('go through the paced send path: one chat at a time, a few seconds apart, each with the footer', async () => {
    const b = await operatorBot();
    await b.run(...groups(), pause(60));
    b.take();
    await b.run(privately(OPERATOR, '!status', { id: 'o1' }), privately(OPERATOR, '!reports', { id: 'o2' }), privately(OPERATOR, '!approve', { id: 'o3' }));
    await b.settle();
    const replies = b.take();
    expect(replies.map((s) => s.chat)).toEqual([OPERATOR, OPERATOR, OPERATOR]);
    const times = replies.map((s) => Date.parse(s.at));
    const { perChatGapMs } = loaded.config.pacing;
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(perChatGapMs);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(perChatGapMs);
    for (const reply of replies) expect(reply.text.endsWith(FOOTER)).toBe(true);
  });
});
