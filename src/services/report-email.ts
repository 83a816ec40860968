import type { Config } from '../config/schema.js';
import type { TemplateKey } from '../config/templates.js';
import { leftOutWhy, sizeText } from '../core/attachments.js';
import { groupCode, userPart } from '../core/ids.js';
import type { Messages } from '../core/messages.js';
import type { Report, ReportedMessage } from '../core/report.js';
import { formatUkTime } from '../core/uk-time.js';
import { allowedType, type FileType } from './file-types.js';

// Where it always was, for the front ends that format report times as the email does.
export { formatUkTime };

// Everything some mail client or viewer may start a new line at: a parent's text is cut here, so
// that each of its lines carries the quote mark.
const LINE_BREAK = /\r\n|[\n\r\v\f\u0085\u2028\u2029]/;

// Characters that draw nothing yet can reorder, hide or break up text (bidi controls, zero-width
// characters, tags, control codes, lone surrogates, line breaks in a one-line name). Two kinds of
// sequence made of them only draw an emoji, so they stay: pictographs joined into one (a family,
// a teacher) and the flags of England, Scotland and Wales.
const HIDDEN = new RegExp(
  [
    '(\\p{Extended_Pictographic}[\\u{FE0F}\\u{1F3FB}-\\u{1F3FF}]?\\u200D)(?=\\p{Extended_Pictographic})',
    '(\\u{1F3F4}[\\u{E0030}-\\u{E0039}\\u{E0061}-\\u{E007A}]{1,6}\\u{E007F})',
    '(?!\\t)[\\p{Cc}\\p{Cf}\\p{Cs}\\p{Zl}\\p{Zp}]',
  ].join('|'),
  'gu',
);

const codePoint = (char: string) => `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** `text` with each hidden character, outside the emoji that need them, replaced by `by(it)`. */
function replaceHidden(text: string, by: (char: string) => string): string {
  return text.replace(HIDDEN, (char, joined?: string, flag?: string) => joined ?? flag ?? by(char));
}

/** Parent text with every hidden character written out, `[U+202E]`, so the school sees it is there. */
function shown(text: string): string {
  return replaceHidden(text, (char) => `[${codePoint(char)}]`);
}

/** The hidden characters a verbatim message keeps, named, so the school knows it may not look as written. */
function hiddenIn(text: string): string[] {
  const found = new Set<string>();
  replaceHidden(text, (char) => {
    if (!LINE_BREAK.test(char)) found.add(codePoint(char));
    return char;
  });
  return [...found];
}

// Right-to-left letters or direction controls can make a line's paragraph right-to-left, which
// would carry the quote mark to the far end; a left-to-right mark first keeps it at the start.
const TURNS = /[\p{Bidi_Control}\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF\u{10800}-\u{10FFF}\u{1E800}-\u{1EFFF}]/u;
const LRM = '\u200E';
// Not "> ", which some mail clients fold away as an earlier email quoted in a reply.
const MARK = '| ';

function quotedLine(line: string): string {
  return `${TURNS.test(line) ? LRM : ''}${MARK}${line}`;
}

/** Parent text, any length: each of its lines quoted, hidden characters shown. */
function quote(text: string): string {
  return text.split(LINE_BREAK).map((line) => quotedLine(shown(line))).join('\n');
}

/** A one-line piece of parent text (a name): one quoted line whatever it holds. */
function quoteName(text: string): string {
  return quotedLine(shown(text));
}

const PDF = '\u202C';
const PDI = '\u2069';

/**
 * A verbatim line keeps its direction controls, but any it leaves open are closed at its end, so
 * they cannot reorder the next line (and its quote mark) where a viewer does not end them there.
 */
function closeDirections(line: string): string {
  const closers: string[] = [];
  for (const char of line) {
    if ('\u202A\u202B\u202D\u202E'.includes(char)) closers.push(PDF);
    else if ('\u2066\u2067\u2068'.includes(char)) closers.push(PDI);
    else if (char === PDF && closers.at(-1) === PDF) closers.pop();
    else if (char === PDI && closers.includes(PDI)) closers.splice(closers.lastIndexOf(PDI));
  }
  return line + closers.reverse().join('');
}

/** The reported message's words, exactly: quoted line by line, nothing shown or taken out. */
function quoteVerbatim(text: string): string {
  return text.split(LINE_BREAK).map((line) => quotedLine(closeDirections(line))).join('\n');
}

const MAX_FILENAME = 100;

/** A name a mail client can save the attachment under: no hidden characters, folders or leading dots. */
export function safeFilename(name: string | undefined, fallback: string): string {
  let clean = replaceHidden(name ?? '', () => '_').replace(/[/\\]/g, '_').replace(/^[\s.]+/, '').trim();
  const chars = [...clean];
  if (chars.length > MAX_FILENAME) {
    const extension = /\.[A-Za-z0-9]{1,8}$/.exec(clean)?.[0] ?? '';
    clean = chars.slice(0, MAX_FILENAME - extension.length).join('') + extension;
  }
  return /[\p{L}\p{N}]/u.test(clean) ? clean : fallback;
}

/**
 * The name a file goes out under: `safeFilename`'s, ending in the extension of what the file was
 * found to be, so that neither `invoice.pdf.exe` nor an EXE called `.pdf` can pass for a PDF.
 */
export function attachmentName(name: string | undefined, fallback: string, type: FileType): string {
  const clean = safeFilename(name, fallback);
  const bare = clean.replace(/\.[A-Za-z0-9]{1,8}$/, '');
  const named = bare.toLowerCase().endsWith(`.${type.extension}`) ? bare : `${bare}.${type.extension}`;
  return safeFilename(named, `${fallback}.${type.extension}`);
}

/** The sender's phone says what a file is; only a plain `type/subtype` reaches the email. */
function safeMimetype(mimetype: string): string {
  return /^[\w.+-]{1,50}\/[\w.+-]{1,80}$/.test(mimetype) ? mimetype : 'application/octet-stream';
}

export interface ReportEmail {
  subject: string;
  text: string;
  attachments: Array<{ filename: string; path: string; contentType: string }>;
}

/**
 * The email the school receives: first what the bot itself recorded, then what parents wrote,
 * every line of it quoted so that none can pass for the bot's, then the reported message
 * verbatim; nothing else from the group.
 */
export function renderReportEmail(report: Report, messages: Messages, config: Config): ReportEmail {
  const say = (key: TemplateKey, values: Record<string, string | number> = {}) => messages.render(key, values);
  const forward = report.kind === 'forward';
  const attachments: ReportEmail['attachments'] = [];

  const person = (name: string | undefined, id: string | undefined) => {
    if (!name && !id) return say('emailUnknown');
    const number = id ? `+${userPart(id)}` : say('emailNumberUnknown');
    return name ? say('emailPerson', { number, name: quoteName(name) }) : say('emailPersonUnnamed', { number });
  };
  const labelled = (label: TemplateKey, texts: string[]) =>
    texts.length ? `${say(label)}\n${texts.map(quote).join('\n')}` : `${say(label)} ${say('emailNone')}`;

  const block = (message: ReportedMessage, index: number) => {
    let attachment = '';
    const media = message.media;
    if (media) {
      const fallback = `attachment-${index + 1}`;
      // A file kept before types were checked goes out only as one of the allowed types.
      const type = media.file ? allowedType(media.mimetype) : undefined;
      const leftOut = media.leftOut ?? (media.file && !type ? 'type' : undefined);
      if (media.file && type) {
        const filename = attachmentName(media.filename, fallback, type);
        attachments.push({ filename, path: media.file, contentType: type.mimetype });
        attachment = say('emailAttachment', { mimetype: type.mimetype, filename: quoteName(filename) });
      } else if (leftOut) {
        attachment = say('emailAttachmentLeftOut', {
          why: leftOutWhy(leftOut, config.reports, say),
          mimetype: safeMimetype(media.mimetype),
          size: media.bytes === undefined ? '' : `, ${sizeText(media.bytes)}`,
          filename: quoteName(safeFilename(media.filename, fallback)),
        });
      } else attachment = say('emailAttachmentMissing', { mimetype: safeMimetype(media.mimetype) });
    }
    const hidden = hiddenIn(message.text);
    const sentAt = forward
      ? say('emailForwardSent', { receivedAt: formatUkTime(report.createdAt) })
      : formatUkTime(message.sentAt) || say('emailUnknown');
    return say('emailMessage', {
      number: index + 1,
      sentAt,
      author: forward ? say('emailForwardAuthor') : person(message.authorName, message.authorId),
      attachment,
      text: message.text ? quoteVerbatim(message.text) : say('emailNoText'),
      hidden: hidden.length ? say('emailHiddenCharacters', { codes: hidden.join(', ') }) : '',
    });
  };

  const category = report.category ?? say('emailNoCategory');
  const reportedAt = formatUkTime(report.createdAt);
  const facts = forward
    ? say('emailFactsForward', { reference: report.id, reportedAt, category })
    : say('emailFactsFlag', {
        reference: report.id,
        groupCode: report.group ? groupCode(report.group.id) : say('emailUnknown'),
        groupName: report.group ? quoteName(report.group.name) : say('emailUnknown'),
        reportedAt,
        flagCount: report.flaggedBy.length,
        verified: report.verified ? say('emailVerifiedYes') : say('emailVerifiedNo', { hours: config.reports.seenCacheHours }),
        category,
      });

  const reporter = person(report.reporter.name, report.reporter.id);
  // A forward has no reason, count or quote to check: only lines that mean something are shown.
  const people = forward
    ? [
        say('emailReporterForward', {
          person: reporter,
          groups: (report.reporterGroups ?? []).map(quoteName).join('\n') || say('emailUnknown'),
        }),
        labelled('emailNotes', report.notes),
      ]
    : [
        say(report.reporter.role === 'admin' ? 'emailReporterAdmin' : 'emailReporterMember', { person: reporter }),
        labelled('emailReason', report.reason ? [report.reason] : []),
        labelled('emailNotes', report.notes),
      ];

  const subjectGroup = report.group ? shown(report.group.name) : say('emailSubjectForwarded');
  return {
    subject: say(report.urgent ? 'emailSubjectUrgent' : 'emailSubject', { reference: report.id, groupName: subjectGroup }),
    text: say('emailBody', {
      urgentNote: report.urgent ? say('emailUrgentNote') : '',
      facts,
      people: people.join('\n'),
      messages: report.messages.map(block).join('\n\n'),
    }),
    attachments,
  };
}
