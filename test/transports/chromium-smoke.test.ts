import { describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Transport from 'winston-transport';
import { loadConfig } from '../../src/config/load.js';
import { SystemClock } from '../../src/core/clock.js';
import { createLogger } from '../../src/services/logger.js';
import { clearStaleBrowserLocks, createWhatsAppClient, whatsappFolders } from '../../src/transports/whatsapp-client.js';
import { WhatsAppTransport, whatsappTimings } from '../../src/transports/whatsapp.js';

const chromium = process.env.PUPPETEER_EXECUTABLE_PATH ?? '/usr/bin/chromium';
// CI installs Debian's chromium for this test, so there it must run; elsewhere it runs when chromium is there.
const runs = process.env.CI === 'true' || existsSync(chromium);

class Lines extends Transport {
  readonly lines: string[] = [];
  override log(info: { level: string; message: string }, done: () => void) {
    this.lines.push(`${info.level}: ${info.message}`);
    done();
  }
}

describe('the real Chromium through the WhatsApp adapter, with no internet', () => {
  (runs ? it : it.skip)(
    'launches Debian chromium, cannot reach WhatsApp Web, says so in one line and keeps retrying',
    async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'steward-chromium-'));
      const { config } = loadConfig({ BOT_STORAGE_DIR: dir, PUPPETEER_EXECUTABLE_PATH: chromium });
      const lines = new Lines();
      const log = createLogger({ level: 'info', consoleLevel: 'silent', extra: [lines] });
      const clock = new SystemClock(() => undefined);
      let clients = 0;
      const transport = new WhatsAppTransport({
        createClient: () => {
          clients += 1;
          return createWhatsAppClient(config);
        },
        clock,
        log,
        timings: { ...whatsappTimings(config), firstRetryMs: 500, longestRetryMs: 1000 },
      });
      try {
        await transport.start(async () => undefined);
        // The first start fails and a retry is scheduled; wait for the second start to fail too.
        for (let waited = 0; waited < 60_000 && lines.lines.filter((l) => /Cannot reach WhatsApp Web/.test(l)).length < 2; waited += 200) {
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
        const failures = lines.lines.filter((l) => /Cannot reach WhatsApp Web/.test(l));
        expect(failures.length).toBeGreaterThanOrEqual(2);
        expect(failures[0]).toMatch(/^warn: Cannot reach WhatsApp Web.*Retrying in \d+ s\.$/);
        expect(failures.every((l) => !l.includes('\n') && !/\bat .*\(/.test(l))).toBe(true);
        expect(clients).toBeGreaterThanOrEqual(2);
        // The browser really ran: it made its profile under the storage folder.
        expect((await readdir(whatsappFolders(config).profile)).length).toBeGreaterThan(0);
      } finally {
        await transport.stop();
        await clearStaleBrowserLocks(whatsappFolders(config).profile);
        await rm(dir, { recursive: true, force: true });
      }
    },
    90_000,
  );
});
