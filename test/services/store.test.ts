import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Store } from '../../src/services/store.js';

const GROUP = '120363000000000001@g.us';
const group = (n: number) => `1203630000000${String(n).padStart(5, '0')}@g.us`;
const person = (n: number) => `4477009${String(n).padStart(5, '0')}@c.us`;

let dir: string;
const open: Store[] = [];

async function openStore(): Promise<Store> {
  const store = await Store.open(dir);
  open.push(store);
  return store;
}

async function closeStore(store: Store): Promise<void> {
  open.splice(open.indexOf(store), 1);
  await store.close();
}

/** What is on disk, read as any other program would read it. */
async function onDisk(): Promise<{ version: number; groups: Record<string, { members: string[]; name: string; paused: boolean }> }> {
  return JSON.parse(await readFile(path.join(dir, 'db.json'), 'utf8'));
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'steward-store-'));
});
afterEach(async () => {
  for (const store of open.splice(0)) await store.close().catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

describe('Store', () => {
  it('writes a real db.json in its folder before updateGroup resolves', async () => {
    const store = await openStore();
    expect(store.file).toBe(path.join(dir, 'db.json'));
    await store.updateGroup(GROUP, (g) => {
      g.name = 'Year 3 Parents';
      store.setMembers(g, [person(1), person(2)]);
      g.admins = [person(1)];
    });
    const data = await onDisk();
    expect(data.version).toBe(1);
    expect(data.groups[GROUP]).toEqual({
      approved: false,
      id: GROUP,
      name: 'Year 3 Parents',
      members: [store.fingerprint(person(1)), store.fingerprint(person(2))],
      admins: [person(1)],
      paused: false,
      welcome: null,
    });
  });

  it('forgets a group it was removed from in the backup too', async () => {
    const store = await openStore();
    await store.updateGroup(group(2), (g) => {
      g.name = 'Year 4 Parents';
      g.admins = [person(7)];
    });
    await store.updateGroup(GROUP, (g) => (g.name = 'Year 3 Parents'));
    await store.removeGroup(group(2));
    for (const file of ['db.json', 'db.json.bak']) {
      const text = await readFile(path.join(dir, file), 'utf8');
      expect(text).not.toContain('Year 4 Parents');
      expect(text).not.toContain(person(7).split('@')[0]);
      expect(text).toContain('Year 3 Parents');
    }
  });

  it('creates the folder it is given', async () => {
    const nested = path.join(dir, 'a', 'b');
    const store = await Store.open(nested);
    open.push(store);
    await store.updateGroup(GROUP, (g) => (g.name = 'Nested'));
    expect(JSON.parse(await readFile(path.join(nested, 'db.json'), 'utf8')).groups[GROUP].name).toBe('Nested');
  });

  it('keeps its data when closed and opened again', async () => {
    const first = await openStore();
    await first.updateGroup(GROUP, (g) => {
      g.name = 'Year 3 Parents';
      first.setMembers(g, [person(1), person(2), person(3)]);
      g.paused = true;
      g.welcome = false;
    });
    await first.updateGroup(group(2), (g) => (g.name = 'Year 4 Parents'));
    await first.removeGroup(group(2));
    await closeStore(first);

    const second = await openStore();
    expect(second.group(GROUP)).toEqual({
      approved: false,
      id: GROUP,
      name: 'Year 3 Parents',
      members: [person(1), person(2), person(3)].map((p) => second.fingerprint(p)),
      admins: [],
      paused: true,
      welcome: false,
    });
    expect(second.group(group(2))).toBeUndefined();
    expect(second.groups()).toHaveLength(1);
  });

  it('starts empty in an empty folder', async () => {
    const store = await openStore();
    expect(store.groups()).toEqual([]);
    expect(store.group(GROUP)).toBeUndefined();
  });

  it('puts every one of many concurrent updates to different groups on disk', async () => {
    const store = await openStore();
    const ids = Array.from({ length: 60 }, (_, i) => group(i + 1));
    await Promise.all(ids.map((id, i) => store.updateGroup(id, (g) => (g.name = `Class ${i + 1}`))));
    const data = await onDisk();
    expect(Object.keys(data.groups).sort()).toEqual([...ids].sort());
    ids.forEach((id, i) => expect(data.groups[id]!.name).toBe(`Class ${i + 1}`));

    await closeStore(store);
    const again = await openStore();
    expect(again.groups()).toHaveLength(60);
  });

  it('keeps every one of many concurrent changes to the same group', async () => {
    const store = await openStore();
    const joiners = Array.from({ length: 80 }, (_, i) => person(100 + i));
    await Promise.all(joiners.map((p) => store.updateGroup(GROUP, (g) => store.addMembers(g, [p]))));
    expect((await onDisk()).groups[GROUP]!.members.sort()).toEqual(joiners.map((p) => store.fingerprint(p)).sort());
  });

  it('does not resolve an update before the file holds it, even mid-burst', async () => {
    const store = await openStore();
    const seen: boolean[] = [];
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.updateGroup(group(i + 1), (g) => (g.name = `G${i}`)).then(async () => {
          const data = await onDisk();
          seen.push(data.groups[group(i + 1)]?.name === `G${i}`);
        }),
      ),
    );
    expect(seen).toHaveLength(20);
    expect(seen.every(Boolean)).toBe(true);
  });

  it('never leaves a half-written db.json behind', async () => {
    const store = await openStore();
    await Promise.all(
      Array.from({ length: 30 }, (_, i) => store.updateGroup(group(i + 1), (g) => store.setMembers(g, [person(i)]))),
    );
    // Every file the store left in the folder that claims to be the database parses.
    for (const file of (await readdir(dir)).filter((f) => f.startsWith('db.json'))) {
      const text = await readFile(path.join(dir, file), 'utf8');
      if (file.endsWith('.tmp')) continue;
      expect(() => JSON.parse(text)).not.toThrow();
    }
  });

  it('does not lose its data when db.json is damaged: it opens the last good copy or refuses', async () => {
    const first = await openStore();
    await first.updateGroup(GROUP, (g) => (g.name = 'Year 3 Parents'));
    await first.updateGroup(GROUP, (g) => first.setMembers(g, [person(1)]));
    await closeStore(first);
    await writeFile(path.join(dir, 'db.json'), '{"version":1,"groups":{"1203630000');

    let reopened: Store | undefined;
    try {
      reopened = await openStore();
    } catch (error) {
      // Refusing is fine; silently starting empty (and then overwriting the file) is not.
      expect((error as Error).message).toMatch(/db\.json/);
      return;
    }
    expect(reopened.group(GROUP)?.name).toBe('Year 3 Parents');
  });

  it('refuses to start with empty data when every copy of the database is damaged', async () => {
    const first = await openStore();
    await first.updateGroup(GROUP, (g) => (g.name = 'Year 3 Parents'));
    await closeStore(first);
    for (const file of await readdir(dir)) {
      if (file.startsWith('db.json')) await writeFile(path.join(dir, file), 'not json at all');
    }
    await expect(Store.open(dir)).rejects.toThrow(/db\.json/);
    // Nothing was overwritten.
    expect(await readFile(path.join(dir, 'db.json'), 'utf8')).toBe('not json at all');
  });
});

describe('Store.groupsOf', () => {
  const ids = (groups: Array<{ id: string }>) => groups.map((g) => g.id);

  it('follows every change: joins, leaves, admins, a removed group, and a reopened store', async () => {
    const store = await openStore();
    await store.updateGroup(group(1), (g) => {
      store.setMembers(g, [person(1), person(2)]);
      g.admins = [person(1)];
      g.approved = true;
    });
    await store.updateGroup(group(2), (g) => {
      store.setMembers(g, [person(2)]);
      g.admins = [person(3)];
      g.approved = true;
    });
    await store.updateGroup(group(3), (g) => {
      store.setMembers(g, [person(1)]);
    });
    // Group 3 is not approved: being in it makes nobody a member the bot serves.
    expect(ids(store.groupsOf(person(1)))).toEqual([group(1)]);
    expect(ids(store.groupsOf(person(2)))).toEqual([group(1), group(2)]);
    // An admin WhatsApp did not list as a member still counts.
    expect(ids(store.groupsOf(person(3)))).toEqual([group(2)]);

    await store.updateGroup(group(1), (g) => {
      store.removeMembers(g, [person(1)]);
      g.admins = [];
    });
    expect(store.groupsOf(person(1))).toEqual([]);
    await store.removeGroup(group(2));
    expect(ids(store.groupsOf(person(2)))).toEqual([group(1)]);
    expect(store.groupsOf(person(3))).toEqual([]);

    await closeStore(store);
    const reopened = await openStore();
    expect(ids(reopened.groupsOf(person(2)))).toEqual([group(1)]);
    expect(reopened.groupsOf(person(9))).toEqual([]);
  });
});
