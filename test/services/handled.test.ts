import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HandledFile } from '../../src/services/handled.js';

const GROUP = '120363000000000001@g.us';
const DAY = 86_400_000;
const T0 = new Date('2026-01-05T08:00:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

let dir: string;
let file: string;
const open: HandledFile[] = [];
const openFile = async () => {
  const handled = await HandledFile.open(file);
  open.push(handled);
  return handled;
};
const lines = async () => (await readFile(file, 'utf8')).split('\n').filter(Boolean);

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'steward-handled-'));
  file = path.join(dir, 'handled-messages.txt');
});
afterEach(async () => {
  for (const handled of open.splice(0)) await handled.close().catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

describe('the record of handled messages', () => {
  it('claims a message once, and remembers it across a reopen without keeping its chat or id readable', async () => {
    const first = await openFile();
    expect(await first.claim(GROUP, 'm1', T0, T0)).toBe(true);
    expect(await first.claim(GROUP, 'm1', T0, at(1000))).toBe(false);
    expect(await first.claim('447700900002@c.us', 'm1', T0, at(1000))).toBe(true);
    await first.close();
    open.splice(0);
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain('m1');
    expect(text).not.toContain('447700900002');

    const second = await openFile();
    expect(await second.claim(GROUP, 'm1', T0, at(DAY))).toBe(false);
    expect(await second.claim(GROUP, 'm2', T0, at(DAY))).toBe(true);
  });

  it('forgets messages handled more than 14 days ago, by the clock', async () => {
    const handled = await openFile();
    await handled.claim(GROUP, 'old', T0, T0);
    await handled.claim(GROUP, 'recent', at(10 * DAY), at(10 * DAY));
    await handled.claim(GROUP, 'now', at(15 * DAY), at(15 * DAY));
    expect(handled.size).toBe(2);
    expect(await handled.claim(GROUP, 'old', T0, at(15 * DAY))).toBe(true);
    expect(await handled.claim(GROUP, 'recent', at(10 * DAY), at(15 * DAY))).toBe(false);
  });

  it('keeps its file bounded: once half its lines are forgotten, it is rewritten with only what is remembered', async () => {
    const handled = await openFile();
    for (let i = 0; i < 10_001; i++) await handled.claim(GROUP, `m${i}`, at(i), at(i));
    expect(handled.size).toBe(10_001);
    await handled.written();
    expect(await lines()).toHaveLength(10_001);
    // 15 days on, all of those are forgotten, and the file is rewritten with the one just handled.
    await handled.claim(GROUP, 'later', at(15 * DAY), at(15 * DAY));
    expect(handled.size).toBe(1);
    await handled.written();
    expect(await lines()).toHaveLength(1);
    await handled.claim(GROUP, 'later still', at(15 * DAY), at(15 * DAY));
    await handled.written();
    expect(await lines()).toHaveLength(2);
    expect(await handled.claim(GROUP, 'm5', at(5), at(15 * DAY))).toBe(true);
    expect(await handled.claim(GROUP, 'later', at(15 * DAY), at(15 * DAY))).toBe(false);
  });

  it('skips a line cut short by a crash, and goes on', async () => {
    const first = await openFile();
    await first.claim(GROUP, 'm1', T0, T0);
    await first.close();
    open.splice(0);
    await appendFile(file, '1767600000000 17676');
    const second = await openFile();
    expect(await second.claim(GROUP, 'm1', T0, T0)).toBe(false);
    expect(await second.claim(GROUP, 'm2', T0, T0)).toBe(true);
  });
});
