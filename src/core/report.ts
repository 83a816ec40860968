import type { LeftOut } from './attachments.js';
import type { Media } from './events.js';
import type { GroupId, PersonId } from './ids.js';
import type { Notifier } from './notifier.js';

/** A message as it goes into a report: verbatim, with what is known of where it came from. */
export interface ReportedMessage {
  id?: string;
  authorId?: PersonId;
  authorName?: string;
  text: string;
  sentAt?: string;
  /**
   * Attachments are kept beside the database until the report is delivered. With `file`, the
   * type its content was found to be and the name it goes out under; without, what the sender's
   * phone said and why the bot left it out.
   */
  media?: { mimetype: string; filename?: string; file?: string; bytes?: number; leftOut?: LeftOut };
}

/** What became of a note: `cut` to the longest a note may be, or not added as the report is `full`. */
export type NoteResult = 'added' | 'cut' | 'full';

export type DeliveryState = 'queued' | 'sent' | 'failed';

export interface Report {
  id: string;
  /** The same on every attempt, so the school's mail system can drop a duplicate. */
  messageId: string;
  kind: 'flag' | 'forward';
  createdAt: string;
  group?: { id: GroupId; name: string };
  /** For a forward: the groups the reporter is in, since WhatsApp does not say where it came from. */
  reporterGroups?: string[];
  messages: ReportedMessage[];
  /** For a flag: whether the quoted text matched what the bot saw posted (quotes can be forged). */
  verified?: boolean;
  reporter: { id: PersonId; name?: string; role: 'member' | 'admin' };
  /** The reporter has agreed that the group's admins may know who reported. */
  reporterShared: boolean;
  reason?: string;
  notes: string[];
  /** A forward takes the reporter's next messages as notes until then. */
  notesUntil?: string;
  /**
   * Everyone who flagged the same message: one report, one email, the count recorded. A member
   * who asked to be forgotten is here as their member fingerprint, not their id: still counted,
   * still known when they flag it again, without their number (see MemberFingerprint).
   */
  flaggedBy: string[];
  category?: string;
  /** The model has had its one look at this report (retries do not ask again). */
  modelTriaged?: boolean;
  urgent: boolean;
  /**
   * Its reporter asked to be forgotten while it was on its way: it is sent first, then deleted
   * with every copy as soon as it is delivered (or fails for good).
   */
  eraseWhenDelivered?: boolean;
  delivery: {
    state: DeliveryState;
    attempts: number;
    nextAttemptAt: string;
    lastError?: string;
    sentAt?: string;
    /** Set when the admins were told the report went out. */
    adminsNotified?: boolean;
    /** When retrying began, if not at creation (a failed report queued again by hand, a report sent while the bot was offline). */
    queuedAt?: string;
    /** When it failed for good: its time in storage counts from here. */
    failedAt?: string;
    /** When the operator was told a failed report is about to be deleted; set once, so a restart does not tell again. */
    expiryWarnedAt?: string;
  };
}

/** What can happen to a report, as its audit trail records it. */
export type AuditEvent =
  | 'created' | 'queued' | 'attempt' | 'delivered' | 'failed' | 'requeued' | 'warned' | 'deleted'
  /** Its reporter asked to be forgotten: it is deleted once delivered. */
  | 'erasure-requested';

/** How long a report's trail outlives it: over a year, so "did my report arrive?" can be answered about last school year. */
export const AUDIT_KEEP_DAYS = 400;

/**
 * One step in a report's life, kept after the report itself is deleted so the volunteer can
 * still answer "did my report arrive?". Only the reference, the time and codes: never text,
 * names or numbers.
 */
export interface AuditEntry {
  report: string;
  at: string;
  event: AuditEvent;
  /**
   * An attempt's outcome (`ok` or the mail error's code), how it was delivered, or why it was
   * deleted (`retention-delivered`, `retention-failed`, or `erased` when its reporter asked).
   */
  code?: string;
}

/** Who made a report, as the feature that took it knows them. */
export interface Reporter {
  id: PersonId;
  name?: string;
  admin: boolean;
}

export interface FlagInput {
  group: { id: GroupId; name: string };
  message: ReportedMessage & { id: string };
  media?: Media;
  reporter: Reporter;
  reason: string;
  verified: boolean;
  /** When the reporter sent the !flag; WhatsApp may hand it over late. Absent: now. */
  at?: Date;
}

export interface ForwardInput {
  message: ReportedMessage;
  media?: Media;
  reporter: Reporter;
  groups: string[];
  /** When the reporter forwarded it; WhatsApp may hand it over late. Absent: now. */
  at?: Date;
}

export type ReportResult =
  | { kind: 'created'; report: Report }
  /** The same message was already reported: the count went up, no new email. */
  | { kind: 'counted'; report: Report }
  /** A forward joined the reporter's report that is still open for more. */
  | { kind: 'added'; report: Report }
  /** A forward that did not join the reporter's open report: it already has as many messages as one takes. */
  | { kind: 'full'; report: Report }
  | { kind: 'limited' };

/** What happens to reports, for whoever must hear of it (admins, the operator, the simulator). */
export interface ReportEvents {
  [name: string]: unknown[];
  /** A new report, one queued again, or one whose reporter asked to be forgotten (sent now): the outbox looks at its queue. */
  queued: [Report];
  delivered: [Report, { accepted: string[]; subject: string }];
  failed: [Report];
  /** The mail server refused the login: every report waits until a person fixes it. */
  deliveryPaused: [code: string];
  /** A failed report will be deleted at `deleteAt` unless a person queues it again: told once per report. */
  expiring: [Report, deleteAt: Date];
  /** Every copy of a report is gone (its time was up, or its reporter asked); only its audit trail remains. */
  deleted: [reference: string];
}

/** What became of the reports of a person who asked to be forgotten. */
export interface ReporterErasure {
  /** References of their reports deleted now, with every copy: delivered, or failed for good. */
  deleted: string[];
  /** References of their reports still on their way: sent first, deleted once delivered. */
  afterDelivery: string[];
  /** Reports made by others that they also flagged: their id there became their member fingerprint. */
  coFlagged: number;
}

/** Reports as the features see them. Every change to a report goes through these methods. */
export interface ReportDesk {
  readonly events: Notifier<ReportEvents>;
  /** One report by its reference, in any case. */
  report(reference: string): Report | undefined;
  /** Every report in storage, for the operator's !status and !reports. */
  all(): readonly Report[];
  /** A person put a failed report back in the queue: a fresh period of retries starts now. */
  requeue(report: Report): Promise<void>;
  flag(input: FlagInput): Promise<ReportResult>;
  forward(input: ForwardInput): Promise<ReportResult>;
  /** The reporter's forward that still takes notes, if any. */
  openForward(reporter: PersonId): Report | undefined;
  addNote(report: Report, note: string): Promise<NoteResult>;
  /** The reporter agrees that the group's admins may know who made the report. */
  share(reporter: PersonId, reference: string): Promise<Report | undefined>;
  markAdminsNotified(report: Report): Promise<void>;
  /**
   * A person asked to be forgotten (`ids`: each WhatsApp id of theirs). Only reports they made or
   * flagged change: never one because they wrote the reported message.
   */
  forgetReporter(ids: readonly PersonId[]): Promise<ReporterErasure>;
}
