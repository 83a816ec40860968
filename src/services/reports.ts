import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config/schema.js';
import type { LeftOut } from '../core/attachments.js';
import type { Clock } from '../core/clock.js';
import type { Media } from '../core/events.js';
import type { PersonId } from '../core/ids.js';
import { errorCode, type Logger } from '../core/log.js';
import { Notifier } from '../core/notifier.js';
import type { Random } from '../core/random.js';
import type {
  FlagInput, ForwardInput, NoteResult, Report, ReportDesk, ReportedMessage, ReportEvents, ReportResult, Reporter,
} from '../core/report.js';
import { categorise, looksUrgent } from '../core/triage.js';
import { claimAllowed, claimedType, detectFileType } from './file-types.js';
import { attachmentName, safeFilename } from './report-email.js';
import type { Store } from './store.js';

const ID_LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** What the model's first read added to a report: a label of the bot's own, which it only chose. */
export interface ModelTriage {
  category?: string;
}

/**
 * The one owner of reports. It turns flags and forwards into reports (one per reported message,
 * limited per person), writes each together with its place in the outbox before anyone is told
 * it was received, records every delivery attempt, and forgets delivered reports when their time
 * is up. Every change to a report is one of its methods, so the bot and `npm run reports` change
 * reports the same way; what happens is told to listeners through `events`.
 */
export class Reports implements ReportDesk {
  readonly events: Notifier<ReportEvents>;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly config: Config,
    private readonly log: Logger,
  ) {
    this.events = new Notifier((event, error) => log.error('report listener failed', { event, code: errorCode(error) }));
  }

  report(id: string): Report | undefined {
    return this.store.report(id.toUpperCase());
  }

  all(): readonly Report[] {
    return this.store.reports();
  }

  queued(): Report[] {
    return this.store.reports().filter((r) => r.delivery.state === 'queued');
  }

  async flag(input: FlagInput): Promise<ReportResult> {
    // More flags of a message join its report: one email, the count in it. A report that failed
    // for good is not joined: a new flag is a new report, with a new chance to reach the school.
    const existing = this.store
      .reports()
      .find((r) => r.kind === 'flag' && r.delivery.state !== 'failed' && r.group?.id === input.group.id && r.messages[0]?.id === input.message.id);
    if (existing) {
      if (!existing.flaggedBy.includes(input.reporter.id)) {
        existing.flaggedBy.push(input.reporter.id);
        // Another member's reason can tell the school more (a child at risk): it goes in as a note.
        if (input.reason) existing.notes.push(`Another member's reason: ${input.reason.slice(0, this.config.reports.maxNoteCharacters)}`);
        if (existing.delivery.state === 'queued') this.triage(existing);
        await this.store.saveReports(existing);
      }
      return { kind: 'counted', report: existing };
    }
    if (this.overLimit(input.reporter.id)) return { kind: 'limited' };
    const report = this.newReport('flag', input.reporter, input.at);
    report.group = { id: input.group.id, name: input.group.name };
    report.verified = input.verified;
    report.reason = input.reason || undefined;
    report.messages = [await this.withMedia(report, input.message, input.media)];
    this.triage(report);
    await this.store.saveReports(report);
    await this.events.emit('queued', report);
    return { kind: 'created', report };
  }

  async forward(input: ForwardInput): Promise<ReportResult> {
    const open = this.openForward(input.reporter.id);
    if (open) {
      // A long chain is described, not pasted whole; the reporter is told what did not go in.
      if (open.messages.length >= this.config.reports.maxForwardedMessages) return { kind: 'full', report: open };
      open.messages.push(await this.withMedia(open, input.message, input.media));
      this.triage(open);
      await this.store.saveReports(open);
      return { kind: 'added', report: open };
    }
    if (this.overLimit(input.reporter.id)) return { kind: 'limited' };
    const report = this.newReport('forward', input.reporter, input.at);
    report.reporterGroups = input.groups;
    report.messages = [await this.withMedia(report, input.message, input.media)];
    // The email waits for the note the reporter usually sends right after the forward.
    const until = new Date(this.clock.now().getTime() + this.config.reports.forwardNoteWindowSeconds * 1000).toISOString();
    report.notesUntil = until;
    report.delivery.nextAttemptAt = until;
    this.triage(report);
    await this.store.saveReports(report);
    await this.events.emit('queued', report);
    return { kind: 'created', report };
  }

  /** The reporter's forward that still takes notes, if any. */
  openForward(reporter: PersonId): Report | undefined {
    const now = this.clock.now().toISOString();
    return this.store
      .reports()
      .find((r) => r.kind === 'forward' && r.reporter.id === reporter && r.delivery.state === 'queued' && r.delivery.attempts === 0 && (r.notesUntil ?? '') > now);
  }

  async addNote(report: Report, note: string): Promise<NoteResult> {
    const { maxNotes, maxNoteCharacters } = this.config.reports;
    if (report.notes.length >= maxNotes) return 'full';
    const chars = [...note];
    report.notes.push(chars.slice(0, maxNoteCharacters).join(''));
    this.triage(report);
    await this.store.saveReports(report);
    return chars.length > maxNoteCharacters ? 'cut' : 'added';
  }

  /** The reporter agrees that the group's admins may know who made the report. */
  async share(reporter: PersonId, reference: string): Promise<Report | undefined> {
    const report = this.report(reference);
    if (!report || report.reporter.id !== reporter) return undefined;
    report.reporterShared = true;
    await this.store.saveReports(report);
    return report;
  }

  async markAdminsNotified(report: Report): Promise<void> {
    report.delivery.adminsNotified = true;
    await this.store.saveReports(report);
  }

  /** The model's one look at a report before its first attempt; retries do not ask again. */
  async recordModelTriage(report: Report, triage: ModelTriage | undefined): Promise<void> {
    if (triage?.category) report.category = triage.category;
    report.modelTriaged = true;
    await this.store.saveReports(report);
  }

  async recordDelivered(report: Report, email: { accepted: string[]; subject: string }): Promise<void> {
    const delivery = report.delivery;
    delivery.attempts += 1;
    delivery.state = 'sent';
    delivery.sentAt = this.clock.now().toISOString();
    delete delivery.lastError;
    await this.store.saveReports(report);
    await this.events.emit('delivered', report, email);
  }

  /** An attempt that failed but may work later; `nextAttemptAt` undefined holds it until the outbox resumes. */
  async recordRetry(report: Report, code: string, nextAttemptAt?: Date): Promise<void> {
    const delivery = report.delivery;
    delivery.attempts += 1;
    delivery.lastError = code;
    if (nextAttemptAt) delivery.nextAttemptAt = nextAttemptAt.toISOString();
    await this.store.saveReports(report);
  }

  /** The mail server refused the login: the outbox holds every report until a person fixes it. */
  async recordPaused(report: Report, code: string): Promise<void> {
    await this.recordRetry(report, code);
    await this.events.emit('deliveryPaused', code);
  }

  async recordFailed(report: Report, code: string): Promise<void> {
    const delivery = report.delivery;
    delivery.attempts += 1;
    delivery.lastError = code;
    delivery.state = 'failed';
    await this.store.saveReports(report);
    await this.events.emit('failed', report);
  }

  /** A person put a failed report back in the queue: a fresh period of retries starts now. */
  async requeue(report: Report): Promise<void> {
    const now = this.clock.now().toISOString();
    // When the report was made stays as it was: the school sees when it happened.
    report.delivery = { state: 'queued', attempts: 0, nextAttemptAt: now, queuedAt: now };
    await this.store.saveReports(report);
    await this.events.emit('queued', report);
  }

  /**
   * Drops reports delivered before the retention period, with their attachments: the school has
   * them. A report that failed for good stays until a person has dealt with it.
   */
  async forgetExpired(): Promise<void> {
    const before = new Date(this.clock.now().getTime() - this.config.reports.retentionDays * 86_400_000);
    const dropped = await this.store.forgetReportsDeliveredBefore(before);
    for (const report of dropped) {
      for (const message of report.messages) if (message.media?.file) await rm(message.media.file, { force: true });
    }
  }

  private overLimit(person: PersonId): boolean {
    const hourAgo = new Date(this.clock.now().getTime() - 3_600_000).toISOString();
    const recent = this.store.reports().filter((r) => r.reporter.id === person && r.createdAt > hourAgo).length;
    return recent >= this.config.reports.perPersonPerHour;
  }

  private triage(report: Report): void {
    const texts = [report.reason, ...report.notes, ...report.messages.map((m) => m.text)];
    report.category = categorise(texts, this.config.school, this.config.reports.categories);
    report.urgent = looksUrgent(texts);
  }

  /**
   * A report made when the reporter sent their flag or forward, as far as that is known: one sent
   * while the bot was offline says when it was sent, and its retries count from now.
   */
  private newReport(kind: Report['kind'], reporter: Reporter, sentAt?: Date): Report {
    const now = this.clock.now();
    // WhatsApp's time 0 is no time given; one ahead of this machine's clock is taken as now.
    const made = sentAt && sentAt.getTime() > 0 && sentAt < now ? sentAt : now;
    const id = this.newId(made);
    const delivery: Report['delivery'] = { state: 'queued', attempts: 0, nextAttemptAt: now.toISOString() };
    if (made !== now) delivery.queuedAt = now.toISOString();
    return {
      id,
      messageId: `<${id.toLowerCase()}.${now.getTime()}@parent-group-steward.invalid>`,
      kind,
      createdAt: made.toISOString(),
      messages: [],
      reporter: { id: reporter.id, name: reporter.name, role: reporter.admin ? 'admin' : 'member' },
      reporterShared: false,
      notes: [],
      flaggedBy: [reporter.id],
      urgent: false,
      delivery,
    };
  }

  private newId(now: Date): string {
    const day = now.toISOString().slice(2, 10).replaceAll('-', '');
    for (;;) {
      let suffix = '';
      for (let i = 0; i < 4; i++) suffix += ID_LETTERS[Math.floor(this.random() * ID_LETTERS.length)];
      const id = `R-${day}-${suffix}`;
      if (!this.report(id)) return id;
    }
  }

  /**
   * Keeps an attachment beside the database, written whole before the report points at it, when
   * it is a kind of file the school may get and fits the report's limits. Nothing is downloaded
   * before its announced size is known to fit; the bytes then decide what the file is.
   */
  private async withMedia(report: Report, message: ReportedMessage, media?: Media): Promise<ReportedMessage> {
    if (!media) return message;
    const number = report.messages.length + 1;
    const fallback = `attachment-${number}`;
    const { maxAttachments, maxAttachmentMegabytes } = this.config.reports;
    const maxBytes = Math.floor(maxAttachmentMegabytes * 1_000_000);
    const kept = report.messages.filter((m) => m.media?.file);
    const used = kept.reduce((sum, m) => sum + (m.media!.bytes ?? 0), 0);
    const leftOut = (why: LeftOut, bytes = media.size): ReportedMessage => {
      this.log.info('attachment left out', { report: report.id, number, why });
      return { ...message, media: { mimetype: claimedType(media.mimetype), filename: safeFilename(media.filename, fallback), bytes, leftOut: why } };
    };

    if (!claimAllowed(media.mimetype)) return leftOut('type');
    if (kept.length >= maxAttachments) return leftOut('too-many');
    if (media.size === undefined) return leftOut('size-unknown');
    if (used + media.size > maxBytes) return leftOut('too-big');
    const bytes = await media.download();
    if (!bytes) return leftOut('unreadable');
    // The announced size is the sender's word too.
    if (used + bytes.length > maxBytes) return leftOut('too-big', bytes.length);
    const type = detectFileType(bytes);
    if (!type) return leftOut('type', bytes.length);

    const dir = path.join(this.store.dir, 'media');
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, `${report.id}-${number}.${type.extension}`);
    const handle = await open(`${file}.tmp`, 'w');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(`${file}.tmp`, file);
    const filename = attachmentName(media.filename, fallback, type);
    return { ...message, media: { mimetype: type.mimetype, filename, file, bytes: bytes.length } };
  }
}
