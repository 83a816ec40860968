import { describe, expect, it } from '@jest/globals';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { detectFileType } from '../../src/services/file-types.js';
import { ADMIN, PARENT, groupLine, message, person, type TestBot } from '../support/bot.js';
import { parseMail, type SmtpTestServer } from '../support/smtp.js';
import { closedAfterEach, onlyReport, privately, toPerson } from '../support/reporting.js';

/**
 * What a report carries to the school besides words: only pictures, PDF documents, audio and
 * video, judged by their bytes; no more files, bytes, messages or notes than the config allows;
 * nothing downloaded before its announced size is known to fit; and the reporter and the school
 * both told, for each file, whether it went and why not.
 */

const AUTHOR = person(3);
const { bot, smtpServer } = closedAfterEach();

const group = () => groupLine([ADMIN, PARENT, AUTHOR]);
const mailOf = (smtp: SmtpTestServer, i = 0) => parseMail(smtp.received[i]!.raw);
const mediaFiles = async (b: TestBot) => readdir(path.join(b.storageDir, 'media')).catch(() => [] as string[]);

/** `head` followed by filler bytes, `size` in all. */
function file(head: number[] | string, size = 64): Buffer {
  const start = typeof head === 'string' ? Buffer.from(head, 'latin1') : Buffer.from(head);
  return Buffer.concat([start, Buffer.alloc(Math.max(0, size - start.length), 0x20)]);
}
const JPEG = (size?: number) => file([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46], size);
const PNG = () => file([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const PDF = () => file('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n');
const OPUS = () => file('OggS\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00');
// A Windows program: "MZ", then the DOS stub every .exe starts with.
const EXE = () => file('MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00', 1200);

const media = (mimetype: string, bytes: Buffer | undefined, extra: Record<string, unknown> = {}) => ({
  media: { mimetype, ...(bytes ? { dataBase64: bytes.toString('base64') } : {}), ...extra },
});
const posted = (id: string, attached: ReturnType<typeof media>) => message(AUTHOR, '', { id, name: 'Sam Author', ...attached });
const flag = (quotedId: string) => message(PARENT, '!flag look at this', { id: `flag-${quotedId}`, quotedId });
const forward = (id: string, attached: ReturnType<typeof media> | object = {}, text = '') =>
  privately(PARENT, text, { id, forwarded: true, ...attached });

/** A picture flagged in the group: the bot with a mail server, once the email has gone. */
async function flagged(attached: ReturnType<typeof media>, config?: object) {
  const smtp = await smtpServer();
  const b = await bot({ env: { SMTP_URL: smtp.url }, ...(config ? { config } : {}) });
  await b.run(group(), posted('m1', attached), flag('m1'));
  await b.settle();
  expect(smtp.received).toHaveLength(1);
  return { b, smtp, mail: mailOf(smtp), told: toPerson(b, PARENT).join('\n'), report: await onlyReport(b.storageDir) };
}

describe('what kind of file reaches the school: its bytes decide, not its name or type', () => {
  it('an EXE named invoice.pdf, sent as application/pdf, is not attached; the reporter and the school are told why', async () => {
    const { b, mail, told, report } = await flagged(media('application/pdf', EXE(), { filename: 'invoice.pdf' }));
    expect(mail.attachments).toEqual([]);
    expect(await mediaFiles(b)).toEqual([]);
    expect(report.messages[0]!.media).toMatchObject({ leftOut: 'type', mimetype: 'application/pdf' });
    expect(told).toContain(
      'Not attached: "invoice.pdf" (application/pdf, 2 KB), because it is not a picture, PDF document, audio or video, the only kinds of file sent on to the school.',
    );
    expect(mail.text).toContain(
      "Attachment: not attached, because it is not a picture, PDF document, audio or video, the only kinds of file sent on to the school. The sender's phone gave it as application/pdf, 2 KB, under the file name:\n| invoice.pdf\n",
    );
  });

  it('a file its phone calls a program is not even downloaded: a type outside the list is refused first', async () => {
    const { mail, told } = await flagged(media('application/x-msdownload', JPEG(), { filename: 'setup.exe' }));
    expect(mail.attachments).toEqual([]);
    expect(told).toContain('Not attached: "setup.exe" (application/x-msdownload, 1 KB), because it is not a picture');
  });

  it('a real PDF named invoice.pdf.exe goes out as invoice.pdf, application/pdf', async () => {
    const { mail, told } = await flagged(media('application/pdf', PDF(), { filename: 'invoice.pdf.exe' }));
    expect(mail.attachments.map((a) => [a.filename, a.contentType])).toEqual([['invoice.pdf', 'application/pdf']]);
    expect(mail.attachments[0]!.content.equals(PDF())).toBe(true);
    expect(told).toContain('Attached for the school: "invoice.pdf" (1 KB).');
  });

  it('a PNG its phone called image/jpeg goes as what it is: image/png, named .png', async () => {
    const { mail } = await flagged(media('image/jpeg', PNG(), { filename: 'photo.jpg' }));
    expect(mail.attachments.map((a) => [a.filename, a.contentType])).toEqual([['photo.png', 'image/png']]);
  });

  it('a voice note (audio/ogg; codecs=opus, no name) is attached as an .ogg', async () => {
    const { mail, told } = await flagged(media('audio/ogg; codecs=opus', OPUS()));
    expect(mail.attachments.map((a) => [a.filename, a.contentType])).toEqual([['attachment-1.ogg', 'audio/ogg']]);
    expect(told).toContain('Attached for the school: "attachment-1.ogg" (1 KB).');
  });

  it('an SVG picture, which can carry scripts, is not attached', async () => {
    const { mail } = await flagged(media('image/svg+xml', file('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), { filename: 'smile.svg' }));
    expect(mail.attachments).toEqual([]);
    expect(mail.text).toContain('Attachment: not attached, because it is not a picture');
  });
});

describe('size: read from the message before anything is downloaded', () => {
  it('a file announced as 14 MB is not downloaded, though its bytes here would have fitted', async () => {
    const { b, mail, told, report } = await flagged(media('video/mp4', JPEG(), { filename: 'clip.mp4', size: 14_000_000 }));
    expect(mail.attachments).toEqual([]);
    expect(await mediaFiles(b)).toEqual([]);
    expect(report.messages[0]!.media).toMatchObject({ leftOut: 'too-big', bytes: 14_000_000 });
    expect(told).toContain(
      'Not attached: "clip.mp4" (video/mp4, 14.0 MB), because with it the report\'s files would come to more than 10 MB, the most one report carries.',
    );
    expect(mail.text).toContain("because with it the report's files would come to more than 10 MB");
  });

  it('a file WhatsApp gives no size for is not downloaded', async () => {
    const { mail, told } = await flagged(media('image/jpeg', undefined, { filename: 'x.jpg' }));
    expect(mail.attachments).toEqual([]);
    expect(told).toContain('Not attached: "x.jpg" (image/jpeg), because WhatsApp did not say how large it is, so it was not downloaded.');
  });

  it('an announced size smaller than the file is not trusted: the bytes are counted too', async () => {
    const { mail, report } = await flagged(media('image/jpeg', JPEG(1_200_000), { size: 1000 }), { reports: { maxAttachmentMegabytes: 1 } });
    expect(mail.attachments).toEqual([]);
    expect(report.messages[0]!.media).toMatchObject({ leftOut: 'too-big', bytes: 1_200_000 });
  });

  it('the total per report: the file that would pass it is left out, a smaller one after it still goes', async () => {
    const smtp = await smtpServer();
    const b = await bot({ env: { SMTP_URL: smtp.url }, config: { reports: { maxAttachmentMegabytes: 1 } } });
    await b.run(
      group(),
      forward('fw1', media('image/jpeg', JPEG(400_000))),
      forward('fw2', media('image/jpeg', JPEG(400_000))),
      forward('fw3', media('image/jpeg', JPEG(400_000))),
      forward('fw4', media('image/jpeg', JPEG(150_000))),
    );
    await b.settle();
    const mail = mailOf(smtp);
    expect(mail.attachments.map((a) => a.filename)).toEqual(['attachment-1.jpg', 'attachment-2.jpg', 'attachment-4.jpg']);
    const told = toPerson(b, PARENT);
    expect(told[2]).toMatch(/^Added to report R-\S+\.\nNot attached: "attachment-3" \(image\/jpeg, 400 KB\), because with it the report's files would come to more than 1 MB/);
    expect(told[3]).toContain('Attached for the school: "attachment-4.jpg" (150 KB).');
  });
});

describe('how many: files, messages and notes per report', () => {
  it('a 6th file in one report is left out: "the report already has 5 files"', async () => {
    const smtp = await smtpServer();
    const b = await bot({ env: { SMTP_URL: smtp.url } });
    await b.run(group(), ...[1, 2, 3, 4, 5, 6].map((n) => forward(`fw${n}`, media('image/jpeg', JPEG()))));
    await b.settle();
    const mail = mailOf(smtp);
    expect(mail.attachments).toHaveLength(5);
    expect(toPerson(b, PARENT)[5]).toContain('Not attached: "attachment-6" (image/jpeg, 1 KB), because the report already has 5 files, the most one report carries.');
    expect(mail.text).toMatch(/Message 6, verbatim[^]*Attachment: not attached, because the report already has 5 files/);
    expect(await mediaFiles(b)).toHaveLength(5);
  });

  it('a 21st forward is not added, and the reporter is told so (no silent drop)', async () => {
    const smtp = await smtpServer();
    const b = await bot({ env: { SMTP_URL: smtp.url } });
    const forwards = Array.from({ length: 21 }, (_, i) => forward(`fw${i + 1}`, {}, `forwarded message ${i + 1}`));
    await b.run(group(), ...forwards);
    await b.settle();
    const report = await onlyReport(b.storageDir);
    expect(report.messages).toHaveLength(20);
    const told = toPerson(b, PARENT);
    expect(told[19]).toMatch(/^Added to report/);
    expect(told[20]).toMatch(new RegExp(`^Not added: report ${report.id} already has 20 messages, the most one report takes\\.`));
    const mail = mailOf(smtp);
    expect(mail.text).toContain('forwarded message 20');
    expect(mail.text).not.toContain('forwarded message 21');
  });

  it('a 21st note is not added, and the reporter is told so; a long note is cut and they are told that too', async () => {
    const smtp = await smtpServer();
    const b = await bot({ env: { SMTP_URL: smtp.url } });
    const notes = Array.from({ length: 20 }, (_, i) => privately(PARENT, i === 0 ? `first note ${'x'.repeat(2500)}` : `note ${i + 1}`, { id: `n${i + 1}` }));
    await b.run(group(), forward('fw1', {}, 'the forwarded message'), ...notes, privately(PARENT, 'note 21', { id: 'n21' }));
    await b.settle();
    const report = await onlyReport(b.storageDir);
    expect(report.notes).toHaveLength(20);
    expect([...report.notes[0]!]).toHaveLength(2000);
    const told = toPerson(b, PARENT);
    expect(told[1]).toMatch(/^Note added to report R-\S+, cut to its first 2000 characters, the longest a note can be\./);
    expect(told[20]).toMatch(/^Note added to report/);
    expect(told[21]).toMatch(new RegExp(`^Not added: report ${report.id} already has 20 notes, the most one report takes\\. To tell the school more, email school@imai\\.org\\.uk`));
    expect(mailOf(smtp).text).not.toContain('note 21');
  });

  it('a note past the cap that says a child is at risk still gets the safeguarding advice', async () => {
    const b = await bot({ config: { reports: { maxNotes: 1 } } });
    await b.run(group(), forward('fw1', {}, 'the forwarded message'), privately(PARENT, 'first note', { id: 'n1' }));
    await b.run(privately(PARENT, "he hit my son and I think he's in danger", { id: 'n2' }));
    await b.settle();
    const told = toPerson(b, PARENT);
    expect(told.at(-2)).toMatch(/^Not added: report R-\S+ already has 1 notes/);
    expect(told.at(-1)).toMatch(/call 999/);
  });
});

describe('the file-type table', () => {
  const bytes = (head: number[] | string) => file(head, 32);
  it.each([
    ['JPEG', bytes([0xff, 0xd8, 0xff, 0xdb]), 'image/jpeg'],
    ['PNG', bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), 'image/png'],
    ['GIF', bytes('GIF89a'), 'image/gif'],
    ['WebP', bytes('RIFF\x24\x00\x00\x00WEBPVP8 '), 'image/webp'],
    ['HEIC', bytes('\x00\x00\x00\x18ftypheic\x00\x00\x00\x00'), 'image/heic'],
    ['MP4', bytes('\x00\x00\x00\x20ftypisom\x00\x00\x02\x00'), 'video/mp4'],
    ['MOV', bytes('\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00'), 'video/quicktime'],
    ['M4A', bytes('\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00'), 'audio/mp4'],
    ['3GP', bytes('\x00\x00\x00\x14ftyp3gp4\x00\x00\x00\x00'), 'video/3gpp'],
    ['PDF', bytes('%PDF-1.4'), 'application/pdf'],
    ['OGG/Opus', bytes('OggS\x00\x02'), 'audio/ogg'],
    ['MP3 with ID3', bytes('ID3\x04\x00'), 'audio/mpeg'],
    ['MP3 frame', bytes([0xff, 0xfb, 0x90, 0x64]), 'audio/mpeg'],
    ['AAC (ADTS)', bytes([0xff, 0xf1, 0x50, 0x80]), 'audio/aac'],
    ['WAV', bytes('RIFF\x24\x00\x00\x00WAVEfmt '), 'audio/wav'],
    ['AMR', bytes('#!AMR\n'), 'audio/amr'],
    ['WebM', bytes([0x1a, 0x45, 0xdf, 0xa3]), 'video/webm'],
  ])('%s is %s', (_, head, mimetype) => {
    expect(detectFileType(head)?.mimetype).toBe(mimetype);
  });

  it.each([
    ['an EXE', bytes('MZ\x90\x00')],
    ['an ELF program', bytes('\x7fELF')],
    ['a ZIP (also .docx, .apk)', bytes('PK\x03\x04')],
    ['HTML', bytes('<!DOCTYPE html><script>')],
    ['an SVG', bytes('<svg xmlns=')],
    ['a shell script', bytes('#!/bin/sh\n')],
    ['an ISO file of an unknown brand', bytes('\x00\x00\x00\x14ftypzzzz')],
    ['a RIFF that is neither', bytes('RIFF\x24\x00\x00\x00ACON')],
    ['nothing', Buffer.alloc(0)],
  ])('%s is none of them', (_, head) => {
    expect(detectFileType(head)).toBeUndefined();
  });
});
