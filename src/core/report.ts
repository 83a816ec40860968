import type { GroupId, PersonId } from './ids.js';

/** A message as it goes into a report: verbatim, with what is known of where it came from. */
export interface ReportedMessage {
  id?: string;
  authorId?: PersonId;
  authorName?: string;
  text: string;
  sentAt?: string;
  /** Attachments are kept beside the database until the report is delivered. */
  media?: { mimetype: string; filename?: string; file?: string; bytes?: number };
}

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
  /** Everyone who flagged the same message: one report, one email, the count recorded. */
  flaggedBy: PersonId[];
  category?: string;
  /** Written by the language model, if there is one; the email labels it as machine-written. */
  summary?: string;
  /** The model has had its one look at this report (retries do not ask again). */
  modelTriaged?: boolean;
  urgent: boolean;
  delivery: {
    state: DeliveryState;
    attempts: number;
    nextAttemptAt: string;
    lastError?: string;
    sentAt?: string;
    /** Set when the admins were told the report went out. */
    adminsNotified?: boolean;
    /** When retrying began, if not at creation (a failed report queued again by hand). */
    queuedAt?: string;
  };
}
