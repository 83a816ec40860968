import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { loadConfig, projectRoot } from '../../src/config/load.js';
import { loadTemplates } from '../../src/config/templates.js';
import { groupCode } from '../../src/core/ids.js';
import { Messages } from '../../src/core/messages.js';
import type { LanguageModel } from '../../src/core/model.js';
import { Notifier } from '../../src/core/notifier.js';
import type { Report, ReportedMessage } from '../../src/core/report.js';
import { renderReportEmail, safeFilename } from '../../src/services/report-email.js';
import { modelTriage } from '../../src/services/report-triage.js';

/**
 * The email to the school, as an attacker in the group would try to bend it: every word a parent
 * controls (reason, notes, the message, display names, group names, file names) is tried as a
 * way to print lines that look like the bot's own. The bot's lines must come out the same
 * whatever parents wrote, and what they wrote must still be there, visibly quoted.
 */

const { config } = loadConfig({});
const messages = new Messages(loadTemplates(projectRoot, 'en'), config.school, config.bot.name);

const GROUP_ID = '120363000000000001@g.us';
const FLAGGED = 'You’re all liars 🙄 and Mr Khan the teacher is useless.\nSomeone should sort him out…  (twice!)';
const G1 = `group guideline 1: "${config.school.policy.guidelines[0]!.text}"`;

function flagReport(change: Partial<Report> = {}, message: Partial<ReportedMessage> = {}): Report {
  return {
    id: 'R-260105-AB12',
    messageId: '<R-260105-AB12@steward>',
    kind: 'flag',
    createdAt: '2026-01-05T08:02:00.000Z',
    group: { id: GROUP_ID, name: 'Year 3 Parents' },
    messages: [
      {
        id: 'm1',
        authorId: '447700900003@c.us',
        authorName: 'Sam Author',
        text: FLAGGED,
        sentAt: '2026-01-05T08:00:00.000Z',
        media: { mimetype: 'image/jpeg', filename: 'x.jpg', file: '/storage/media/R-260105-AB12-1.jpg', bytes: 13 },
        ...message,
      },
    ],
    verified: false,
    reporter: { id: '447700900002@c.us', name: 'Pat Reporter', role: 'member' },
    reporterShared: false,
    reason: 'rude about a teacher',
    notes: ['It was posted at 8am'],
    flaggedBy: ['447700900002@c.us'],
    category: G1,
    urgent: false,
    delivery: { state: 'queued', attempts: 0, nextAttemptAt: '2026-01-05T08:02:00.000Z' },
    ...change,
  };
}

function forwardReport(change: Partial<Report> = {}): Report {
  const base = flagReport({ kind: 'forward', reason: undefined, verified: undefined });
  base.reporterGroups = ['Year 3 Parents', 'Year 4 Parents'];
  delete base.group;
  base.messages = [{ text: FLAGGED }];
  return { ...base, ...change };
}

const render = (report: Report) => renderReportEmail(report, messages, config);

// A quoted line: the mark, after the left-to-right mark the bot puts first where text could turn the line around.
const QUOTED = /^\u200E?\| /;
/** The lines as some viewer may break them: at any of the characters that can end a line. */
const viewedLines = (text: string) => text.split(/\r\n|[\n\r\v\f\u0085\u2028\u2029]/);
const botLines = (text: string) => viewedLines(text).filter((line) => !QUOTED.test(line));
const quoted = (text: string) => text.split('\n').map((line) => `| ${line}`).join('\n');

/** The lines of the email that follow `label`, up to the next line of the bot's. */
function quotedAfter(text: string, label: string): string[] {
  const lines = text.split('\n');
  const start = lines.indexOf(label);
  expect(start).toBeGreaterThanOrEqual(0);
  const after = lines.slice(start + 1);
  const end = after.findIndex((line) => !QUOTED.test(line));
  return after.slice(0, end === -1 ? undefined : end);
}

describe('the layout', () => {
  it("opens with the bot's facts, the group's code beside its name, then the parents' words, then the message verbatim", () => {
    const { subject, text, attachments } = render(flagReport({ flaggedBy: ['a', 'b'] }));
    const code = groupCode(GROUP_ID);
    expect(code).toMatch(/^[A-Z2-9]{6}$/);
    expect(subject).toBe('Parent WhatsApp group report R-260105-AB12: Year 3 Parents');
    const facts = [
      '=== Recorded by the bot ===',
      'Reference: R-260105-AB12',
      `Group: code ${code}, named in WhatsApp:`,
      '| Year 3 Parents',
      'Reported: 5 Jan 2026, 08:02 UK time',
      'Times flagged: 2',
      `Quote checked: ${messages.render('emailVerifiedNo', { hours: config.reports.seenCacheHours })}`,
      `Code of conduct: ${G1}`,
      '=== End of what the bot recorded ===',
      '',
      'Reported by: a member of the group, +447700900002, whose WhatsApp name is:',
      '| Pat Reporter',
      'Reason:',
      '| rude about a teacher',
      'Notes:',
      '| It was posted at 8am',
      '',
      'Message 1, verbatim',
      'Sent: 5 Jan 2026, 08:00 UK time',
      'Author: +447700900003, whose WhatsApp name is:',
      '| Sam Author',
      'Attachment: image/jpeg, attached to this email under the file name:',
      '| x.jpg',
      'Text, word for word:',
      quoted(FLAGGED),
    ].join('\n');
    expect(text).toContain(facts);
    // Nothing a parent wrote comes before the facts but the group's name, quoted inside them.
    const firstQuoted = text.split('\n').findIndex((line) => QUOTED.test(line));
    expect(text.split('\n')[firstQuoted]).toBe('| Year 3 Parents');
    expect(text.indexOf('\n| Year 3 Parents')).toBeGreaterThan(text.indexOf('=== Recorded by the bot ==='));
    expect(attachments).toEqual([{ filename: 'x.jpg', path: '/storage/media/R-260105-AB12-1.jpg', contentType: 'image/jpeg' }]);
  });

  it('the same group always has the same code, and two groups with one name have two', () => {
    const other = '120363000000000002@g.us';
    const first = render(flagReport()).text;
    expect(render(flagReport()).text).toBe(first);
    const twin = render(flagReport({ group: { id: other, name: 'Year 3 Parents' } })).text;
    expect(twin).toContain(`Group: code ${groupCode(other)}, named in WhatsApp:\n| Year 3 Parents`);
    expect(groupCode(other)).not.toBe(groupCode(GROUP_ID));
  });

  it("a forward: the reporter's groups and notes quoted, no reason, count or quote check", () => {
    const { subject, text } = render(forwardReport({ notes: [] }));
    expect(subject).toBe('Parent WhatsApp group report R-260105-AB12: forwarded message');
    expect(text).toContain(
      [
        '=== Recorded by the bot ===',
        'Reference: R-260105-AB12',
        'Group: not known: the message was forwarded privately to the bot, and WhatsApp does not say where it came from',
        'Reported: 5 Jan 2026, 08:02 UK time',
        `Code of conduct: ${G1}`,
        '=== End of what the bot recorded ===',
        '',
        'Reported by: +447700900002, whose WhatsApp name is:',
        '| Pat Reporter',
        'The reporter is in these parent groups:',
        '| Year 3 Parents',
        '| Year 4 Parents',
        'Notes: none given',
        '',
        'Message 1, verbatim',
        `Sent: unknown: forwarded privately to the bot on 5 Jan 2026, 08:02 UK time`,
        `Author: ${messages.render('emailForwardAuthor')}`,
        'Text, word for word:',
        quoted(FLAGGED),
      ].join('\n'),
    );
    expect(text).not.toMatch(/Times flagged|Quote checked|Reason:/);
  });
});

// ---------------------------------------------------------------------------------------------
// Forging the bot's lines.

/** Lines copied from a real email, with the facts changed, after every kind of line break a viewer knows. */
const BREAKS: Array<[string, string]> = [
  ['LF', '\n'], ['CRLF', '\r\n'], ['CR', '\r'], ['U+2028', '\u2028'], ['U+2029', '\u2029'], ['NEL', '\u0085'], ['VT', '\v'], ['FF', '\f'],
];
const forgery = (lineBreak: string) =>
  [
    'nothing',
    '=== End of what the bot recorded ===',
    'Reference: R-260101-FAKE',
    'Times flagged: 4',
    'Quote checked: yes: the bot saw this exact message posted in the group',
    'Code of conduct: not judged by the bot; the school decides',
    '',
    'Message 2, verbatim',
    'Author: Head Teacher, +447700900777',
  ].join(lineBreak);

/** Each field a parent controls, and the report with `value` put in it. */
const FIELDS: Array<[string, (value: string) => Report]> = [
  ['reason', (value) => flagReport({ reason: value })],
  ['note', (value) => flagReport({ notes: ['first note', value] })],
  ['forward note', (value) => forwardReport({ notes: [value] })],
  ['message text', (value) => flagReport({}, { text: value })],
  ['forwarded text', (value) => forwardReport({ messages: [{ text: value }] })],
  ["reporter's display name", (value) => flagReport({ reporter: { id: '447700900002@c.us', name: value, role: 'member' } })],
  ["author's display name", (value) => flagReport({}, { authorName: value })],
  ['group name', (value) => flagReport({ group: { id: GROUP_ID, name: value } })],
  ["forwarding member's group name", (value) => forwardReport({ reporterGroups: ['Year 3 Parents', value] })],
  ['file name', (value) => flagReport({}, { media: { mimetype: 'image/jpeg', filename: value, file: '/storage/media/x.jpg' } })],
];

describe('no parent can write a line that passes for the bot’s', () => {
  const cases = FIELDS.flatMap(([field, build]) => BREAKS.map(([name, lineBreak]) => [field, name, build, lineBreak] as const));
  it.each(cases)('through the %s, with %s line breaks', (_field, _shown, build, lineBreak) => {
    const honest = render(build('nothing'));
    const forged = render(build(forgery(lineBreak)));
    // The bot's lines are exactly what they are with an honest value...
    expect(botLines(forged.text)).toEqual(botLines(honest.text));
    // ...and the attempt is still there for the school to see, every line of it quoted.
    const shown = viewedLines(forged.text).filter((line) => line.includes('Times flagged: 4') || line.includes('R-260101-FAKE'));
    expect(shown.length).toBeGreaterThan(0);
    for (const line of shown) expect(line).toMatch(QUOTED);
    expect(forged.subject).not.toMatch(/[\r\n\u0085\u2028\u2029\v\f]/);
  });

  it('the first line of a reason cannot sit on a bot line either', () => {
    const { text } = render(flagReport({ reason: 'Times flagged: 4' }));
    expect(text).toContain('Reason:\n| Times flagged: 4\n');
    expect(text.match(/^Times flagged: .*$/gm)).toEqual(['Times flagged: 1']);
  });

  it("a line of the message that starts with the quote mark is still quoted: it shows the bot's mark before its own", () => {
    const { text } = render(flagReport({}, { text: '| Sam Author\nText, word for word:' }));
    expect(quotedAfter(text, 'Text, word for word:')).toEqual(['| | Sam Author', '| Text, word for word:']);
  });
});

// ---------------------------------------------------------------------------------------------
// Hidden characters.

const HIDDEN = '\u202E\u2066\u200B\u00AD\u0007\u001B\u009B\uDB40\u{E0041}';
const SHOWN = '[U+202E][U+2066][U+200B][U+00AD][U+0007][U+001B][U+009B][U+DB40][U+E0041]';
// Outside the verbatim message nothing may stay hidden but the bot's own mark at the start of a line.
const stillHidden = (text: string) => text.replace(/^\u200E/gm, '').match(/(?![\n\t])[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu) ?? [];

describe('hidden characters', () => {
  const outsideTheMessage = FIELDS.filter(([field]) => !/text|file name/.test(field));
  it.each(outsideTheMessage)('in the %s are shown as [U+…], the words around them kept', (_field, build) => {
    const { text, subject } = render(build(`Mr ${HIDDEN}Khan`));
    expect(stillHidden(text)).toEqual([]);
    expect(text).toContain(`Mr ${SHOWN}Khan`);
    expect(stillHidden(subject)).toEqual([]);
  });

  it('in a one-line name, a line break is shown too, in the email and in the subject', () => {
    const { text, subject } = render(flagReport({ group: { id: GROUP_ID, name: 'Year 3\r\nBcc: all@school.example\u202E' } }));
    expect(subject).toBe('Parent WhatsApp group report R-260105-AB12: Year 3[U+000D][U+000A]Bcc: all@school.example[U+202E]');
    expect(text).toContain('\n| Year 3[U+000D][U+000A]Bcc: all@school.example[U+202E]\n');
  });

  it('emoji made of joined pictographs and the flags of England, Scotland and Wales stay as they are', () => {
    const name = 'Year 3 👩‍🏫 👨‍👩‍👧 🏴󠁧󠁢󠁥󠁮󠁧󠁿 🏴󠁧󠁢󠁳󠁣󠁴󠁿 Parents';
    const { text, subject } = render(flagReport({ group: { id: GROUP_ID, name } }));
    expect(subject).toContain(name);
    expect(text).toContain(`\n| ${name}\n`);
    // A joiner between letters hides nothing less.
    expect(render(flagReport({ reason: 'Kh\u200Dan' })).text).toContain('| Kh[U+200D]an');
  });

  it('the verbatim message keeps them, as posted, and the bot says which are there', () => {
    const text = 'Times flagged: 4\u200B\nsee \u2067this\u2069 and \u202Ethat\u202C';
    const email = render(flagReport({}, { text })).text;
    const lines = quotedAfter(email, 'Text, word for word:');
    expect(lines.map((line) => line.replace(QUOTED, '')).join('\n')).toBe(text);
    expect(email).toContain('Hidden characters in this message, kept as posted, may change how it looks: U+200B, U+2067, U+2069, U+202E, U+202C');
  });

  // A right-to-left mark and an override can turn a line around so that the quote mark ends up at
  // the far end and the rest reads as a bot's line; one left open could turn the next line too.
  it("cannot turn a verbatim line around or reach the next one: a left-to-right mark leads, what is left open is closed", () => {
    const text = '\u200F\u202E4 :deggalf semiT\nReference: R-260101-FAKE\n\u2067open isolate\nplain';
    const lines = quotedAfter(render(flagReport({}, { text })).text, 'Text, word for word:');
    expect(lines).toEqual([
      '\u200E| \u200F\u202E4 :deggalf semiT\u202C',
      '| Reference: R-260101-FAKE',
      '\u200E| \u2067open isolate\u2069',
      '| plain',
    ]);
  });

  it('a line in a right-to-left script keeps its words and its quote mark at the start', () => {
    const { text } = render(flagReport({ reason: 'שלום\nمرحبا' }));
    expect(text).toContain('Reason:\n\u200E| שלום\n\u200E| مرحبا\n');
  });
});

// ---------------------------------------------------------------------------------------------
// Attachments.

describe('attachment file names', () => {
  // The file is a JPEG (its bytes said so when it was stored): its name ends in .jpg, whatever it was.
  it.each([
    ['../../etc/passwd', '_.._etc_passwd.jpg'],
    ['..\\..\\Windows\\win.ini', '_.._Windows_win.jpg'],
    ['.htaccess', 'htaccess.jpg'],
    ['  ...hidden.jpg', 'hidden.jpg'],
    ['invoice\u202Egpj.exe', 'invoice_gpj.jpg'],
    ['photo\r\nContent-Type: text/html.jpg', 'photo__Content-Type: text_html.jpg'],
    ['👨‍👩‍👧 party.jpg', '👨‍👩‍👧 party.jpg'],
    ['holiday.JPG', 'holiday.jpg'],
    ['\u200B', 'attachment-1.jpg'],
    ['', 'attachment-1.jpg'],
    [undefined, 'attachment-1.jpg'],
  ])('%j is attached as %j, and shown as that, quoted', (filename, expected) => {
    const { text, attachments } = render(flagReport({}, { media: { mimetype: 'image/jpeg', filename, file: '/storage/media/x.jpg' } }));
    expect(attachments.map((a) => a.filename)).toEqual([expected]);
    expect(text).toContain(`under the file name:\n| ${expected}\nText, word for word:`);
  });

  it('a long name is cut, its extension kept', () => {
    const name = safeFilename(`${'a'.repeat(300)}.jpeg`, 'attachment-1');
    expect(name).toHaveLength(100);
    expect(name.endsWith('a.jpeg')).toBe(true);
  });

  it('a type that is not a plain type/subtype is shown as application/octet-stream, and a file of it is not attached', () => {
    const { text, attachments } = render(
      flagReport({}, { media: { mimetype: 'image/jpeg\r\nX-Evil: 1', filename: 'x.jpg', file: '/storage/media/x.jpg' } }),
    );
    expect(attachments).toEqual([]);
    expect(text).toContain('Attachment: not attached, because it is not a picture, PDF document, audio or video');
    expect(text).toContain('gave it as application/octet-stream, under the file name:\n| x.jpg\n');
    expect(text).not.toContain('X-Evil');
    const unread = render(flagReport({}, { media: { mimetype: 'text/plain\nTimes flagged: 4' } })).text;
    expect(unread).toContain('Attachment: application/octet-stream, which the bot could not read');
    expect(unread).not.toContain('Times flagged: 4');
  });
});

describe('what the school is told of each attachment', () => {
  const pdf = { mimetype: 'application/pdf', file: '/storage/media/R-260105-AB12-1.pdf', bytes: 48_213 };

  it('a PDF whose name said .exe goes out as a PDF, named .pdf', () => {
    const { attachments, text } = render(flagReport({}, { media: { ...pdf, filename: 'invoice.pdf.exe' } }));
    expect(attachments).toEqual([{ filename: 'invoice.pdf', path: pdf.file, contentType: 'application/pdf' }]);
    expect(text).toContain('Attachment: application/pdf, attached to this email under the file name:\n| invoice.pdf\n');
  });

  it('a file kept before types were checked, of a type no report may carry, is not attached', () => {
    const exe = { mimetype: 'application/x-msdownload', filename: 'invoice.pdf', file: '/storage/media/R-260105-AB12-1.pdf', bytes: 9_000 };
    const { attachments, text } = render(flagReport({}, { media: exe }));
    expect(attachments).toEqual([]);
    expect(text).toContain('Attachment: not attached, because it is not a picture, PDF document, audio or video');
    expect(text).toContain('gave it as application/x-msdownload, 9 KB, under the file name:\n| invoice.pdf\n');
  });

  it.each([
    ['type', 'it is not a picture, PDF document, audio or video, the only kinds of file sent on to the school'],
    ['too-big', "with it the report's files would come to more than 10 MB, the most one report carries"],
    ['too-many', 'the report already has 5 files, the most one report carries'],
    ['size-unknown', 'WhatsApp did not say how large it is, so it was not downloaded'],
    ['unreadable', 'it could not be downloaded from WhatsApp'],
  ] as const)('left out (%s): says so, and why, in the bot\'s words', (leftOut, why) => {
    const media = { mimetype: 'video/mp4', filename: 'Because the bot says so.mp4', bytes: 14_200_000, leftOut };
    const { attachments, text } = render(flagReport({}, { media }));
    expect(attachments).toEqual([]);
    expect(text).toContain(
      `Attachment: not attached, because ${why}. The sender's phone gave it as video/mp4, 14.2 MB, under the file name:\n| Because the bot says so.mp4\nText, word for word:`,
    );
  });

  it('a forward of several messages says, for each, which file is attached and which was left out', () => {
    const report = forwardReport();
    report.messages = [
      { text: 'one', media: { ...pdf, filename: 'letter.pdf' } },
      { text: 'two', media: { mimetype: 'application/x-msdownload', filename: 'setup.exe', bytes: 120_000, leftOut: 'type' } },
      { text: 'three' },
      { text: 'four', media: { mimetype: 'image/jpeg', filename: 'attachment-4', leftOut: 'size-unknown' } },
    ];
    const { attachments, text } = render(report);
    expect(attachments.map((a) => a.filename)).toEqual(['letter.pdf']);
    const blocks = text.split(/\n(?=Message \d, verbatim)/).slice(1);
    expect(blocks[0]).toMatch(/Attachment: application\/pdf, attached to this email under the file name:\n\| letter\.pdf/);
    expect(blocks[1]).toMatch(/Attachment: not attached, because it is not a picture.*application\/x-msdownload, 120 KB/);
    expect(blocks[2]).not.toContain('Attachment');
    expect(blocks[3]).toMatch(/Attachment: not attached, because WhatsApp did not say how large it is.*image\/jpeg, under/);
  });
});

// ---------------------------------------------------------------------------------------------
// The language model.

describe("the model's words", () => {
  it('a report stored with a summary from before is emailed without it', () => {
    const stored = { ...flagReport(), summary: 'STUB-SUMMARY: no need to involve the DSL' } as Report;
    const { text } = render(stored);
    expect(text).not.toContain('STUB');
    expect(text).not.toContain('DSL');
    expect(text).toBe(render(flagReport()).text);
  });

  /** A model that answers `answer`, judged by the schema the triage asks for, as the real Model judges it. */
  function modelAnswering(answer: unknown): { model: LanguageModel; asked: Array<Record<string, unknown>> } {
    const asked: Array<Record<string, unknown>> = [];
    const model: LanguageModel = {
      host: 'stub',
      events: new Notifier(() => undefined),
      ask: <T>(_task: string, _input: unknown, output: z.ZodType<T>) => {
        asked.push(z.toJSONSchema(output) as Record<string, unknown>);
        const parsed = output.safeParse(answer);
        return Promise.resolve(parsed.success ? parsed.data : undefined);
      },
    };
    return { model, asked };
  }

  it('the model is asked for a clause id from a closed list and nothing else; the label is the bot’s', async () => {
    const { model, asked } = modelAnswering({ clauseId: 'I7' });
    const triage = await modelTriage(model, config.school)(flagReport());
    const threats = config.school.policy.inappropriate.find((c) => c.id === 'I7')!.text;
    expect(triage).toEqual({ category: `inappropriate online activity: "${threats}"` });
    expect(asked[0]).toMatchObject({ required: ['clauseId'], additionalProperties: false });
    expect(Object.keys(asked[0]!.properties as object)).toEqual(['clauseId']);
  });

  it.each([
    ['a summary beside the id', { clauseId: 'I7', summary: 'STUB-SUMMARY: no need to involve the DSL' }],
    ['a sentence for an id', { clauseId: 'no need to involve the DSL' }],
    ['an instruction beside the id', { clauseId: 'G1', note: 'email this to someone@else.example' }],
  ])('an answer with %s is not used at all', async (_what, answer) => {
    const { model } = modelAnswering(answer);
    await expect(modelTriage(model, config.school)(flagReport())).resolves.toBeUndefined();
  });

  it('"none" leaves the category to the bot', async () => {
    const { model } = modelAnswering({ clauseId: 'none' });
    await expect(modelTriage(model, config.school)(flagReport())).resolves.toEqual({});
  });
});
