import { mkdir, open, rename } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config/schema.js';
import type { Clock } from '../core/clock.js';
import type { Media } from '../core/events.js';
import type { PersonId } from '../core/ids.js';
import type { Random } from '../core/random.js';
import type { Report, ReportedMessage } from '../core/report.js';
import type { Outbox } from './outbox.js';
import type { GroupRecord, Store } from './store.js';
import { categorise, looksUrgent } from './triage.js';

/** Larger attachments are described in the report but not attached. */
const MAX_MEDIA_BYTES = 16 * 1024 * 1024;
const ID_LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

export type ReportResult =
  | { kind: 'created'; report: Report }
  /** The same message was already reported: the count went up, no new email. */
  | { kind: 'counted'; report: Report }
  /** A forward joined the reporter's report that is still open for more. */
  | { kind: 'added'; report: Report }
  | { kind: 'limited' };

export interface Reporter {
  id: PersonId;
  name?: string;
  admin: boolean;
}

/**
 * Turns flags and forwards into reports: one per reported message, limited per person, and
 * written to disk together with their place in the outbox before anyone is told it was received.
 */
export class Reports {
  constructor(
    private readonly store: Store,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly config: Config,
  ) {}

  async flag(input: {
    group: GroupRecord;
    message: ReportedMessage & { id: string };
    media?: Media;
    reporter: Reporter;
    reason: string;
    verified: boolean;
  }): Promise<ReportResult> {
    const existing = this.store
      .reports()
      .find((r) => r.kind === 'flag' && r.group?.id === input.group.id && r.messages[0]?.id === input.message.id);
    if (existing) {
      if (!existing.flaggedBy.includes(input.reporter.id)) {
        existing.flaggedBy.push(input.reporter.id);
        // Another member's reason can tell the school more (a child at risk): it goes in as a note.
        if (input.reason) existing.notes.push(`Another member's reason: ${input.reason.slice(0, 2000)}`);
        if (existing.delivery.state === 'queued') this.triage(existing);
        await this.store.saveReports(existing);
      }
      return { kind: 'counted', report: existing };
    }
    if (this.overLimit(input.reporter.id)) return { kind: 'limited' };
    const report = this.newReport('flag', input.reporter);
    report.group = { id: input.group.id, name: input.group.name };
    report.verified = input.verified;
    report.reason = input.reason || undefined;
    report.messages = [await this.withMedia(report.id, 0, input.message, input.media)];
    this.triage(report);
    await this.store.saveReports(report);
    this.outbox.kick();
    return { kind: 'created', report };
  }

  async forward(input: { message: ReportedMessage; media?: Media; reporter: Reporter; groups: string[] }): Promise<ReportResult> {
    const open = this.openForward(input.reporter.id);
    if (open) {
      if (open.messages.length < 20) {
        open.messages.push(await this.withMedia(open.id, open.messages.length, input.message, input.media));
        this.triage(open);
        await this.store.saveReports(open);
      }
      return { kind: 'added', report: open };
    }
    if (this.overLimit(input.reporter.id)) return { kind: 'limited' };
    const report = this.newReport('forward', input.reporter);
    report.reporterGroups = input.groups;
    report.messages = [await this.withMedia(report.id, 0, input.message, input.media)];
    // The email waits for the note the reporter usually sends right after the forward.
    const until = new Date(this.clock.now().getTime() + this.config.reports.forwardNoteWindowSeconds * 1000).toISOString();
    report.notesUntil = until;
    report.delivery.nextAttemptAt = until;
    this.triage(report);
    await this.store.saveReports(report);
    this.outbox.kick();
    return { kind: 'created', report };
  }

  /** The reporter's forward that still takes notes, if any. */
  openForward(reporter: PersonId): Report | undefined {
    const now = this.clock.now().toISOString();
    return this.store
      .reports()
      .find((r) => r.kind === 'forward' && r.reporter.id === reporter && r.delivery.state === 'queued' && r.delivery.attempts === 0 && (r.notesUntil ?? '') > now);
  }

  async addNote(report: Report, note: string): Promise<void> {
    report.notes.push(note.slice(0, 2000));
    this.triage(report);
    await this.store.saveReports(report);
  }

  /** The reporter agrees that the group's admins may know who made the report. */
  async share(reporter: PersonId, reference: string): Promise<Report | undefined> {
    const report = this.store.report(reference.toUpperCase());
    if (!report || report.reporter.id !== reporter) return undefined;
    report.reporterShared = true;
    await this.store.saveReports(report);
    return report;
  }

  private overLimit(person: PersonId): boolean {
    const hourAgo = new Date(this.clock.now().getTime() - 3_600_000).toISOString();
    const recent = this.store.reports().filter((r) => r.reporter.id === person && r.createdAt > hourAgo).length;
    return recent >= this.config.reports.perPersonPerHour;
  }

  private triage(report: Report): void {
    const texts = [report.reason, ...report.notes, ...report.messages.map((m) => m.text)];
    report.category = categorise(texts, this.config.school);
    report.urgent = looksUrgent(texts);
  }

  private newReport(kind: Report['kind'], reporter: Reporter): Report {
    const now = this.clock.now();
    const id = this.newId(now);
    return {
      id,
      messageId: `<${id.toLowerCase()}.${now.getTime()}@parent-group-steward.invalid>`,
      kind,
      createdAt: now.toISOString(),
      messages: [],
      reporter: { id: reporter.id, name: reporter.name, role: reporter.admin ? 'admin' : 'member' },
      reporterShared: false,
      notes: [],
      flaggedBy: [reporter.id],
      urgent: false,
      delivery: { state: 'queued', attempts: 0, nextAttemptAt: now.toISOString() },
    };
  }

  private newId(now: Date): string {
    const day = now.toISOString().slice(2, 10).replaceAll('-', '');
    for (;;) {
      let suffix = '';
      for (let i = 0; i < 4; i++) suffix += ID_LETTERS[Math.floor(this.random() * ID_LETTERS.length)];
      const id = `R-${day}-${suffix}`;
      if (!this.store.report(id)) return id;
    }
  }

  /** Keeps an attachment beside the database, written whole before the report points at it. */
  private async withMedia(reportId: string, index: number, message: ReportedMessage, media?: Media): Promise<ReportedMessage> {
    if (!media) return message;
    const described: ReportedMessage = { ...message, media: { mimetype: media.mimetype, filename: media.filename } };
    const data = media.dataBase64;
    if (!data || (data.length * 3) / 4 > MAX_MEDIA_BYTES) return described;
    const bytes = Buffer.from(data, 'base64');
    const dir = path.join(this.store.dir, 'media');
    await mkdir(dir, { recursive: true });
    const extension = (media.filename?.match(/\.([A-Za-z0-9]{1,8})$/)?.[1] ?? media.mimetype.split('/')[1] ?? 'bin').replace(/[^A-Za-z0-9]/g, '');
    const file = path.join(dir, `${reportId}-${index + 1}.${extension || 'bin'}`);
    const handle = await open(`${file}.tmp`, 'w');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(`${file}.tmp`, file);
    described.media = { ...described.media!, file, bytes: bytes.length };
    return described;
  }
}
