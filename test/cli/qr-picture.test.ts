import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { QrPicture } from '../../src/cli/qr-picture.js';
import { capturingLogger } from '../support/log-lines.js';

let dir: string;
let umask: number;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'steward-qr-'));
  umask = process.umask(0o022);
});
afterEach(async () => {
  process.umask(umask);
  await rm(dir, { recursive: true, force: true });
});

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
const exists = (file: string) => stat(file).then(() => true, () => false);

describe('the QR code picture', () => {
  it('is a PNG readable by the bot only, replaced as WhatsApp rotates the code, and deleted once linked', async () => {
    const picture = new QrPicture(path.join(dir, 'whatsapp-qr.png'), capturingLogger().log);
    await picture.show('2@first-code');
    const first = await readFile(picture.file);
    expect(first.subarray(0, 4)).toEqual(PNG_SIGNATURE);
    expect((await stat(picture.file)).mode & 0o777).toBe(0o600);
    await picture.show('2@second-code-which-is-rather-longer-than-the-first');
    expect(await readFile(picture.file)).not.toEqual(first);
    await picture.linked();
    expect(await exists(picture.file)).toBe(false);
  });

  it('hands the status page the latest code while linking, and none once linked', async () => {
    const picture = new QrPicture(path.join(dir, 'whatsapp-qr.png'), capturingLogger().log);
    expect(picture.latest).toBeUndefined();
    const first = picture.show('2@first-code');
    expect(picture.latest).toBe('2@first-code');
    await first;
    await picture.show('2@second-code');
    expect(picture.latest).toBe('2@second-code');
    await picture.linked();
    expect(picture.latest).toBeUndefined();
  });

  it('is deleted even when the number links while a picture is still being made', async () => {
    const picture = new QrPicture(path.join(dir, 'whatsapp-qr.png'), capturingLogger().log);
    const showing = picture.show('2@code');
    await picture.linked();
    await showing;
    expect(await exists(picture.file)).toBe(false);
  });

  it('that cannot be saved is a warning with a code, and the bot goes on', async () => {
    const { log, lines } = capturingLogger();
    const picture = new QrPicture(path.join(dir, 'no-such-folder', 'whatsapp-qr.png'), log);
    await picture.show('2@code');
    expect(lines).toEqual([expect.objectContaining({ level: 'warn', message: 'could not save the QR code as a picture', code: 'ENOENT' })]);
    await picture.linked();
  });
});
