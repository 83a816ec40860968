import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Low } from 'lowdb';
import type { ChatId, GroupId, PersonId } from '../core/ids.js';
import type { GroupRecord, GroupStore, HandledMessages, PersonAliases } from '../core/services.js';
import type { Report } from '../core/report.js';
import { DurableJsonFile } from './durable-file.js';
import { HandledFile } from './handled.js';
import { lockStorage } from './lock.js';

export interface StoreData {
  version: 1;
  groups: Record<GroupId, GroupRecord>;
  reports: Report[];
  /** The groups the bot was in when its number was linked have been listed (and approved). */
  linked: boolean;
  /** Hidden WhatsApp ids (…@lid) and the phone-number ids they stand for. */
  aliases: Record<PersonId, PersonId>;
}

function emptyData(): StoreData {
  return { version: 1, groups: {}, reports: [], linked: false, aliases: {} };
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
 * The bot's memory on disk. lowdb runs on our own durable adapter (never a preset: presets keep
 * data in memory when NODE_ENV=test, and then no test would ever touch the file). Only this
 * process may use the folder while the store is open.
 */
export class Store implements GroupStore, PersonAliases, HandledMessages {
  private readonly reportsById = new Map<string, Report>();
  /** Which groups each person is in (as member or admin): a private message asks it every time. */
  private readonly groupIdsByPerson = new Map<PersonId, Set<GroupId>>();

  private constructor(
    private readonly db: Low<StoreData>,
    readonly dir: string,
    private readonly unlock: () => Promise<void>,
    private readonly handled: HandledFile,
  ) {
    for (const report of db.data.reports) this.reportsById.set(report.id, report);
    for (const group of Object.values(db.data.groups)) this.indexPeople(group, true);
  }

  static async open(dir: string): Promise<Store> {
    await mkdir(dir, { recursive: true });
    const unlock = await lockStorage(dir);
    try {
      const fresh = emptyData();
      const db = new Low<StoreData>(new DurableJsonFile<StoreData>(path.join(dir, 'db.json')), fresh);
      await db.read();
      if (db.data !== fresh) {
        fromBeforeApproval(db.data);
        db.data = { ...emptyData(), ...db.data };
      }
      return new Store(db, dir, unlock, await HandledFile.open(path.join(dir, 'handled-messages.txt')));
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
    for (const [lid, phone] of Object.entries(this.db.data.aliases)) {
      if (!this.groupIdsByPerson.has(phone) && !this.groupIdsByPerson.has(lid)) delete this.db.data.aliases[lid];
    }
    await this.db.write();
  }

  groupsOf(person: PersonId): GroupRecord[] {
    const ids = this.groupIdsByPerson.get(person);
    return ids ? this.groups().filter((g) => g.approved && ids.has(g.id)) : [];
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
    for (const { lid, phone } of fresh) this.db.data.aliases[lid] = phone;
    const rename = (ids: PersonId[]) => [...new Set(ids.map((id) => phoneOf.get(id) ?? id))];
    for (const group of Object.values(this.db.data.groups)) {
      if (![...group.members, ...group.admins].some((id) => phoneOf.has(id))) continue;
      this.indexPeople(group, false);
      group.members = rename(group.members);
      group.admins = rename(group.admins);
      this.indexPeople(group, true);
    }
    await this.db.write();
  }

  private indexPeople(group: GroupRecord, add: boolean): void {
    for (const person of [...group.members, ...group.admins]) {
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

  /**
   * Drops reports delivered before `before`: the school has them. A report that failed for good
   * stays until a person has dealt with it (npm run reports).
   */
  async forgetReportsDeliveredBefore(before: Date): Promise<Report[]> {
    const cutoff = before.getTime();
    const keep: Report[] = [];
    const dropped: Report[] = [];
    for (const r of this.db.data.reports) {
      const delivered = r.delivery.state === 'sent' && Date.parse(r.delivery.sentAt ?? r.createdAt) < cutoff;
      (delivered ? dropped : keep).push(r);
    }
    if (!dropped.length) return dropped;
    this.db.data.reports = keep;
    this.reportsById.clear();
    for (const report of keep) this.reportsById.set(report.id, report);
    await this.db.write();
    return dropped;
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
