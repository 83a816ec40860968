import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import type { GroupId, PersonId } from '../core/ids.js';

export interface GroupRecord {
  id: GroupId;
  name: string;
  members: PersonId[];
  admins: PersonId[];
  paused: boolean;
  /** null follows the configured default. */
  welcome: boolean | null;
}

export interface StoreData {
  version: 1;
  groups: Record<GroupId, GroupRecord>;
}

function emptyData(): StoreData {
  return { version: 1, groups: {} };
}

/**
 * The bot's memory on disk. lowdb is built with an explicit JSONFile adapter: its presets keep
 * data in memory when NODE_ENV=test, and then no test would ever touch the file.
 */
export class Store {
  private constructor(private readonly db: Low<StoreData>, readonly file: string) {}

  static async open(dir: string): Promise<Store> {
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, 'db.json');
    const db = new Low<StoreData>(new JSONFile<StoreData>(file), emptyData());
    await db.read();
    db.data = { ...emptyData(), ...db.data };
    return new Store(db, file);
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
    const group = groups[id] ?? { id, name: '', members: [], admins: [], paused: false, welcome: null };
    change(group);
    groups[id] = group;
    await this.db.write();
    return group;
  }

  async removeGroup(id: GroupId): Promise<void> {
    delete this.db.data.groups[id];
    await this.db.write();
  }

  isMemberOfAnyGroup(person: PersonId): boolean {
    return this.groups().some((g) => g.members.includes(person));
  }
}
