import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config/schema.js';
import type { LeftOut } from '../core/attachments.js';
import type { Clock } from '../core/clock.js';
import type { Media } from '../core/events.js';
import type { PersonId } from '../core/ids.js';
import { errorCode, type Logger } from '../core/log.js';
import { Notifier } from '../core/notifier.js';
import type { Random } from '../core/random.js';
import {
  AUDIT_KEEP_DAYS,
  type AuditEntry, type AuditEvent, type FlagInput, type ForwardInput, type NoteResult, type Report, type ReportDesk, type ReportedMessage,
  type ReporterErasure, type ReportEvents, type ReportResult, type Reporter,
} from '../core/report.js';
import { categorise, looksUrgent } from '../core/triage.js';
import { claimAllowed, claimedType, detectFileType } from './file-types.js';
import { attachmentName, safeFilename } from './report-email.js';
import type { Store } from './store.js';

const ID_LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** One step for a report's trail: what happened, with a code where there is one (never text). */
type Step = AuditEvent | [AuditEvent, string];

/** What the model's first read added to a report: a label of the bot's own, which it only chose. */
export interface ModelTriage {
  category?: string;
}

/**
 * The one owner of reports. It turns flags and forwards into reports (one per reported message,
 * limited per person), writes each together with its place in the outbox before anyone is told
 * it was received, records every delivery attempt, and deletes delivered and failed reports, with
 * every copy of them, when their time is up or their reporter asks (`forgetReporter`). Every change to a report is one of its methods, so
 * the bot and `npm run reports` change reports the same way, and each leaves a line in the
 * report's audit trail (no content); what happens is told to listeners through `events`.
 */
export class Reports implements ReportDesk {
  readonly events: Notifier<ReportEvents>;
  /**
   * When the reports of people who asked to be forgotten were made, for the last hour, by member
   * fingerprint and in memory only: erasing what was sent must not reset the hourly limit.
   */
  private readonly erasedRecently = new Map<string, number[]>();
  /** Deleted while something still held them (a listener of `delivered`): saving one again must not bring it back. */
  private readonly gone = new WeakSet<Report>();

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
      if (!this.hasFlagged(existing, input.reporter.id)) {
        existing.flaggedBy.push(input.reporter.id);
        // Another member's reason can tell the school more (a child at risk): it goes in as a note.
        if (input.reason) existing.notes.push(`Another member's reason: ${input.reason.slice(0, this.config.reports.maxNoteCharacters)}`);
        if (existing.delivery.state === 'queued') this.triage(existing);
        await this.save(existing);
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
    await this.save(report, 'created', 'queued');
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
      await this.save(open);
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
    await this.save(report, 'created', 'queued');
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
    await this.save(report);
    return chars.length > maxNoteCharacters ? 'cut' : 'added';
  }

  /** The reporter agrees that the group's admins may know who made the report. */
  async share(reporter: PersonId, reference: string): Promise<Report | undefined> {
    const report = this.report(reference);
    if (!report || report.reporter.id !== reporter) return undefined;
    report.reporterShared = true;
    await this.save(report);
    return report;
  }

  async markAdminsNotified(report: Report): Promise<void> {
    report.delivery.adminsNotified = true;
    await this.save(report);
  }

  /** The model's one look at a report before its first attempt; retries do not ask again. */
  async recordModelTriage(report: Report, triage: ModelTriage | undefined): Promise<void> {
    if (triage?.category) report.category = triage.category;
    report.modelTriaged = true;
    await this.save(report);
  }

  /** `via`: emailed through the mail server, or saved as a file for the volunteer to send on. */
  async recordDelivered(report: Report, email: { accepted: string[]; subject: string }, via: 'smtp' | 'files'): Promise<void> {
    const delivery = report.delivery;
    delivery.attempts += 1;
    delivery.state = 'sent';
    delivery.sentAt = this.clock.now().toISOString();
    delete delivery.lastError;
    await this.save(report, ['attempt', 'ok'], ['delivered', via]);
    await this.events.emit('delivered', report, email);
    // The reporter asked to be forgotten while it was on its way: now it has arrived, it goes.
    if (report.eraseWhenDelivered) await this.erase([report], 'erased');
  }

  /** An attempt that failed but may work later; `nextAttemptAt` undefined holds it until the outbox resumes. */
  async recordRetry(report: Report, code: string, nextAttemptAt?: Date): Promise<void> {
    const delivery = report.delivery;
    delivery.attempts += 1;
    delivery.lastError = code;
    if (nextAttemptAt) delivery.nextAttemptAt = nextAttemptAt.toISOString();
    await this.save(report, ['attempt', code]);
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
    delivery.failedAt = this.clock.now().toISOString();
    await this.save(report, ['attempt', code], ['failed', code]);
    await this.events.emit('failed', report);
    // Its reporter, told just now that it failed, asked to be forgotten: it is not kept for a retry.
    if (report.eraseWhenDelivered) await this.erase([report], 'erased');
  }

  async forgetReporter(ids: readonly PersonId[]): Promise<ReporterErasure> {
    const people = new Set(ids);
    // Only what they made or flagged: whoever wrote a reported message cannot make it go away.
    const theirs = this.store.reports().filter((r) => people.has(r.reporter.id));
    const onTheirWay = theirs.filter((r) => r.delivery.state === 'queued');
    const done = theirs.filter((r) => r.delivery.state !== 'queued');
    const coFlagged = this.store.reports().filter((r) => !people.has(r.reporter.id) && r.flaggedBy.some((id) => people.has(id)));

    for (const report of onTheirWay) await this.markForErasure(report);
    for (const report of coFlagged) {
      report.flaggedBy = [...new Set(report.flaggedBy.map((id) => (people.has(id) ? this.store.fingerprint(id) : id)))];
    }
    await this.erase(done, 'erased', coFlagged);
    if (onTheirWay.length) await this.events.emit('queued', onTheirWay[0]!);
    return { deleted: done.map((r) => r.id), afterDelivery: onTheirWay.map((r) => r.id), coFlagged: coFlagged.length };
  }

  /**
   * The volunteer deletes one report, with every copy, at a person's request. Only one that has
   * left the queue (delivered, or failed for good): false for one still on its way.
   */
  async deleteNow(report: Report): Promise<boolean> {
    if (report.delivery.state === 'queued') return false;
    await this.erase([report], 'erased');
    return true;
  }

  /** A report still on its way is sent first, and deleted with every copy once delivered (or failed for good). */
  async deleteWhenDelivered(report: Report): Promise<void> {
    await this.markForErasure(report);
    await this.events.emit('queued', report);
  }

  private async markForErasure(report: Report): Promise<void> {
    if (report.eraseWhenDelivered) return;
    const now = this.clock.now().toISOString();
    report.eraseWhenDelivered = true;
    // Sent now rather than at its next retry, and a forward takes no more notes: the sooner it
    // arrives, the sooner it is erased.
    if (report.delivery.nextAttemptAt > now) report.delivery.nextAttemptAt = now;
    if ((report.notesUntil ?? '') > now) report.notesUntil = now;
    await this.save(report, 'erasure-requested');
  }

  /** A person put a failed report back in the queue: a fresh period of retries starts now. */
  async requeue(report: Report): Promise<void> {
    const now = this.clock.now().toISOString();
    // When the report was made stays as it was: the school sees when it happened.
    report.delivery = { state: 'queued', attempts: 0, nextAttemptAt: now, queuedAt: now };
    await this.save(report, 'requeued');
    await this.events.emit('queued', report);
  }

  /**
   * Deletes each report whose time is up, with every copy of it: its record (the backup of the
   * database too), its .eml, its attachments and any half-written file of either. A delivered
   * report goes `retentionDays` after delivery; one that failed for good `failedRetentionDays`
   * after it failed, once the operator has been warned `failedWarningDays` ahead (they may still
   * send it on). A queued report is never deleted: it has not reached the school yet. Trail
   * entries go after AUDIT_KEEP_DAYS.
   */
  async applyRetention(): Promise<void> {
    const now = this.clock.now();
    for (const report of this.store.reports().filter((r) => this.warningDue(r, now))) {
      report.delivery.expiryWarnedAt = now.toISOString();
      await this.save(report, 'warned');
      await this.events.emit('expiring', report, new Date(this.deleteAt(report)!));
    }
    const due = this.store.reports().filter((r) => (this.deleteAt(r) ?? Infinity) <= now.getTime());
    await this.erase(due, (r) => (r.delivery.state === 'sent' ? 'retention-delivered' : 'retention-failed'));
  }

  /**
   * Deletes reports with every copy of them, records why in their trails, and drops trail entries
   * past AUDIT_KEEP_DAYS, in one write of the database (see Store.forgetReports for `scrubbed`).
   */
  private async erase(reports: readonly Report[], why: string | ((report: Report) => string), scrubbed: readonly Report[] = []): Promise<void> {
    const now = this.clock.now();
    // Files first: were the bot stopped in between, the record still says which files to look for.
    for (const report of reports) await this.eraseFiles(report);
    const at = now.toISOString();
    const code = (r: Report) => (typeof why === 'string' ? why : why(r));
    const audit = reports.map((r): AuditEntry => ({ report: r.id, at, event: 'deleted', code: code(r) }));
    await this.store.forgetReports(new Set(reports.map((r) => r.id)), audit, new Date(now.getTime() - AUDIT_KEEP_DAYS * DAY_MS), scrubbed);
    for (const report of reports) {
      this.gone.add(report);
      if (code(report) === 'erased') this.countErased(report);
      this.log.info('report deleted', { report: report.id, state: report.delivery.state, code: code(report) });
      await this.events.emit('deleted', report.id);
    }
  }

  private countErased(report: Report): void {
    const made = Date.parse(report.createdAt);
    if (made <= this.clock.now().getTime() - HOUR_MS) return;
    const key = this.store.fingerprint(report.reporter.id);
    this.erasedRecently.set(key, [...(this.erasedRecently.get(key) ?? []), made]);
  }

  /** Whether this person's flag is already counted in the report, by their id or, if they asked to be forgotten, their fingerprint. */
  private hasFlagged(report: Report, person: PersonId): boolean {
    return report.flaggedBy.includes(person) || report.flaggedBy.includes(this.store.fingerprint(person));
  }

  /** When retention next has something to do (a warning or a deletion), if anything is waiting for it. */
  nextRetentionAt(): Date | undefined {
    let next = Infinity;
    for (const report of this.store.reports()) next = Math.min(next, this.warnAt(report) ?? this.deleteAt(report) ?? Infinity);
    return Number.isFinite(next) ? new Date(next) : undefined;
  }

  /** A failed report's warning, while it has not been given. */
  private warnAt(report: Report): number | undefined {
    const d = report.delivery;
    if (d.state !== 'failed' || d.expiryWarnedAt) return undefined;
    const { failedRetentionDays, failedWarningDays } = this.config.reports;
    return this.failedAt(report) + (failedRetentionDays - failedWarningDays) * DAY_MS;
  }

  private warningDue(report: Report, now: Date): boolean {
    return (this.warnAt(report) ?? Infinity) <= now.getTime();
  }

  /** Undefined: not to be deleted (yet). */
  private deleteAt(report: Report): number | undefined {
    const d = report.delivery;
    const { retentionDays, failedRetentionDays, failedWarningDays } = this.config.reports;
    if (d.state === 'sent') return Date.parse(d.sentAt ?? report.createdAt) + retentionDays * DAY_MS;
    if (d.state !== 'failed' || !d.expiryWarnedAt) return undefined;
    // A warning given late (the bot was off when it was due) still gives the operator its full notice.
    return Math.max(this.failedAt(report) + failedRetentionDays * DAY_MS, Date.parse(d.expiryWarnedAt) + failedWarningDays * DAY_MS);
  }

  /** Reports that failed before the time was recorded: their last attempt was due at nextAttemptAt. */
  private failedAt(report: Report): number {
    return Date.parse(report.delivery.failedAt ?? report.delivery.nextAttemptAt ?? report.createdAt);
  }

  private async eraseFiles(report: Report): Promise<void> {
    for (const message of report.messages) if (message.media?.file) await rm(message.media.file, { force: true });
    // By name too: a file half-written when the bot stopped (….tmp) is on no record.
    await this.removeStartingWith(path.join(this.store.dir, 'outbox'), `${report.id}.`);
    await this.removeStartingWith(path.join(this.store.dir, 'media'), `${report.id}-`);
  }

  private async removeStartingWith(dir: string, prefix: string): Promise<void> {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const name of names) if (name.startsWith(prefix)) await rm(path.join(dir, name), { force: true });
  }

  /** Writes the report with the steps that just happened to it, in one write. */
  private async save(report: Report, ...steps: Step[]): Promise<void> {
    if (this.gone.has(report)) return;
    const at = this.clock.now().toISOString();
    const audit = steps.map((step): AuditEntry => {
      const [event, code] = typeof step === 'string' ? [step] : step;
      return code === undefined ? { report: report.id, at, event } : { report: report.id, at, event, code };
    });
    await this.store.saveReportsWithAudit([report], audit);
  }

  private overLimit(person: PersonId): boolean {
    const hourAgo = this.clock.now().getTime() - HOUR_MS;
    const recent = this.store.reports().filter((r) => r.reporter.id === person && Date.parse(r.createdAt) > hourAgo).length;
    return recent + this.erasedWithinHour(person, hourAgo) >= this.config.reports.perPersonPerHour;
  }

  private erasedWithinHour(person: PersonId, hourAgo: number): number {
    const key = this.store.fingerprint(person);
    const times = this.erasedRecently.get(key)?.filter((made) => made > hourAgo);
    if (times?.length) this.erasedRecently.set(key, times);
    else this.erasedRecently.delete(key);
    for (const [other, made] of this.erasedRecently) if (made.every((t) => t <= hourAgo)) this.erasedRecently.delete(other);
    return times?.length ?? 0;
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
      // A deleted report's reference stays taken while its trail is kept: one reference, one report.
      if (!this.report(id) && !this.store.auditOf(id).length) return id;
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
    // Readable by the bot's user only (PRIVATE_FOLDER_MODE, PRIVATE_FILE_MODE in private-files.ts).
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const file = path.join(dir, `${report.id}-${number}.${type.extension}`);
    const handle = await open(`${file}.tmp`, 'w', 0o600);
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
