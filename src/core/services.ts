import type { Config } from '../config/schema.js';
import type { TemplateKey } from '../config/templates.js';
import type { Clock } from './clock.js';
import type { ChatActions } from './events.js';
import type { ChatId, GroupId, PersonId } from './ids.js';
import type { Logger } from './log.js';
import type { Messages } from './messages.js';
import type { LanguageModel } from './model.js';
import type { ReportDesk } from './report.js';
import type { Speaker } from './speaker.js';

/**
 * A member as the store keeps them: a keyed fingerprint of their WhatsApp id (`m1:…`), never the
 * id itself, which is their phone number. Only the store makes them (see GroupStore).
 */
export type MemberFingerprint = string & { readonly __brand: 'MemberFingerprint' };

/** A group as the bot knows it, from WhatsApp's own data. */
export interface GroupRecord {
  id: GroupId;
  name: string;
  /** Read and changed only through the GroupStore's member methods. */
  members: MemberFingerprint[];
  /** Real ids: the bot writes to admins privately. */
  admins: PersonId[];
  paused: boolean;
  /** null follows the configured default. */
  welcome: boolean | null;
  /**
   * The languages the group reads, as its admins chose with !language: one, or two shown one
   * after the other. Absent: the configured default (`bot.languages`).
   */
  languages?: string[];
  /**
   * The bot serves this group: it is in the config, or the bot was in it when its number was
   * linked, or an operator added the bot or approved it. Until then the bot says nothing there
   * and takes no report from it.
   */
  approved: boolean;
  /** Who added the bot, while an operator has not yet been told about the group. */
  awaitingNotice?: { by?: PersonId };
  /**
   * The member list came whole from WhatsApp's own list of the group, not pieced together from
   * messages and joins. Only then may a later list's unknown members be welcomed as newcomers:
   * after a failed read, a record made from one message would count the whole group as new.
   */
  fullyRead?: boolean;
  /** !joins auto: the bot approves requesters who reply that they agree to the code of conduct. Absent: it approves nobody. */
  joinsAuto?: boolean;
  /** !nudges off: no private nudges about grievances or bullying aired in this group. Absent: on. */
  nudges?: boolean;
  /** !links: whether links from new members are held (absent: on), and the sites the admins let through. */
  links?: { on?: boolean; allow?: string[] };
  /**
   * When each recent newcomer joined (ISO time), by member fingerprint, never by number; kept only
   * `links.newMemberHours`. A member with no entry here is established.
   */
  joinedAt?: Record<string, string>;
}

/**
 * One person's two WhatsApp ids: the hidden one (`…@lid`) they are known by until their number
 * resolves, and the phone-number one (`…@c.us`). Kept on disk, so a person keeps one id here
 * across restarts even when WhatsApp cannot resolve them again.
 */
export interface PersonAliases {
  /** The phone-number id a hidden id is known to stand for. */
  phoneOf(lid: PersonId): PersonId | undefined;
  /**
   * Remembers pairs, and renames each hidden id to its phone-number id in every group record, so
   * one person is one member and one admin. Written before it resolves.
   */
  rememberAliases(pairs: ReadonlyArray<{ lid: PersonId; phone: PersonId }>): Promise<void>;
}

/** The groups the bot is in, as the features read and change them. */
export interface GroupStore {
  group(id: GroupId): GroupRecord | undefined;
  groups(): GroupRecord[];
  /** Applies a change to one group (creating it if new) and writes it before resolving. */
  updateGroup(id: GroupId, change: (group: GroupRecord) => void): Promise<GroupRecord>;
  removeGroup(id: GroupId): Promise<void>;
  /** The approved groups this person is in. */
  groupsOf(person: PersonId): GroupRecord[];
  /** What the store keeps of a person in a member list. */
  fingerprint(person: PersonId): MemberFingerprint;
  isMember(group: GroupRecord | undefined, person: PersonId): boolean;
  /** Those of `people` the group's member list does not hold, in their order, each once. */
  newcomersAmong(group: GroupRecord | undefined, people: readonly PersonId[]): PersonId[];
  /** How many members the group has, not counting `except` (the bot itself). */
  memberCount(group: GroupRecord | undefined, except?: readonly PersonId[]): number;
  /*
   * The three below change the record they are given, and belong inside an updateGroup change,
   * so that the change is written and the store's index of who is where follows it.
   */
  /** Replaces the member list with these people. */
  setMembers(group: GroupRecord, people: readonly PersonId[]): void;
  addMembers(group: GroupRecord, people: readonly PersonId[]): void;
  removeMembers(group: GroupRecord, people: readonly PersonId[]): void;
  /** Whether the groups the bot was in when its number was linked have been listed yet. */
  readonly linked: boolean;
  markLinked(): Promise<void>;
  /** Every WhatsApp id the store ties to this person: theirs, and the other half of any hidden-id pair. */
  idsOf(person: PersonId): PersonId[];
  /**
   * A person asked to be forgotten (`ids`: each WhatsApp id of theirs): their fingerprint leaves
   * every member list, their hidden-id pairs and their name as who added the bot to a group go,
   * in one write after which no copy of the database holds them. Admin lists are kept: an admin's
   * id is what lets the bot recognise them and tell them of reports, while they are an admin.
   */
  forgetPerson(ids: readonly PersonId[]): Promise<PersonErasure>;
}

/** What the store let go of a person who asked to be forgotten. */
export interface PersonErasure {
  /** Group member lists their fingerprint was taken out of. */
  memberLists: number;
  /** Groups where they are an admin: their id stays there while they are. */
  adminOf: number;
  /** Hidden-id pairs and "added the bot to a group" notes that named them. */
  otherRecords: number;
}

/** Fingerprints of what was posted, so a flagged quote can be checked (quotes can be forged). */
export interface SeenMessages {
  remember(chat: ChatId, id: string, text: string, at: Date): void;
  matches(chat: ChatId, id: string, text: string | undefined, now: Date): boolean;
}

/**
 * The messages the bot has handled, kept on disk for a while: WhatsApp hands messages over again
 * after a reconnect or a restart, and none may be answered or reported twice.
 */
export interface HandledMessages {
  /** Records the message as handled; false when it was handled before. */
  claimMessage(chat: ChatId, id: string, sentAt: Date, now: Date): boolean;
}

/**
 * What the bot counts for the operators' weekly digest, each with the template of its line there.
 * Counting something new is one line here, its template, and a `counters.count(...)` where it happens.
 */
export const countedThings = {
  welcomes: 'digestWelcomes',
  concernsAnswered: 'digestConcerns',
  reportsDelivered: 'digestDelivered',
  reportsFailed: 'digestFailed',
  joinRequests: 'digestJoinRequests',
  linksHeld: 'digestLinksHeld',
  nudges: 'digestNudges',
} as const satisfies Record<string, TemplateKey>;

export type Counted = keyof typeof countedThings;

/** Counts only, by UK day: nothing in them says who or which group. */
export interface Counters {
  /** One more of this today (or `by` more). Written to disk within a minute; never throws: a count is not worth a lost answer. */
  count(what: Counted, by?: number): void;
  /** Totals over the UK days from `fromDay` up to, not including, `untilDay` (both `YYYY-MM-DD`). */
  totals(fromDay: string, untilDay: string): Record<Counted, number>;
}

/** What the bot's scheduled work last did, kept on disk so that a restart neither repeats nor skips it. */
export interface JobMemory {
  /** The weekly digest last sent (or, on the first run, passed over): the scheduled moment it was for, ISO. */
  digestFor?: string;
  policy: {
    /** The policy version the bot last announced; on the first run, the one it started with. */
    version?: string;
    /** Groups still to hear that version, once they are seen again. */
    pendingGroups: GroupId[];
    /** The UK day each person (by fingerprint, not number) was last reminded of the review. */
    remindedOn: Record<string, string>;
  };
  /** When each person (by fingerprint, not number) was last nudged privately, ISO; a week on, they are let go. */
  nudgedAt?: Record<string, string>;
}

export interface JobStore {
  readonly jobs: Readonly<JobMemory>;
  /** Applies a change and writes it before resolving. */
  updateJobs(change: (jobs: JobMemory) => void): Promise<void>;
}

/** Everything a feature may use besides its context. Services implement these; core never imports them. */
export interface Services {
  config: Config;
  store: GroupStore;
  clock: Clock;
  log: Logger;
  messages: Messages;
  speaker: Speaker;
  /** How reports leave the machine, for !status and !privacy. */
  mailMode: 'smtp' | 'files';
  reports: ReportDesk;
  seen: SeenMessages;
  handled: HandledMessages;
  chats: ChatActions;
  /** Counts for the weekly digest. */
  counters: Counters;
  /** The bot's own WhatsApp id: configured for the simulator, learnt from WhatsApp once connected. */
  self: { id: PersonId };
  /** The optional language model; absent, everything is answered offline. */
  model?: LanguageModel;
}
