import { describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import puppeteer, { type Page } from 'puppeteer';
import { groupCode } from '../../src/core/ids.js';
import { QR_PICTURE_PIXELS } from '../../src/services/console-page.js';
import { browserOptions } from '../../src/transports/whatsapp-client.js';
import { ADMIN, GROUP, PARENT, groupLine, message, person } from '../support/bot.js';
import { consoleFor, freePort, PNG_SIGNATURE, TestQr } from '../support/console.js';
import { closedAfterEach, pause } from '../support/reporting.js';

/*
 * The little of the DOM that the functions run in the page touch: they run in Chromium, while the
 * project's types are Node's (no "dom" lib, so that nothing under src/ can use a browser global).
 */
interface PageElement {
  textContent: string | null;
  hidden: boolean;
  children: ArrayLike<PageElement>;
}
interface PageImage extends PageElement {
  src: string;
  alt: string;
  complete: boolean;
  naturalWidth: number;
  naturalHeight: number;
}
declare const document: {
  querySelector<T extends PageElement = PageElement>(selector: string): T | null;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
  body: { innerText: string };
  documentElement: { scrollWidth: number };
};
declare const window: { innerWidth: number; samePage?: boolean };

const chromium = process.env.PUPPETEER_EXECUTABLE_PATH ?? '/usr/bin/chromium';
// CI installs Debian's chromium for this test, so there it must run; elsewhere it runs when chromium is there.
const runs = process.env.CI === 'true' || existsSync(chromium);

const GROUP_NAME = 'Year 3 Parents';
const AUTHOR = person(3);
/** Bounds each wait for the page to update itself (it asks every few seconds), well inside the test's own limit. */
const UPDATE_WITHIN_MS = 20_000;

const { bot, smtpServer, track } = closedAfterEach();

/** The QR picture as the page has it: the bytes it fetches, and the size the browser decoded. */
async function shownQr(page: Page) {
  return page.evaluate(async () => {
    const img = document.querySelector<PageImage>('#qr')!;
    const response = await fetch(img.src);
    const bytes = Array.from(new Uint8Array(await response.arrayBuffer()));
    return { status: response.status, type: response.headers.get('content-type'), bytes, src: img.src, alt: img.alt, width: img.naturalWidth, height: img.naturalHeight };
  });
}

const qrLoaded = (page: Page, notSrc = '') =>
  page.waitForFunction(
    (old: string) => {
      const img = document.querySelector<PageImage>('#qr');
      return !!img && !img.hidden && img.src !== old && img.complete && img.naturalWidth > 0;
    },
    { timeout: UPDATE_WITHIN_MS },
    notSrc,
  );

const title = 'the status page in the real Chromium: 401 without the token, the QR code while linking, the status once connected, updated as a report is delivered';

describe('the local status page in a real browser', () => {
  (runs ? it : it.skip)(
    runs ? title : `${title} (skipped: ${chromium} is missing; CI installs it)`,
    async () => {
      const smtp = await smtpServer();
      const b = await bot({ env: { SMTP_URL: smtp.url, CONSOLE_PORT: String(await freePort()), PUPPETEER_EXECUTABLE_PATH: chromium } });
      await b.run(groupLine([ADMIN, PARENT, AUTHOR]), pause(1));
      // As the real WhatsApp does before the number is linked.
      b.sim.app.connection.set('waiting-for-qr');
      const qr = new TestQr();
      qr.latest = '2@first-code,aaaa,bbbb,cccc';
      const statusPage = track((await consoleFor(b, qr))!);

      const browser = await puppeteer.launch({ ...browserOptions(b.sim.app.services.config), headless: true });
      try {
        const page = await browser.newPage();
        // A phone's width.
        await page.setViewport({ width: 360, height: 740 });

        // Without the token: 401, and nothing of the bot's.
        const refused = await page.goto(statusPage.address);
        expect(refused!.status()).toBe(401);
        const refusedText = await page.evaluate(() => document.body.innerText);
        expect(refusedText).toMatch(/This page needs its link/);
        expect(refusedText).not.toContain(GROUP_NAME);

        // From here on, nothing may go wrong in the page: a script error, or the page's own policy blocking its script or style.
        const problems: string[] = [];
        page.on('pageerror', (error) => problems.push(String(error)));
        page.on('console', (entry) => {
          if (entry.type() === 'error' || entry.type() === 'warn') problems.push(entry.text());
        });

        // With it: the page, its address without the token once the cookie is set.
        const opened = await page.goto(statusPage.url);
        expect(opened!.status()).toBe(200);
        expect(opened!.request().redirectChain()).toHaveLength(1);
        expect(page.url()).toBe(statusPage.address);

        // Linking: the QR code as a picture, a PNG of its size that the browser decoded.
        await qrLoaded(page);
        const first = await shownQr(page);
        expect(first).toEqual(expect.objectContaining({ status: 200, type: 'image/png', width: QR_PICTURE_PIXELS, height: QR_PICTURE_PIXELS }));
        expect(Buffer.from(first.bytes.slice(0, 8))).toEqual(PNG_SIGNATURE);
        expect(first.alt).toMatch(/QR code for linking the bot's WhatsApp number/);
        expect(await page.$eval('#connection', (p) => p.textContent)).toMatch(/Waiting for the bot's phone to scan the QR code/);

        // WhatsApp rotates the code: the page shows the new picture by itself.
        qr.latest = '2@second-code,dddd,eeee,ffff';
        await qrLoaded(page, first.src);
        const second = await shownQr(page);
        expect(second.width).toBe(QR_PICTURE_PIXELS);
        expect(second.bytes).not.toEqual(first.bytes);

        // Linked: the QR code goes, the status table comes, with the group's name and code.
        b.sim.app.connection.set('connected');
        await page.waitForFunction(
          (name: string) =>
            document.querySelector('#linking')!.hidden &&
            Array.from(document.querySelectorAll('#groups tbody tr')).some((row) => row.textContent!.includes(name)),
          { timeout: UPDATE_WITHIN_MS },
          GROUP_NAME,
        );
        const row = await page.$eval('#groups tbody tr', (tr) => Array.from((tr as unknown as PageElement).children).map((cell) => cell.textContent));
        expect(row.slice(0, 5)).toEqual([GROUP_NAME, groupCode(GROUP), 'yes', 'no', '3']);
        expect(await page.$eval('#connection', (p) => p.textContent)).toMatch(/^WhatsApp connected\./);
        expect(await page.$eval('#delivered', (dd) => dd.textContent)).toBe('0');
        // At a phone's width nothing sticks out sideways: the table scrolls inside its own box.
        expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
        expect(await page.$$eval('h1, h2', (headings) => headings.map((h) => h.textContent))).toEqual(
          expect.arrayContaining(['Parent Group Steward', 'Groups', 'Reports to the school']),
        );

        // A report is flagged and reaches the school: the count goes up without a reload.
        await page.evaluate(() => (window.samePage = true));
        await b.run(
          message(AUTHOR, 'Mr Khan the teacher is useless and everyone knows it', { id: 'm1', name: 'Sam Author' }),
          message(PARENT, '!flag rude about a teacher', { id: 'f1', quotedId: 'm1' }),
        );
        await b.settle();
        expect(smtp.received).toHaveLength(1);
        await page.waitForFunction(() => document.querySelector('#delivered')!.textContent === '1', { timeout: UPDATE_WITHIN_MS });
        expect(await page.evaluate(() => window.samePage)).toBe(true);
        expect(await page.evaluate(() => document.body.innerText)).not.toMatch(/useless|rude about a teacher|447700900/);
        expect(problems).toEqual([]);
      } finally {
        await browser.close();
      }
    },
    120_000,
  );
});
