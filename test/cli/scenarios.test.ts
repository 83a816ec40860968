import { afterAll, describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { LRI, PDI, withoutIsolates } from '../../src/core/bidi.js';
import { Messages } from '../../src/core/messages.js';
import { LANGUAGE_SEPARATOR } from '../../src/core/speaker.js';
import { parseMail } from '../support/smtp.js';
import { askAnswerText, askNothingText, messages } from '../support/model-stub.js';
import { BOT, GROUP, ROOT, person, sendsOf, simulateInProcess, tempDir, type OutLine, type SendLine } from './run-cli.js';

/**
 * Every scenario file in test/scenarios/ runs through the simulator (in this process, as
 * `simulate --script FILE --start START --seed 1` would run it, each on a storage folder of its
 * own). A new scenario file is picked up without touching this test.
 *
 * Next to each NAME.jsonl, NAME.expected.jsonl is what the bot printed for it, line for line: the
 * run must print exactly that. When the bot's words or timing change on purpose, regenerate them
 * and read the diff (git diff test/scenarios/) as the review of what parents will now see:
 *
 *   UPDATE_EXPECTED=1 NODE_OPTIONS=--experimental-vm-modules npx jest test/cli/scenarios.test.ts
 *
 * The checks further down say what matters in some of them, so a reader (or a regeneration)
 * does not miss it: a reporter never named to admins, nothing of a flag said in the group...
 *
 * A scenario that needs a setting has NAME.env beside it, one VARIABLE=value a line, as a
 * volunteer would set them before `npm run simulate` (approval.env names the operator).
 */
const SCENARIOS = path.join(ROOT, 'test', 'scenarios');
const START = '2026-01-05T08:00:00Z';
const SEED = 1;
const START_MS = Date.parse(START);
const FOOTER = 'a parent-run helper, not an official IMAI account';
/** The footer in each language there is a file for: a group that reads Urdu gets it in Urdu. */
const languages = (() => {
  const loaded = loadConfig({});
  return new Messages(loaded.templates, loaded.config.school, loaded.config.bot.name, { languages: loaded.languages });
})();
const FOOTERS = [FOOTER, ...languages.languages.map((l) => languages.footerIn(l.code))];
const SCHOOL_EMAIL = 'school@imai.org.uk';
const UPDATE = process.env.UPDATE_EXPECTED === '1';

const EXPECTED_SUFFIX = '.expected.jsonl';
const files = readdirSync(SCENARIOS)
  .filter((f) => f.endsWith('.jsonl') && !f.endsWith(EXPECTED_SUFFIX))
  .sort();
const expectedFile = (file: string) => path.join(SCENARIOS, file.replace(/\.jsonl$/, EXPECTED_SUFFIX));
/** The variables a scenario's NAME.env sets, if it has one. */
function scenarioEnv(file: string): Record<string, string> {
  const envFile = path.join(SCENARIOS, file.replace(/\.jsonl$/, '.env'));
  if (!existsSync(envFile)) return {};
  const pairs = readFileSync(envFile, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]);
  return Object.fromEntries(pairs);
}

const inGroup = (s: SendLine) => s.chat === GROUP;
const at = (s: SendLine) => Date.parse(s.at);
const mention = (id: string) => `@${id.split('@')[0]}`;
const isRules = (s: SendLine) => s.text.startsWith('📋 Group guidelines');
const isFullRules = (s: SendLine) => s.text.startsWith('📋 The Imam Muhammad Adam Institute');
const isRulesPointer = (s: SendLine) => s.text.startsWith('The rules were posted a moment ago');

type EmailLine = { type: 'email'; at: string; to: string[]; subject: string; reportId: string };
/** Everything else a scenario's check may look at: every output line, and the storage folder it ran with. */
interface Run {
  lines: OutLine[];
  emails: EmailLine[];
  storage: string;
}
const emailsOf = (lines: OutLine[]) => lines.filter((l): l is EmailLine => l.type === 'email');
/** The .eml files the run left in the outbox (no SMTP_URL is set for scenarios). */
const outbox = (run: Run) => readdirSync(path.join(run.storage, 'outbox')).filter((f) => f.endsWith('.eml')).sort();
const REFERENCE = /R-\d{6}-[A-Z2-9]{4}/;
const referenceIn = (text: string) => REFERENCE.exec(text)?.[0];
const to = (sends: SendLine[], who: string) => sends.filter((s) => s.chat === who);
const isReportReceived = (s: SendLine) => /^Thank you\. Your report R-\d{6}-\w{4} about a message in Year 3 Parents is saved/.test(s.text);
const isAdminNotice = (s: SendLine) => /^Report R-\d{6}-\w{4} about a message in Year 3 Parents /.test(s.text);
/** A private nudge to someone whose message aired a grievance or bullying in the group (see nudge.jsonl). */
const isNudge = (s: SendLine) => s.text.startsWith('A quiet word, only to you');
const isUrgentAdvice = (s: SendLine) => /call 999/.test(s.text) && /Designated Safeguarding Lead/.test(s.text);
/** A reporter's name or number must never reach an admin unless they sent !share. */
function anonymous(s: SendLine, name: string, id: string) {
  expect(s.text).not.toContain(name);
  expect(s.text).not.toContain(id.split('@')[0]);
}

/**
 * The reference of the first report in a run, pinned: references are random but seeded (SEED,
 * the CLI's default --seed, with START), and the only random draws before the first report in
 * share.jsonl are the pacing of the private nudge to the flagged message's writer, so it is always this one. share.jsonl sends `!share` with it,
 * and `!share R-260105-AS97` (a typo of it) to show an unknown reference. If the random sequence
 * ever changes (a new draw before the first report), run the scenario once and update both.
 */
const SHARED_REFERENCE = 'R-260105-AS98';

/** What each known scenario must produce, keyed by file name. */
const expectations: Record<string, (sends: SendLine[], run: Run) => void> = {
  'welcome.jsonl'(sends) {
    const [welcome, ...rest] = sends;
    expect(rest).toEqual([]);
    // The burst of joins becomes one welcome for the four who are still there (number 15 left).
    const joiners = [person(11), person(12), person(13), person(14)];
    expect(welcome!.chat).toBe(GROUP);
    expect(welcome!.mentions).toEqual(joiners);
    for (const joiner of joiners) expect(welcome!.text).toContain(mention(joiner));
    expect(welcome!.text).not.toContain(mention(person(15)));
    for (const old of [person(1), person(2), person(3), BOT]) expect(welcome!.text).not.toContain(mention(old));
    expect(welcome!.text).toContain(SCHOOL_EMAIL);
    // Sent once the joins have stopped for the batching window (the last join is at 08:05:13).
    expect(at(welcome!)).toBeGreaterThanOrEqual(START_MS + (5 * 60 + 13 + 20) * 1000);
  },

  'rules.jsonl'(sends) {
    expect(sends).toHaveLength(5);
    const [first, pointer, again, full, privately] = sends;
    // r1: the rules; r2 inside the cooldown: a pointer; r3: nothing more.
    expect(inGroup(first!) && isRules(first!)).toBe(true);
    expect(first!.text).toContain(SCHOOL_EMAIL);
    expect(first!.text.match(/^\d\. /gm)).toHaveLength(6);
    expect(inGroup(pointer!) && isRulesPointer(pointer!)).toBe(true);
    // r4, once the minute has passed: the rules again.
    expect(inGroup(again!) && isRules(again!)).toBe(true);
    expect(at(again!) - at(first!)).toBeGreaterThanOrEqual(60_000);
    // r5: the whole policy.
    expect(inGroup(full!) && isFullRules(full!)).toBe(true);
    expect(full!.text).toContain('the Principal');
    expect(full!.text).toContain('January 2027');
    // r6, in a private chat: always answered, whatever the group's cooldown.
    expect(privately!.chat).toBe(person(4));
    expect(isRules(privately!)).toBe(true);
    for (const s of sends) {
      expect(s).not.toHaveProperty('quotedId');
      expect(s).not.toHaveProperty('mentions');
    }
  },

  'concern.jsonl'(sends) {
    // Only the four concern questions are answered, each quoted, none of the chatter (n1..n6).
    expect(sends.map((s) => s.quotedId)).toEqual(['c1', 'c2', 'c3', 'c4']);
    expect(sends.map((s) => s.chat)).toEqual([GROUP, GROUP, GROUP, person(5)]);
    for (const s of sends) {
      expect(s.text).toContain(SCHOOL_EMAIL);
      expect(s.text).toMatch(/does not monitor/);
    }
  },

  'concern-roman-urdu.jsonl'(sends) {
    // An English group: the Roman Urdu (u1) and mixed (m1, m2) questions are answered in Urdu, the
    // English one (e1) in English, each quoted; Roman Urdu chatter (n1..n3) gets nothing.
    expect(sends.map((s) => s.quotedId)).toEqual(['u1', 'e1', 'm1', 'm2', 'p1', 'a1']);
    const [u1, e1, m1, m2, p1, a1] = sends;
    const inUrdu = (key: 'concern' | 'concernPointer') => `${languages.renderIn('ur', key)}\n\n${languages.footerIn('ur')}`;
    expect([u1!.text, m2!.text]).toEqual([inUrdu('concern'), inUrdu('concern')]);
    expect(e1!.text).toBe(`${languages.renderIn('en', 'concern')}\n\n${languages.footerIn('en')}`);
    // m1 came within the cooldown of u1: the Urdu pointer to it, not the English answer's.
    expect(m1!.text).toBe(inUrdu('concernPointer'));
    // Privately, in the language written in; the address exact between isolates.
    expect(p1!.chat).toBe(person(5));
    expect(p1!.text).toBe(inUrdu('concern'));
    expect(u1!.text).toContain(`${LRI}${SCHOOL_EMAIL}${PDI}`);
    // !ask in Roman Urdu: the Urdu clause with its id in the English policy, marked as a courtesy translation.
    const urdu = languages.schoolIn('ur').policy;
    expect(withoutIsolates(a1!.text)).toContain(`“${urdu.guidelines.find((g) => g.id === 'G6')!.text}” (G6)`);
    expect(withoutIsolates(a1!.text)).toContain(languages.courtesyNote('ur')!);
  },

  'admin.jsonl'(sends) {
    // In the group, in this order; while paused (a3..a7) only !status is answered there: no rules,
    // no concern answer and no welcome for 447700900011. No welcome for 447700900012 either, who
    // joined while welcomes were off.
    const group = sends.filter(inGroup).map((s) => s.text.split('\n')[0]);
    expect(group).toEqual([
      expect.stringMatching(/^Status for Year 3 Parents: active\. Welcome messages: on\./),
      expect.stringMatching(/^⏸️ Paused in this group/),
      expect.stringMatching(/^Status for Year 3 Parents: paused\./),
      expect.stringMatching(/^▶️ Back on/),
      expect.stringMatching(/^Welcome messages are now off/),
      expect.stringMatching(/^Welcome messages are now on/),
      expect.stringMatching(/^Welcome @447700900013\b/),
    ]);
    const welcome = sends.find((s) => s.mentions);
    expect(welcome!.mentions).toEqual([person(13)]);
    expect(sends.some((s) => s.text.includes(mention(person(11))) || s.text.includes(mention(person(12))))).toBe(false);
    expect(sends.some(isRules)).toBe(false);

    // Privately: the parent who tried admin commands is told, once for each, that they are for admins.
    const toParent = sends.filter((s) => s.chat === person(2)).map((s) => s.text);
    expect(toParent).toEqual([
      expect.stringMatching(/^Sorry, !pause is for the admins of Year 3 Parents/),
      expect.stringMatching(/^Sorry, !welcome is for the admins of Year 3 Parents/),
    ]);
    // Anything else private goes only to the parent who asked about a concern while paused, with the school's contacts.
    const others = sends.filter((s) => !inGroup(s) && s.chat !== person(2));
    for (const s of others) {
      expect(s.chat).toBe(person(3));
      expect(s.text).toContain(SCHOOL_EMAIL);
    }
  },

  'ask.jsonl'(sends) {
    // Offline (no language model in a clean environment): every answer is the template around
    // clauses of the code of conduct quoted word for word, chosen by the retriever.
    const group = sends.filter(inGroup);
    expect(group.map((s) => [s.quotedId, s.text])).toEqual([
      ['a1', askAnswerText(['G6'])],
      ['a2', askAnswerText(['PD', 'BA'])],
      // An @-mention is a question too; the mention itself is not part of what is looked up.
      ['a3', askAnswerText(['G2', 'E4'])],
      // Nothing in the policy is about pick-up times: the bot says so and points to the school.
      ['a4', askNothingText],
      // A bare !ask gets an example of how to ask.
      ['a7', `${messages.render('askHow')}\n\n${messages.footer()}`],
    ]);
    // The same parent asking again within the minute is answered privately, so the group is not flooded.
    expect(sends.filter((s) => s.chat === person(2)).map((s) => s.text)).toEqual([askAnswerText(['G3'])]);
    // A question in a private chat is answered there, quoting it; a private thank-you is not a question.
    const privately = sends.filter((s) => s.chat === person(4));
    expect(privately.map((s) => [s.quotedId, s.text])).toEqual([['a6', askAnswerText(['E2', 'G6'])]]);
    // Chatter in the group that merely looks like a question (n1, n2) is not answered.
    expect(sends.some((s) => s.quotedId === 'n1' || s.quotedId === 'n2' || s.quotedId === 'n3')).toBe(false);
    expect(sends).toHaveLength(7);
    for (const s of sends) expect(s).not.toHaveProperty('mentions');
  },

  'help-privacy.jsonl'(sends) {
    expect(sends).toHaveLength(6);
    const [help, privacy, unknown, privateHelp, privatePrivacy, groupOnly] = sends;
    expect(inGroup(help!)).toBe(true);
    for (const command of ['!rules', '!rules full', '!help', '!privacy']) expect(help!.text).toContain(command);
    expect(help!.text).toContain(SCHOOL_EMAIL);
    expect(inGroup(privacy!)).toBe(true);
    expect(privacy!.text).toMatch(/Privacy/);
    expect(privacy!.text).toMatch(/not the school/);
    expect(privacy!.text).toMatch(/never message text or full phone numbers/);
    // A typo in the group is answered privately, so the group never sees it.
    expect(unknown!.chat).toBe(person(3));
    expect(unknown!.text).toContain('!rulez');
    expect(unknown!.text).toContain('!help');
    expect(privateHelp!.chat).toBe(person(2));
    expect(privateHelp!.text).toBe(help!.text);
    expect(privatePrivacy!.chat).toBe(person(2));
    expect(privatePrivacy!.text).toBe(privacy!.text);
    expect(groupOnly!.chat).toBe(person(2));
    expect(groupOnly!.text).toMatch(/^!pause works inside a group/);
  },

  'flag.jsonl'(sends, run) {
    // Bilal's mum (002) flags Yusuf's dad's (004) message about a teacher at 08:02:10.
    const reporter = person(2);
    const flaggedAt = START_MS + (40 + 90) * 1000;
    // Nothing in the group: the flag is not reposted or mentioned there.
    expect(sends.filter(inGroup)).toEqual([]);
    // The message's writer is nudged privately about airing a grievance; everything else is the flag's.
    expect(sends.filter(isNudge).map((s) => s.chat)).toEqual([person(4)]);
    expect([...new Set(sends.filter((s) => !isNudge(s)).map((s) => s.chat))].sort()).toEqual([person(1), reporter]);

    const [confirmation, ...more] = to(sends, reporter);
    expect(more).toEqual([]);
    expect(isReportReceived(confirmation!)).toBe(true);
    const reference = referenceIn(confirmation!.text)!;
    // No mail server in a scenario: the volunteer passes it on, and the reporter is told so.
    expect(confirmation!.text).toContain(`will be passed to the school (${SCHOOL_EMAIL}) by the volunteer who runs me`);
    expect(confirmation!.text).not.toMatch(/will be emailed/);
    expect(confirmation!.text).toMatch(/The school will see your name and number/);
    expect(confirmation!.text).toContain(`!share ${reference}`);
    expect(at(confirmation!)).toBeGreaterThanOrEqual(flaggedAt);

    // One email, written to the outbox as an .eml file.
    expect(run.emails).toEqual([expect.objectContaining({ to: [SCHOOL_EMAIL], reportId: reference })]);
    const [email] = run.emails;
    expect(email!.subject).toBe(`Parent WhatsApp group report ${reference}: Year 3 Parents`);
    expect(Date.parse(email!.at)).toBeGreaterThanOrEqual(flaggedAt);
    expect(outbox(run)).toEqual([`${reference}.eml`]);
    const mail = parseMail(readFileSync(path.join(run.storage, 'outbox', `${reference}.eml`), 'utf8'));
    expect(mail.text).toContain("Text, word for word:\n| Honestly Mrs Patel is a useless teacher, no wonder half the class can't read\n");
    expect(mail.text).toMatch(/Author: \+\d+, whose WhatsApp name is:\n\| Yusuf's dad\n/);
    expect(mail.text).toMatch(/Reported by: a member of the group, \+\d+, whose WhatsApp name is:\n\| Bilal's mum\n/);
    expect(mail.text).toMatch(/Reason:\n\| rude about a teacher\n/);
    expect(mail.text).toMatch(/Quote checked: yes/);
    // Only the reported message: not the chatter before and after it.
    expect(mail.text).not.toMatch(/reading book/i);

    // The group's admin hears privately that a report went, without who made it.
    const [notice, ...moreNotices] = to(sends, person(1));
    expect(moreNotices).toEqual([]);
    expect(isAdminNotice(notice!)).toBe(true);
    expect(notice!.text).toContain(reference);
    expect(notice!.text).toContain('was saved for the school');
    expect(notice!.text).toContain('The reporter is not named.');
    expect(notice!.text).toContain('group guideline 1');
    anonymous(notice!, "Bilal's mum", reporter);
  },

  'flag-duplicates.jsonl'(sends, run) {
    // Bilal's mum (002), Amina (003) and Hana (005) flag the same message from Omar (006).
    const [first, second, third] = [person(2), person(3), person(5)];
    expect(sends.filter(inGroup)).toEqual([]);
    // One report, one email, however many flag it.
    expect(run.emails).toHaveLength(1);
    const reference = run.emails[0]!.reportId;
    expect(outbox(run)).toEqual([`${reference}.eml`]);

    expect(to(sends, first)).toHaveLength(1);
    expect(isReportReceived(to(sends, first)[0]!)).toBe(true);
    expect(to(sends, first)[0]!.text).toContain(reference);
    // The email had already been written when the others flagged: their flags are recorded, and
    // they learn nothing of the report (no reference, no count, no "already reported").
    for (const later of [second, third]) {
      const told = to(sends, later);
      expect(told).toHaveLength(1);
      expect(told[0]!.text).toMatch(/^Thank you, your flag is recorded\. If you have more to tell the school, email/);
      expect(told[0]!.text).not.toContain(reference);
      expect(told[0]!.text).not.toMatch(/already|members flagged/);
    }
    expect(at(to(sends, second)[0]!)).toBeGreaterThanOrEqual(START_MS + 65_000);
    expect(at(to(sends, third)[0]!)).toBeGreaterThanOrEqual(START_MS + 95_000);
    // The author hears nothing of the report: only the private nudge their message earned when it
    // was posted, before anyone flagged it, the same whether or not anyone does. The admin gets one
    // notice, naming no one.
    const toAuthor = to(sends, person(6));
    expect(toAuthor).toHaveLength(1);
    expect(toAuthor[0]!.text).toMatch(/^A quiet word, only to you/);
    expect(at(toAuthor[0]!)).toBe(START_MS);
    expect(toAuthor[0]!.text).not.toContain(reference);
    const notices = to(sends, person(1));
    expect(notices).toHaveLength(1);
    expect(notices[0]!.text).toContain(reference);
    for (const [name, id] of [["Bilal's mum", first], ['Amina', second], ['Hana', third]] as const) anonymous(notices[0]!, name, id);
  },

  'forged-report.jsonl'(_sends, run) {
    // A reason and a message written to look like the bot's own lines: in the email they stay
    // quoted, and the bot's facts are the bot's.
    const [eml] = outbox(run);
    const text = parseMail(readFileSync(path.join(run.storage, 'outbox', eml!), 'utf8')).text;
    const lines = text.split('\n');
    expect(lines.filter((l) => l.startsWith('Times flagged:'))).toEqual(['Times flagged: 1']);
    expect(lines).toContain('| Times flagged: 4');
    expect(lines.filter((l) => l.startsWith('Quote checked:'))).toHaveLength(1);
    expect(lines.filter((l) => l === '=== End of what the bot recorded ===')).toHaveLength(1);
    expect(lines).toContain('| === End of what the bot recorded ===');
    // The hidden right-to-left override in the reporter's name is shown, not obeyed.
    expect(text).toContain('Pat[U+202E]Reporter');
  },

  'flag-admin.jsonl'(sends, run) {
    // The bot is a group admin: every !flag is deleted for everyone, the first once its report is saved.
    const deletes = run.lines.filter((l) => l.type === 'delete');
    expect(deletes.map((d) => [d.chat, d.id])).toEqual([[GROUP, 'f1'], [GROUP, 'f2'], [GROUP, 'f3']]);
    expect(run.lines.indexOf(deletes[0]!)).toBeLessThan(run.lines.findIndex((l) => l.type === 'send' && !isNudge(l as SendLine)));
    expect(sends.filter(inGroup)).toEqual([]);
    const [receipt] = to(sends, person(2));
    expect(isReportReceived(receipt!)).toBe(true);
    expect(receipt!.text).toMatch(/I have deleted your !flag message from the group/);
    // The author who flags their own message learns nothing of the report (a private nudge about
    // airing a grievance came when it was posted).
    const [nudge, author] = to(sends, person(3));
    expect(isNudge(nudge!)).toBe(true);
    expect(author!.text).toMatch(/^You can't flag your own message/);
    expect(referenceIn(author!.text)).toBeUndefined();
    // A group admin itself, the bot never sends itself the admins' notice.
    expect(to(sends, BOT)).toEqual([]);
  },

  'approval.jsonl'(sends, run) {
    // Group 2 was added by a stranger (066) after the bot was linked: it waits for the operator (001).
    const strangers = '120363000000000002@g.us';
    const inStrangers = sends.filter((s) => s.chat === strangers);
    expect(inStrangers.map((s) => s.text.split('\n')[0])).toEqual([
      expect.stringMatching(/has not approved this group yet/),
      expect.stringMatching(/^Hello everyone 👋 I'm Parent Group Steward, a helper added by a parent admin/),
      expect.stringMatching(/^📋 Group guidelines/),
    ]);
    // Before approval nothing there was answered, reported, emailed or deleted.
    expect(at(inStrangers[1]!)).toBeGreaterThanOrEqual(START_MS + 60_000);
    expect(run.emails).toEqual([]);
    expect(run.lines.filter((l) => l.type === 'delete')).toEqual([]);
    const operator = to(sends, person(1)).map((s) => s.text);
    expect(operator[0]).toMatch(/^I was added to the group "Year 3 Parents" \(code 82YJ3G\) by \+447700900066/);
    expect(operator.at(-1)).toMatch(/^Approved: "Year 3 Parents" \(82YJ3G\)/);
    // To anyone else !approve is an unknown command: nothing says that operators' commands exist.
    expect(to(sends, person(2)).map((s) => s.text)).toEqual([expect.stringMatching(/^I don't know !approve\. Type !help/)]);
    expect(to(sends, person(67)).map((s) => s.text)).toEqual([expect.stringMatching(/only pass on reports from members of the parent groups/)]);
  },

  'operator.jsonl'(sends) {
    // The volunteer (001, also both groups' admin) checks on the bot, pauses it everywhere, and
    // resumes it; Bilal's mum (002) tries the same commands privately.
    const operator = to(sends, person(1)).map((s) => s.text.split('\n')[0]);
    expect(operator).toEqual([
      '🛠️ Bot status (times are UK time)',
      'There are no reports in storage.',
      expect.stringMatching(/^Send !retry with the report's reference/),
      'There is no report R-260105-ZZZZ in storage. !reports lists the latest.',
      'Paused in 2 group(s), each told so: Year 3 Parents, Year 4 Parents. An admin there, or you with !resume all, turns me back on.',
      'Back on in 2 group(s), each told so: Year 3 Parents, Year 4 Parents.',
    ]);
    // Both groups heard of the pause and the resume as from their admin; !rules was quiet while paused.
    for (const chat of [GROUP, '120363000000000002@g.us']) {
      expect(sends.filter((s) => s.chat === chat && !isRules(s)).map((s) => s.text.split('\n')[0])).toEqual([
        "⏸️ Paused in this group: I'll stay quiet until an admin types !resume.",
        '▶️ Back on in this group.',
      ]);
    }
    expect(sends.filter(isRules).map((s) => s.chat)).toEqual([GROUP]);
    // To her the operator's commands do not exist.
    expect(to(sends, person(2)).map((s) => s.text.split('\n')[0])).toEqual([
      '!status works inside a group, not in a private chat.',
      "I don't know !reports. Type !help to see what I can do.",
      '!resume works inside a group, not in a private chat.',
      "I don't know !approve. Type !help to see what I can do.",
    ]);
  },

  'language-urdu.jsonl'(sends) {
    // The class rep (001, admin) switches the group to Urdu; a newcomer (005) is welcomed, Bilal's
    // mum (002) asks for the rules, Amina (003, not an admin) tries to switch back and asks what
    // there is; Bilal's mum asks for the rules privately.
    const urdu = (key: Parameters<Messages['renderIn']>[1], values?: Record<string, string>) =>
      `${languages.renderIn('ur', key, values)}\n\n${languages.footerIn('ur')}`;
    const [set, welcome, rules, refused, listed, privately] = sends;
    expect(sends).toHaveLength(6);
    expect(set).toMatchObject({ chat: GROUP, text: urdu('languageSet', { languages: 'اردو' }) });
    expect(welcome!.chat).toBe(GROUP);
    expect(welcome!.mentions).toEqual([person(5)]);
    expect(welcome!.text).toMatch(/^\u2066@447700900005\u2069، خوش آمدید 👋/);
    // The school's address sits in directional isolates, and is exact once they are taken out.
    expect(welcome!.text).toContain(`${LRI}${SCHOOL_EMAIL}${PDI}`);
    expect(withoutIsolates(welcome!.text)).toContain(` ${SCHOOL_EMAIL} `);
    expect(welcome!.text).toContain(languages.courtesyNote('ur'));
    expect(rules).toMatchObject({ chat: GROUP, text: urdu('rules') });
    expect(rules!.text).toContain(`_${languages.courtesyNote('ur')}_`);
    // Not an admin: told privately, in the group's language; the group hears nothing of it.
    expect(refused).toMatchObject({ chat: person(3), text: urdu('adminOnly', { command: 'language', groupName: 'Year 3 Parents' }) });
    expect(listed!.chat).toBe(GROUP);
    expect(listed!.text).toContain('اس گروپ میں: اردو۔');
    expect(privately).toMatchObject({ chat: person(2), text: urdu('rules') });
  },

  'language-arabic.jsonl'(sends) {
    // The class rep (001, admin) switches the group to Arabic; a newcomer (006) is welcomed in it.
    const [set, welcome] = sends;
    expect(sends).toHaveLength(2);
    expect(set!.chat).toBe(GROUP);
    expect(welcome!.chat).toBe(GROUP);
    expect(welcome!.mentions).toEqual([person(6)]);
    // Right to left: the mention, the school's address and the footer's identity read correctly.
    expect(welcome!.text).toMatch(/^مرحبًا \u2066@447700900006\u2069 👋/);
    expect(welcome!.text).toContain(`${LRI}${SCHOOL_EMAIL}${PDI}`);
    expect(withoutIsolates(welcome!.text)).toContain(SCHOOL_EMAIL);
    expect(welcome!.text).toContain(languages.courtesyNote('ar'));
    expect(welcome!.text.endsWith(languages.footerIn('ar'))).toBe(true);
  },

  'language-two.jsonl'(sends) {
    // The class rep chooses English and Urdu; each message then carries both, English first.
    expect(sends).toHaveLength(2);
    const both = (key: Parameters<Messages['renderIn']>[1], values?: Record<string, string>) =>
      ['en', 'ur'].map((code) => `${languages.renderIn(code, key, values)}\n\n${languages.footerIn(code)}`).join(`\n\n${LANGUAGE_SEPARATOR}\n\n`);
    expect(sends[0]).toMatchObject({ chat: GROUP, text: both('languageSet', { languages: 'English + اردو' }) });
    expect(sends[1]).toMatchObject({ chat: GROUP, text: both('rules') });
    const [english, urdu] = sends[1]!.text.split(LANGUAGE_SEPARATOR);
    expect(english).toMatch(/^📋 Group guidelines/);
    expect(english).not.toContain(languages.courtesyNote('ur'));
    expect(urdu).toContain(languages.courtesyNote('ur'));
    expect(urdu).toContain(`${LRI}${SCHOOL_EMAIL}${PDI}`);
  },

  'flag-limit.jsonl'(sends, run) {
    // Bilal's mum (002) flags m1..m6 five minutes apart from 08:02; the 6th, at 08:27, is one too many.
    // At 09:32, an hour after the wait, she flags m6 again and it is taken.
    const reporter = person(2);
    expect(sends.filter(inGroup)).toEqual([]);
    const told = to(sends, reporter);
    expect(told).toHaveLength(7);
    const accepted = [...told.slice(0, 5), told[6]!];
    for (const s of accepted) expect(isReportReceived(s)).toBe(true);
    const references = accepted.map((s) => referenceIn(s.text)!);
    expect(new Set(references).size).toBe(6);

    const refused = told[5]!;
    expect(refused.text).toMatch(/^Sorry, you have sent 5 reports in the last hour, the most I can send for one person\./);
    expect(refused.text).toContain(SCHOOL_EMAIL);
    expect(refused.text).not.toMatch(REFERENCE);
    expect(at(refused)).toBeGreaterThanOrEqual(START_MS + (2 * 60 + 25 * 60) * 1000);
    // Ordinary reasons: no safeguarding advice with the refusal.
    expect(told.some(isUrgentAdvice)).toBe(false);
    expect(at(told[6]!) - at(refused)).toBeGreaterThanOrEqual(3_600_000);

    // Six emails in all: five in the first hour, the sixth only after the wait.
    expect(run.emails.map((e) => e.reportId)).toEqual(references);
    expect(Date.parse(run.emails[5]!.at)).toBeGreaterThanOrEqual(at(refused) + 3_600_000);
    expect(outbox(run)).toEqual(references.map((r) => `${r}.eml`).sort());
    // The admin hears of each report that went, and of nothing else.
    const notices = to(sends, person(1));
    expect(notices.map((s) => referenceIn(s.text))).toEqual(references);
    for (const s of notices) anonymous(s, "Bilal's mum", reporter);
  },

  'forward.jsonl'(sends, run) {
    // Amina (003) forwards a message privately at 08:00:00 and adds a note at 08:00:45.
    const reporter = person(3);
    const stranger = person(50);
    const [received, noteAdded, ...more] = to(sends, reporter);
    expect(more).toEqual([]);
    expect(received!.text).toMatch(/^Got it\. Anything you write to me in the next 2 minutes is added as your note/);
    expect(received!.text).toContain('by the volunteer who runs me');
    expect(received!.text).toMatch(/The school will see your name and number/);
    const reference = referenceIn(received!.text)!;
    expect(noteAdded!.text).toMatch(new RegExp(`^Note added to report ${reference}\\.`));

    // One email, once the 2-minute window for notes has closed: not before.
    expect(run.emails).toEqual([expect.objectContaining({ to: [SCHOOL_EMAIL], reportId: reference })]);
    expect(Date.parse(run.emails[0]!.at)).toBeGreaterThanOrEqual(START_MS + 120_000);
    expect(run.emails[0]!.subject).toContain(reference);
    expect(run.emails[0]!.subject).not.toMatch(/URGENT/);
    expect(outbox(run)).toEqual([`${reference}.eml`]);
    const mail = parseMail(readFileSync(path.join(run.storage, 'outbox', `${reference}.eml`), 'utf8'));
    expect(mail.text).toContain("Don't bother complaining to the school, the head teacher is a liar and covers for her staff");
    expect(mail.text).toMatch(/Notes:\n\| This was posted in Year 3 Parents last night/);
    expect(mail.text).toMatch(/Author: unknown: WhatsApp does not pass on who wrote a forwarded message/);

    // Someone in none of the groups is refused, politely, and no report is made for them.
    const refusal = to(sends, stranger);
    expect(refusal).toHaveLength(1);
    expect(refusal[0]!.text).toMatch(/^Sorry, I can only pass on reports from members of the parent groups I help in/);
    expect(refusal[0]!.text).toContain(SCHOOL_EMAIL);
    expect(refusal[0]!.text).not.toMatch(REFERENCE);
    // A forward has no group: no admin is told, nothing is posted anywhere else.
    expect([...new Set(sends.map((s) => s.chat))].sort()).toEqual([reporter, stranger]);
  },

  'urgent.jsonl'(sends, run) {
    // Amina (003) flags a message saying a boy was hit by his dad and is scared to go home.
    const reporter = person(3);
    expect(run.emails).toHaveLength(1);
    const [email] = run.emails;
    expect(email!.subject).toMatch(/^URGENT/);
    expect(email!.subject).toContain(email!.reportId);
    expect(outbox(run)).toEqual([`${email!.reportId}.eml`]);
    const mail = parseMail(readFileSync(path.join(run.storage, 'outbox', `${email!.reportId}.eml`), 'utf8'));
    expect(mail.headers.importance).toBe('high');
    expect(mail.text).toMatch(/Designated Safeguarding Lead/);

    const [confirmation, advice, ...more] = to(sends, reporter);
    expect(more).toEqual([]);
    expect(isReportReceived(confirmation!)).toBe(true);
    expect(confirmation!.text).toContain(email!.reportId);
    expect(isUrgentAdvice(advice!)).toBe(true);
    expect(advice!.text).toMatch(/^If anyone is in immediate danger, call 999 now/);
    expect(advice!.text).toContain(SCHOOL_EMAIL);
    expect(sends.filter(inGroup)).toEqual([]);
    const notices = to(sends, person(1));
    expect(notices).toHaveLength(1);
    anonymous(notices[0]!, 'Amina', reporter);
  },

  'share.jsonl'(sends, run) {
    // Bilal's mum (002) flags a message; the group has two admins (001, 008). See SHARED_REFERENCE.
    const reporter = person(2);
    expect(run.emails).toEqual([expect.objectContaining({ reportId: SHARED_REFERENCE })]);
    expect(sends.filter(inGroup)).toEqual([]);

    const [confirmation, unknown, shared, ...more] = to(sends, reporter);
    expect(more).toEqual([]);
    expect(isReportReceived(confirmation!)).toBe(true);
    expect(confirmation!.text).toContain(`!share ${SHARED_REFERENCE}`);
    // A mistyped reference is not someone else's report.
    expect(unknown!.text).toMatch(/^I couldn't find a report R-260105-AS97 made by you/);
    expect(shared!.text).toMatch(new RegExp(`^Thank you\\. The admins of Year 3 Parents will be told that you made report ${SHARED_REFERENCE}\\.`));

    // Another member cannot name herself (or anyone) as the reporter.
    const other = to(sends, person(3));
    expect(other).toHaveLength(1);
    expect(other[0]!.text).toMatch(new RegExp(`^I couldn't find a report ${SHARED_REFERENCE} made by you`));

    // Each admin: first the anonymous notice, then, only after !share, the reporter's name.
    for (const admin of [person(1), person(8)]) {
      const [notice, named, ...rest] = to(sends, admin);
      expect(rest).toEqual([]);
      expect(isAdminNotice(notice!)).toBe(true);
      expect(notice!.text).toContain(SHARED_REFERENCE);
      expect(notice!.text).toContain('The reporter is not named.');
      anonymous(notice!, "Bilal's mum", reporter);
      expect(named!.text).toMatch(new RegExp(`^About report ${SHARED_REFERENCE}: Reported by Bilal's mum, who agreed to be named\\.`));
      expect(at(named!)).toBeGreaterThanOrEqual(at(shared!));
    }
    // The author of the flagged message hears nothing of it (only, when it was posted, a private nudge about airing a grievance).
    expect(to(sends, person(4)).filter((s) => !isNudge(s))).toEqual([]);
  },

  'late.jsonl'(sends, run) {
    // The bot comes back at 08:00 to messages sent while it was offline. In the group it answers
    // only the concern question asked after it was back (c2), and a !rules sent then (r2): no
    // answer there to the late question (c1) or the late !rules (r1).
    expect(sends.filter(inGroup).map((s) => [s.quotedId, isRules(s)])).toEqual([
      ['c2', false],
      [undefined, true],
    ]);
    // Who asked the late question is answered privately, once; the replayed c1 and c2 get nothing.
    expect(to(sends, person(2)).map((s) => s.text)).toEqual([
      expect.stringMatching(/^You asked in Year 3 Parents how to raise a concern\./),
    ]);
    // The late !flag is a report, told once to the reporter (the replayed f1 is not a second one).
    const reference = referenceIn(to(sends, person(5))[0]!.text);
    expect(to(sends, person(5))).toHaveLength(1);
    expect(isReportReceived(to(sends, person(5))[0]!)).toBe(true);
    expect(run.emails.map((e) => e.reportId)).toEqual([reference]);
    // It says when the message and the flag were sent, not when the bot heard of them.
    const mail = parseMail(readFileSync(path.join(run.storage, 'outbox', `${reference}.eml`), 'utf8')).text;
    expect(mail).toMatch(/Reported: 5 Jan 2026, 07:25/);
    expect(mail).toMatch(/Sent: 5 Jan 2026, 07:20/);
  },

  'private-flood.jsonl'(sends, run) {
    // Two strangers (061, 062) and Bilal's mum (002) write privately 8, 8 and 7 times in the first
    // 8 seconds; at 08:00:13 Amina (003) asks in the group how to raise a concern.
    const isSlowDown = (s: SendLine) => s.text.startsWith('You have sent me a lot of messages in a short time');
    for (const stranger of [person(61), person(62)]) {
      // Five answers, one note, then nothing: not even to s1-9, a minute later.
      const told = to(sends, stranger);
      expect(told.map(isSlowDown)).toEqual([false, false, false, false, false, true]);
    }
    // The group's answer jumps the private replies still waiting: it goes within the global gap.
    const [answer, ...more] = sends.filter(inGroup);
    expect(more).toEqual([]);
    expect(answer!.quotedId).toBe('c1');
    expect(at(answer!) - (START_MS + 13_000)).toBeLessThanOrEqual(1000);
    // Over her limit, Bilal's mum still gets her report's receipt, the safeguarding advice and her
    // note's receipt; b8 is not answered, b9, an hour later, is.
    const told = to(sends, person(2));
    expect(told.slice(0, 6).map(isSlowDown)).toEqual([false, false, false, false, false, true]);
    const reference = referenceIn(told[6]!.text)!;
    expect(told.slice(6).map((s) => s.text.split(/[.,]/)[0])).toEqual([
      'Got it',
      'If anyone is in immediate danger',
      `Note added to report ${reference}`,
      "I couldn't find anything in the school's code of conduct about that",
    ]);
    expect(told.at(-1)!.quotedId).toBe('b9');
    expect(run.emails).toEqual([expect.objectContaining({ reportId: reference, subject: expect.stringMatching(/^URGENT/) })]);
  },

  'attachments.jsonl'(sends, run) {
    // Three flags (002: a picture, 004: an EXE called invoice.pdf, 005: a video announced as 14 MB),
    // then 004 forwards 21 messages (a PDF named invoice.pdf.exe, five pictures, plain text) and 21 notes.
    const mailOf = (reference: string) => parseMail(readFileSync(path.join(run.storage, 'outbox', `${reference}.eml`), 'utf8'));
    const told = (who: string) => to(sends, who).map((s) => s.text);
    expect(sends.filter(inGroup)).toEqual([]);
    expect(run.emails).toHaveLength(4);

    const [picture] = told(person(2));
    expect(picture).toContain('Attached for the school: "attachment-1.jpg" (1 KB).');
    const pictureMail = mailOf(referenceIn(picture!)!);
    expect(pictureMail.attachments.map((a) => [a.filename, a.contentType])).toEqual([['attachment-1.jpg', 'image/jpeg']]);

    const [exe, ...forwarded] = told(person(4));
    expect(exe).toContain('Not attached: "invoice.pdf" (application/pdf, 1 KB), because it is not a picture, PDF document, audio or video');
    const exeMail = mailOf(referenceIn(exe!)!);
    expect(exeMail.attachments).toEqual([]);
    expect(exeMail.text).toContain('Attachment: not attached, because it is not a picture, PDF document, audio or video');

    const [video] = told(person(5));
    expect(video).toContain('Not attached: "clip.mp4" (video/mp4, 14.0 MB), because with it the report\'s files would come to more than 10 MB');
    expect(mailOf(referenceIn(video!)!).attachments).toEqual([]);

    // The forwards: one report, five files, the sixth one too many, the 21st message and 21st note refused out loud.
    const reference = referenceIn(forwarded[0]!)!;
    expect(forwarded[0]).toContain('Attached for the school: "invoice.pdf" (1 KB).');
    expect(forwarded[5]).toContain('Not attached: "attachment-6" (image/jpeg, 1 KB), because the report already has 5 files');
    expect(forwarded[20]).toMatch(new RegExp(`^Not added: report ${reference} already has 20 messages`));
    expect(forwarded.filter((t) => t.startsWith('Note added'))).toHaveLength(20);
    expect(forwarded[41]).toMatch(new RegExp(`^Not added: report ${reference} already has 20 notes`));
    const mail = mailOf(reference);
    expect(mail.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      ['invoice.pdf', 'application/pdf'],
      ...[2, 3, 4, 5].map((n) => [`attachment-${n}.jpg`, 'image/jpeg']),
    ]);
    expect(mail.text).toMatch(/Message 6, verbatim[^]*Attachment: not attached, because the report already has 5 files/);
    expect(mail.text).toContain('Message 20, verbatim');
    expect(mail.text).not.toContain('Message 21, verbatim');
    expect(mail.text).toContain('| note 20');
    expect(mail.text).not.toContain('note 21');
  },
};

/** Each scenario runs once; its tests share the run (and its storage folder, removed at the end). */
const runs = new Map<string, Promise<Run & { error?: string; stdout: string; logged: string[] }>>();
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});
function runOf(file: string) {
  let run = runs.get(file);
  if (!run) {
    run = (async () => {
      const temp = await tempDir('steward-scenario-');
      cleanups.push(temp.cleanup);
      const storage = path.join(temp.dir, 'storage');
      const env = { ...scenarioEnv(file), BOT_STORAGE_DIR: storage };
      const result = await simulateInProcess(readFileSync(path.join(SCENARIOS, file), 'utf8'), env, { start: START, seed: SEED });
      return { lines: result.lines, emails: emailsOf(result.lines), storage, error: result.error, stdout: result.stdout, logged: result.logged };
    })();
    runs.set(file, run);
  }
  return run;
}

/**
 * Where the output parts from the expected file: the first differing line of each, the words
 * around the first character that differs, and which other lines differ. Enough to see what the
 * bot now says differently without a wall of JSON.
 */
function difference(expectedText: string, actualText: string): string {
  const linesOf = (text: string) => text.split('\n').slice(0, text.endsWith('\n') ? -1 : undefined);
  const [expected, actual] = [linesOf(expectedText), linesOf(actualText)];
  const differing: number[] = [];
  for (let i = 0; i < Math.max(expected.length, actual.length); i++) if (expected[i] !== actual[i]) differing.push(i);
  const first = differing[0];
  if (first === undefined) return 'the same lines; only the newline at the end of the file differs';
  const [want = '(no such line)', got = '(no such line)'] = [expected[first], actual[first]];
  let c = 0;
  while (c < want.length && c < got.length && want[c] === got[c]) c++;
  const around = (line: string) => `«${c > 40 ? '…' : ''}${line.slice(Math.max(0, c - 40), c + 60)}…»`;
  return [
    `line ${first + 1}:`,
    `  expected: ${want}`,
    `  printed:  ${got}`,
    `  from character ${c + 1}: expected ${around(want)}, printed ${around(got)}`,
    `lines that differ: ${differing.map((i) => i + 1).join(', ')} (${expected.length} lines expected, ${actual.length} printed)`,
  ].join('\n');
}

describe('scenario files', () => {
  it('include one for every feature named in the contract', () => {
    expect(files).toEqual(expect.arrayContaining(Object.keys(expectations)));
  });

  it(`have no ${EXPECTED_SUFFIX} file left from a scenario that is gone`, () => {
    const orphans = readdirSync(SCENARIOS).filter((f) => f.endsWith(EXPECTED_SUFFIX) && !files.includes(f.replace(EXPECTED_SUFFIX, '.jsonl')));
    expect(orphans).toEqual([]);
  });

  it.each(files)('%s is a readable scenario: one JSON event per line', (file) => {
    const lines = readFileSync(path.join(SCENARIOS, file), 'utf8').split('\n').filter((l) => l.trim());
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(typeof (JSON.parse(line) as { type?: unknown }).type).toBe('string');
  });

  it.each(files)('%s runs to its end, every message with the parent-run footer', async (file) => {
    const run = await runOf(file);
    expect(run.error).toBeUndefined();
    // A failure the bot only logs (a timer or a listener that threw) would not change the exit code.
    expect(run.logged.filter((entry) => entry.startsWith('error:'))).toEqual([]);
    for (const line of run.lines) expect(typeof line.type).toBe('string');
    const sends = sendsOf(run.lines);
    let previous = START_MS;
    for (const s of sends) {
      expect(typeof s.chat).toBe('string');
      expect(new Date(s.at).toISOString()).toBe(s.at);
      // Output comes in the order it was sent, on a clock that only moves forward.
      expect(at(s)).toBeGreaterThanOrEqual(previous);
      previous = at(s);
      expect(FOOTERS.some((footer) => s.text.trimEnd().endsWith(footer))).toBe(true);
      if ('mentions' in s) expect(s.mentions!.length).toBeGreaterThan(0);
    }
  });

  it.each(files)(`%s prints exactly its ${EXPECTED_SUFFIX} file`, async (file) => {
    const run = await runOf(file);
    const target = expectedFile(file);
    if (UPDATE) {
      writeFileSync(target, run.stdout);
      return;
    }
    const regenerate = 'if the change is intended: UPDATE_EXPECTED=1 NODE_OPTIONS=--experimental-vm-modules npx jest test/cli/scenarios.test.ts';
    if (!existsSync(target)) throw new Error(`${path.relative(ROOT, target)} does not exist; ${regenerate}`);
    const expected = readFileSync(target, 'utf8');
    if (run.stdout !== expected) {
      throw new Error(
        `${file} printed something other than ${path.relative(ROOT, target)}\n` +
          `${difference(expected, run.stdout)}\n${regenerate}`,
      );
    }
  });

  it.each(Object.keys(expectations).filter((file) => files.includes(file)))('%s: what matters in it', async (file) => {
    const run = await runOf(file);
    expectations[file]!(sendsOf(run.lines), run);
  });
});
