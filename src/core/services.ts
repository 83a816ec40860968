import type { Config } from '../config/schema.js';
import type { Clock } from './clock.js';
import type { ChatActions } from './events.js';
import type { ChatId, GroupId, PersonId } from './ids.js';
import type { Logger } from './log.js';
import type { Messages } from './messages.js';
import type { LanguageModel } from './model.js';
import type { ReportDesk } from './report.js';
import type { Speaker } from './speaker.js';

/** A group as the bot knows it, from WhatsApp's own data. */
export interface GroupRecord {
  id: GroupId;
  name: string;
  members: PersonId[];
  admins: PersonId[];
  paused: boolean;
  /** null follows the configured default. */
  welcome: boolean | null;
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
  /** Whether the groups the bot was in when its number was linked have been listed yet. */
  readonly linked: boolean;
  markLinked(): Promise<void>;
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
  /** The bot's own WhatsApp id: configured for the simulator, learnt from WhatsApp once connected. */
  self: { id: PersonId };
  /** The optional language model; absent, everything is answered offline. */
  model?: LanguageModel;
}
