import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Low } from 'lowdb';
import type { ChatId, GroupId, PersonId } from '../core/ids.js';
import type { GroupRecord, GroupStore, HandledMessages, JobMemory, JobStore, MemberFingerprint, PersonAliases, PersonErasure } from '../core/services.js';
import type { AuditEntry, Report } from '../core/report.js';
import { DurableJsonFile } from './durable-file.js';
import { HandledFile } from './handled.js';
import { lockStorage } from './lock.js';
import { isFingerprint, MemberKey } from './member-key.js';

export interface StoreData {
  version: 1;
  groups: Record<GroupId, GroupRecord>;
  reports: Report[];
  /** The groups the bot was in when its number was linked have been listed (and approved). */
  linked: boolean;
  /** Hidden WhatsApp ids (…@lid) and the phone-number ids they stand for. */
  aliases: Record<PersonId, PersonId>;
  /** Each report's life in references, times and codes only; it outlives the report. */
  audit: AuditEntry[];
  /** Per UK day (`2026-01-05`), how many of each counted thing happened: numbers only, a few weeks of them. */
  counts: Record<string, Record<string, number>>;
  /** What the scheduled work (the digest, the policy's announcements and reminders) last did. */
  jobs: JobMemory;
}

function emptyData(): StoreData {
  return {
    version: 1, groups: {}, reports: [], linked: false, aliases: {}, audit: [], counts: {},
    jobs: { policy: { pendingGroups: [], remindedOn: {} } },
  };
}

/**
 * A database written before groups needed approval: the bot already served its groups, so they
 * stay approved, and the moment of linking is long past.
 */
function fromBeforeApproval(data: StoreData): void {
  if (data.linked !== undefined) return;
  data.linked = true;
  for (const group of Object.values(data.groups)) group.approved ??= true;
}

/**
 * Member lists written before they were fingerprinted hold WhatsApp ids, which are phone
 * numbers: each becomes its fingerprint. Whether anything changed.
 */
function fingerprintMembers(groups: GroupRecord[], key: MemberKey): boolean {
  let changed = false;
  for (const group of groups) {
    if (group.members.every(isFingerprint)) continue;
    group.members = [...new Set(group.members.map((m) => (isFingerprint(m) ? m : key.fingerprint(m))))];
    changed = true;
  }
  return changed;
}

/**
 * The bot's memory on disk. lowdb runs on our own durable adapter (never a preset: presets keep
 * data in memory when NODE_ENV=test, and then no test would ever touch the file). Only this
 * process may use the folder while the store is open.
 */
export class Store implements GroupStore, PersonAliases, HandledMessages, JobStore {
  private readonly reportsById = new Map<string, Report>();
  /**
   * Which groups each person is in (as member or admin), by fingerprint: a private message asks
   * it every time.
   */
  private readonly groupIdsByPerson = new Map<MemberFingerprint, Set<GroupId>>();

  private constructor(
    private readonly db: Low<StoreData>,
    readonly dir: string,
    private readonly unlock: () => Promise<void>,
    private readonly handled: HandledFile,
    private readonly memberKey: MemberKey,
  ) {
    for (const report of db.data.reports) this.reportsById.set(report.id, report);
    for (const group of Object.values(db.data.groups)) this.indexPeople(group, true);
  }

  static async open(dir: string): Promise<Store> {
    await mkdir(dir, { recursive: true });
    const unlock = await lockStorage(dir);
    try {
      const fresh = emptyData();
      const file = new DurableJsonFile<StoreData>(path.join(dir, 'db.json'));
      const db = new Low<StoreData>(file, fresh);
      await db.read();
      if (db.data !== fresh) {
        fromBeforeApproval(db.data);
        db.data = { ...emptyData(), ...db.data };
      }
      const groups = Object.values(db.data.groups);
      const fingerprinted = groups.some((g) => g.members.some(isFingerprint));
      const memberKey = await MemberKey.open(dir, !fingerprinted);
      // The backup too: an upgrade leaves no phone number of a member behind.
      if (fingerprintMembers(groups, memberKey)) await file.writeForgettingPrevious(db.data);
      return new Store(db, dir, unlock, await HandledFile.open(path.join(dir, 'handled-messages.txt')), memberKey);
    } catch (error) {
      await unlock();
      throw error;
    }
  }

  get file(): string {
    return path.join(this.dir, 'db.json');
  }

  group(id: GroupId): GroupRecord | undefined {
    return this.db.data.groups[id];
  }

  groups(): GroupRecord[] {
    return Object.values(this.db.data.groups);
  }

  /** Applies a change to one group (creating it if new) and writes the file before resolving. */
  async updateGroup(id: GroupId, change: (group: GroupRecord) => void): Promise<GroupRecord> {
    const groups = this.db.data.groups;
    const group: GroupRecord = groups[id] ?? { id, name: '', members: [], admins: [], paused: false, welcome: null, approved: false };
    this.indexPeople(group, false);
    change(group);
    this.indexPeople(group, true);
    groups[id] = group;
    await this.db.write();
    return group;
  }

  async removeGroup(id: GroupId): Promise<void> {
    const group = this.db.data.groups[id];
    if (group) this.indexPeople(group, false);
    delete this.db.data.groups[id];
    // A group's members are forgotten with it, their two ids too unless another group has them.
    const known = (person: PersonId) => this.groupIdsByPerson.has(this.fingerprint(person));
    for (const [lid, phone] of Object.entries(this.db.data.aliases)) {
      if (!known(phone) && !known(lid)) delete this.db.data.aliases[lid];
    }
    // The backup must not keep them either.
    await this.writeForgettingPrevious();
  }

  groupsOf(person: PersonId): GroupRecord[] {
    const ids = this.groupIdsByPerson.get(this.fingerprint(person));
    return ids ? this.groups().filter((g) => g.approved && ids.has(g.id)) : [];
  }

  fingerprint(person: PersonId): MemberFingerprint {
    return this.memberKey.fingerprint(person);
  }

  isMember(group: GroupRecord | undefined, person: PersonId): boolean {
    return group !== undefined && group.members.includes(this.fingerprint(person));
  }

  newcomersAmong(group: GroupRecord | undefined, people: readonly PersonId[]): PersonId[] {
    return [...new Set(people)].filter((person) => !this.isMember(group, person));
  }

  memberCount(group: GroupRecord | undefined, except: readonly PersonId[] = []): number {
    if (!group) return 0;
    const left = new Set(except.map((person) => this.fingerprint(person)));
    return group.members.filter((member) => !left.has(member)).length;
  }

  setMembers(group: GroupRecord, people: readonly PersonId[]): void {
    group.members = [...new Set(people.map((person) => this.fingerprint(person)))];
  }

  addMembers(group: GroupRecord, people: readonly PersonId[]): void {
    group.members = [...new Set([...group.members, ...people.map((person) => this.fingerprint(person))])];
  }

  removeMembers(group: GroupRecord, people: readonly PersonId[]): void {
    const leaving = new Set(people.map((person) => this.fingerprint(person)));
    group.members = group.members.filter((member) => !leaving.has(member));
  }

  get linked(): boolean {
    return this.db.data.linked;
  }

  async markLinked(): Promise<void> {
    if (this.db.data.linked) return;
    this.db.data.linked = true;
    await this.db.write();
  }

  phoneOf(lid: PersonId): PersonId | undefined {
    return Object.hasOwn(this.db.data.aliases, lid) ? this.db.data.aliases[lid] : undefined;
  }

  async rememberAliases(pairs: ReadonlyArray<{ lid: PersonId; phone: PersonId }>): Promise<void> {
    const fresh = pairs.filter((p) => p.lid !== p.phone && this.phoneOf(p.lid) !== p.phone);
    if (!fresh.length) return;
    const phoneOf = new Map(fresh.map((p) => [p.lid, p.phone]));
    const memberOf = new Map(fresh.map((p) => [this.fingerprint(p.lid), this.fingerprint(p.phone)]));
    for (const { lid, phone } of fresh) this.db.data.aliases[lid] = phone;
    const rename = <Id extends string>(ids: Id[], to: Map<Id, Id>) => [...new Set(ids.map((id) => to.get(id) ?? id))];
    for (const group of Object.values(this.db.data.groups)) {
      if (!group.members.some((m) => memberOf.has(m)) && !group.admins.some((id) => phoneOf.has(id))) continue;
      this.indexPeople(group, false);
      group.members = rename(group.members, memberOf);
      group.admins = rename(group.admins, phoneOf);
      this.indexPeople(group, true);
    }
    await this.db.write();
  }

  idsOf(person: PersonId): PersonId[] {
    const ids = new Set([person]);
    const phone = this.phoneOf(person);
    if (phone) ids.add(phone);
    for (const [lid, to] of Object.entries(this.db.data.aliases)) if (ids.has(to)) ids.add(lid);
    return [...ids];
  }

  async forgetPerson(ids: readonly PersonId[]): Promise<PersonErasure> {
    const people = new Set(ids);
    const fingerprints = new Set(ids.map((id) => this.fingerprint(id)));
    const erased: PersonErasure = { memberLists: 0, adminOf: 0, otherRecords: 0 };
    for (const group of Object.values(this.db.data.groups)) {
      if (group.admins.some((admin) => people.has(admin))) erased.adminOf += 1;
      if (group.awaitingNotice?.by !== undefined && people.has(group.awaitingNotice.by)) {
        // The operators are still asked about the group, as about one added by a link.
        delete group.awaitingNotice.by;
        erased.otherRecords += 1;
      }
      if (!group.members.some((member) => fingerprints.has(member))) continue;
      // When they joined goes with their place in the list.
      for (const fingerprint of fingerprints) delete group.joinedAt?.[fingerprint];
      this.indexPeople(group, false);
      group.members = group.members.filter((member) => !fingerprints.has(member));
      this.indexPeople(group, true);
      erased.memberLists += 1;
    }
    for (const [lid, phone] of Object.entries(this.db.data.aliases)) {
      if (!people.has(lid) && !people.has(phone)) continue;
      delete this.db.data.aliases[lid];
      erased.otherRecords += 1;
    }
    // When they were last nudged or reminded: a record about them too, by fingerprint.
    const { jobs } = this.db.data;
    for (const fingerprint of fingerprints) {
      for (const record of [jobs.nudgedAt, jobs.policy.remindedOn]) {
        if (record?.[fingerprint] === undefined) continue;
        delete record[fingerprint];
        erased.otherRecords += 1;
      }
    }
    if (erased.memberLists || erased.otherRecords) await this.writeForgettingPrevious();
    return erased;
  }

  private indexPeople(group: GroupRecord, add: boolean): void {
    for (const person of new Set([...group.members, ...group.admins.map((admin) => this.fingerprint(admin))])) {
      let ids = this.groupIdsByPerson.get(person);
      if (add) {
        if (!ids) this.groupIdsByPerson.set(person, (ids = new Set()));
        ids.add(group.id);
      } else if (ids?.delete(group.id) && ids.size === 0) {
        this.groupIdsByPerson.delete(person);
      }
    }
  }

  report(id: string): Report | undefined {
    return this.reportsById.get(id);
  }

  reports(): readonly Report[] {
    return this.db.data.reports;
  }

  /**
   * Adds or changes reports and writes them in one write: once this resolves, the report and its
   * place in the outbox are on disk together.
   */
  async saveReports(...reports: Report[]): Promise<void> {
    await this.saveReportsWithAudit(reports, []);
  }

  /** Reports and what just happened to them, in one write: the trail never misses a change that reached the disk. */
  async saveReportsWithAudit(reports: readonly Report[], audit: readonly AuditEntry[]): Promise<void> {
    this.db.data.audit.push(...audit);
    for (const report of reports) {
      const existing = this.reportsById.get(report.id);
      if (!existing) this.db.data.reports.push(report);
      else if (existing !== report) {
        this.db.data.reports[this.db.data.reports.indexOf(existing)] = report;
      }
      this.reportsById.set(report.id, report);
    }
    await this.db.write();
  }

  /** A report's trail, oldest first; it is there after the report itself was deleted. */
  auditOf(reference: string): AuditEntry[] {
    return this.db.data.audit.filter((entry) => entry.report === reference);
  }

  /**
   * Deletes reports for good, adds what happened to them to the trail and drops trail entries
   * from before `auditSince`, in one write after which no copy of the database (db.json.bak
   * included) holds the deleted reports. `scrubbed`: reports kept but changed in place to take
   * someone out of them, whose earlier version must not survive in the backup either.
   */
  async forgetReports(references: ReadonlySet<string>, audit: readonly AuditEntry[], auditSince: Date, scrubbed: readonly Report[] = []): Promise<void> {
    const since = auditSince.toISOString();
    const keptAudit = this.db.data.audit.filter((entry) => entry.at >= since);
    const dropped = this.db.data.reports.filter((r) => references.has(r.id));
    if (!dropped.length && !scrubbed.length && !audit.length && keptAudit.length === this.db.data.audit.length) return;
    this.db.data.reports = this.db.data.reports.filter((r) => !references.has(r.id));
    for (const report of dropped) this.reportsById.delete(report.id);
    this.db.data.audit = [...keptAudit, ...audit];
    if (!dropped.length && !scrubbed.length) return this.db.write();
    await this.writeForgettingPrevious();
  }

  /** A write after which db.json.bak holds this version too: for a deletion, which the backup would otherwise keep. */
  private async writeForgettingPrevious(): Promise<void> {
    const file = this.db.adapter;
    if (file instanceof DurableJsonFile) await file.writeForgettingPrevious(this.db.data);
    else await this.db.write();
  }

  /**
   * Adds to one day's count and lets go of days before `keepFrom`, in memory: it reaches the disk
   * with the next write (see `save`), so that counting never costs a message a write of its own.
   */
  addCount(day: string, what: string, by: number, keepFrom: string): void {
    const counts = this.db.data.counts;
    const today = (counts[day] ??= {});
    today[what] = (today[what] ?? 0) + by;
    for (const old of Object.keys(counts)) if (old < keepFrom) delete counts[old];
  }

  /** Writes what changed in memory only (the counts). */
  async save(): Promise<void> {
    await this.db.write();
  }

  /** Totals of each thing counted on the days from `fromDay` up to, not including, `untilDay`. */
  countsBetween(fromDay: string, untilDay: string): Record<string, number> {
    const totals: Record<string, number> = {};
    for (const [day, counts] of Object.entries(this.db.data.counts)) {
      if (day < fromDay || day >= untilDay) continue;
      for (const [what, n] of Object.entries(counts)) totals[what] = (totals[what] ?? 0) + n;
    }
    return totals;
  }

  get jobs(): Readonly<JobMemory> {
    return this.db.data.jobs;
  }

  async updateJobs(change: (jobs: JobMemory) => void): Promise<void> {
    change(this.db.data.jobs);
    await this.db.write();
  }

  claimMessage(chat: ChatId, id: string, sentAt: Date, now: Date): boolean {
    return this.handled.claim(chat, id, sentAt, now);
  }

  async close(): Promise<void> {
    await this.db.write();
    await this.handled.close();
    await this.unlock();
  }
}
