import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config/load.js';
import { groupCode } from '../../src/core/ids.js';
import { CONSOLE_TOKEN_FILE, type RunningConsole } from '../../src/services/console-server.js';
import { QR_PICTURE_PIXELS } from '../../src/services/console-page.js';
import { ADMIN, BOT, GROUP, PARENT, groupLine, message, person, type TestBot } from '../support/bot.js';
import { consoleFor, cookieFrom, freePort, PNG_SIGNATURE, pngSize, request, TestQr, type Answer } from '../support/console.js';
import { capturingLogger } from '../support/log-lines.js';
import { closedAfterEach, pause } from '../support/reporting.js';

/**
 * The local status page over plain HTTP, in front of a bot on the simulated WhatsApp: what a
 * request gets with and without the token, the headers that keep the page to itself, the token
 * file, the settings that move or turn it off, and what its data never holds.
 */

const GROUP_NAME = 'Year 3 Parents';
const AUTHOR = person(3);
const FLAGGED = 'Mr Khan the teacher is useless and everyone knows it';
const REASON = 'rude about a teacher';

const { bot, smtpServer, track } = closedAfterEach();
let umask: number;
beforeEach(() => {
  // A umask that would leave new files readable by others: the token file must not be.
  umask = process.umask(0o022);
});
afterEach(() => {
  process.umask(umask);
});

async function botWithConsole(env: Record<string, string> = {}, qr = new TestQr()) {
  const port = await freePort();
  const b = await bot({ env: { CONSOLE_PORT: String(port), ...env } });
  await b.run(groupLine([ADMIN, PARENT, AUTHOR]), pause(1));
  const { log, lines } = capturingLogger();
  const page = await consoleFor(b, qr, log);
  if (!page) throw new Error(`the status page did not start: ${JSON.stringify(lines)}`);
  track(page);
  return { b, page, port, qr, lines };
}

const tokenOf = (page: RunningConsole) => new URL(page.url).searchParams.get('token')!;
const at = (page: RunningConsole, where: string) => new URL(where, page.address).toString();

async function signIn(page: RunningConsole): Promise<string> {
  return cookieFrom(await request(page.url));
}

function expectSecurityHeaders(answer: Answer) {
  const csp = String(answer.headers['content-security-policy']);
  expect(csp).toMatch(/(^|;)\s*default-src 'self'/);
  expect(csp).toMatch(/script-src 'self'/);
  expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
  expect(answer.headers['x-frame-options']).toBe('DENY');
  expect(answer.headers['cache-control']).toBe('no-store');
  expect(answer.headers['referrer-policy']).toBe('no-referrer');
  expect(answer.headers['x-content-type-options']).toBe('nosniff');
}

describe('the status page without its token', () => {
  it('answers 401 to every path with no data, also to a wrong token or cookie', async () => {
    const { page, port } = await botWithConsole();
    const token = tokenOf(page);
    // The same length as the right one, one character different.
    const wrong = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    const attempts: Array<[string, string | undefined]> = [
      ...['/', '/status.json', '/qr.png', '/console.js', '/no-such-page'].map((where): [string, undefined] => [at(page, where), undefined]),
      [at(page, `/?token=${wrong}`), undefined],
      [at(page, '/status.json?token='), undefined],
      [at(page, '/status.json'), `steward-console-${port}=${wrong}`],
      // The right token under another port's cookie name is another bot's cookie.
      [at(page, '/status.json'), `steward-console-${port + 1}=${token}`],
    ];
    for (const [url, cookie] of attempts) {
      const answer = await request(url, cookie ? { cookie } : {});
      expect({ url, status: answer.status }).toEqual({ url, status: 401 });
      expect(answer.headers['set-cookie']).toBeUndefined();
      expect(answer.text).not.toContain(GROUP_NAME);
      expect(answer.text).not.toContain(groupCode(GROUP));
      expect(answer.text).not.toMatch(/"whatsapp"|connected|outbox/);
      expectSecurityHeaders(answer);
    }
    // Browsers ask for an icon on every page, the 401 page too: they get nothing at all.
    const icon = await request(at(page, '/favicon.ico'));
    expect({ status: icon.status, length: icon.body.length }).toEqual({ status: 204, length: 0 });
  });
});

describe('the status page with its token', () => {
  it('sets a private cookie at the first visit and leads on to the page without the token in its address', async () => {
    const { page, port } = await botWithConsole();
    const first = await request(page.url);
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/');
    const cookie = first.headers['set-cookie']![0]!;
    expect(cookie).toMatch(new RegExp(`^steward-console-${port}=${tokenOf(page)};`));
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).toMatch(/;\s*SameSite=Strict/i);
    expect(cookie).toMatch(/;\s*Path=\//);
    expectSecurityHeaders(first);

    const html = await request(page.address, { cookie: cookieFrom(first) });
    expect(html.status).toBe(200);
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    expect(html.text).toMatch(/<h1>Parent Group Steward<\/h1>/);
    expect(html.text).toMatch(/<table id="groups">/);
    expectSecurityHeaders(html);
    // Nothing inline for the policy to allow: the script and the style are files of their own.
    expect(html.text).toMatch(/<script src="\/console.js" defer><\/script>/);
    expect(html.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html.text).not.toMatch(/\sstyle=|\son[a-z]+=/);
    for (const [where, type] of [['/console.js', /^text\/javascript/], ['/console.css', /^text\/css/]] as const) {
      const asset = await request(at(page, where), { cookie: cookieFrom(first) });
      expect(asset.status).toBe(200);
      expect(asset.headers['content-type']).toMatch(type);
    }
    // The token in the query opens the data too, for a client that keeps no cookie.
    const json = await request(at(page, `/status.json?token=${tokenOf(page)}`));
    expect(json.status).toBe(303);
    expect(json.headers.location).toBe('/status.json');
    // Never on to another site, whatever the path.
    const twisted = await request(page.address, { rawPath: `/.//evil.example/?token=${tokenOf(page)}` });
    expect({ status: twisted.status, location: twisted.headers.location }).toEqual({ status: 303, location: '/evil.example/' });
  });

  it('gives the status as JSON: the connection and the same facts as !status', async () => {
    const { b, page } = await botWithConsole();
    const answer = await request(at(page, '/status.json'), { cookie: await signIn(page) });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    expectSecurityHeaders(answer);
    const data = JSON.parse(answer.text);
    expect(data.whatsapp).toEqual({ state: 'connected', since: expect.any(String) });
    expect(data.qr).toBeNull();
    expect(data.facts).toEqual(JSON.parse(JSON.stringify(b.sim.app.status())));
    expect(data.facts.groups).toEqual([
      expect.objectContaining({ name: GROUP_NAME, code: groupCode(GROUP), approved: true, paused: false, members: 3, languages: ['en'] }),
    ]);
  });

  it('answers GET and HEAD only', async () => {
    const { page } = await botWithConsole();
    const cookie = await signIn(page);
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS']) {
      const answer = await request(at(page, '/status.json'), { method, cookie });
      expect({ method, status: answer.status, allow: answer.headers.allow }).toEqual({ method, status: 405, allow: 'GET, HEAD' });
      expect(answer.text).not.toContain(GROUP_NAME);
    }
    const head = await request(at(page, '/status.json'), { method: 'HEAD', cookie });
    expect(head.status).toBe(200);
    expect(Number(head.headers['content-length'])).toBeGreaterThan(0);
    expect(head.body).toHaveLength(0);
  });
});

describe('the token', () => {
  it('is 32 random bytes kept in a file only the bot can read, the same after a restart; a damaged one is replaced', async () => {
    const { b, page, lines } = await botWithConsole();
    const token = tokenOf(page);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    const file = path.join(b.storageDir, CONSOLE_TOKEN_FILE);
    expect((await readFile(file, 'utf8')).trim()).toBe(token);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    // The log says where the page is, never its token.
    expect(lines.map((l) => l.message)).toContain(`status page on ${page.address} (the link with its token is printed once, at start)`);
    expect(JSON.stringify(lines)).not.toContain(token);
    const cookie = await signIn(page);
    await page.close();

    // A restart: the link printed the first time, and the cookie the browser kept, still open it.
    const again = track((await consoleFor(b, new TestQr()))!);
    expect(again.url).toBe(page.url);
    expect((await request(at(again, '/status.json'), { cookie })).status).toBe(200);
    await again.close();

    // A file left half-written: a new token, private again, and the old one opens nothing.
    await writeFile(file, 'not a token', { mode: 0o644 });
    const renewed = track((await consoleFor(b, new TestQr()))!);
    expect(tokenOf(renewed)).not.toBe(token);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await request(at(renewed, '/status.json'), { cookie })).status).toBe(401);
    expect((await request(at(renewed, `/status.json?token=${token}`))).status).toBe(401);
  });
});

describe('CONSOLE_HOST and CONSOLE_PORT', () => {
  it('default to this machine only on port 8080; a wrong value stops the start naming the variable', () => {
    expect(loadConfig({}).config.console).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(loadConfig({ CONSOLE_HOST: '0.0.0.0', CONSOLE_PORT: ' 9090 ' }).config.console).toEqual({ host: '0.0.0.0', port: 9090 });
    expect(loadConfig({ CONSOLE_PORT: '0' }).config.console.port).toBe(0);
    expect(loadConfig({ CONSOLE_HOST: '::1' }).config.console.host).toBe('::1');
    for (const port of ['http', '70000', '-1', '80.5']) {
      expect(() => loadConfig({ CONSOLE_PORT: port })).toThrow(
        new ConfigError('CONSOLE_PORT (sets "console.port"): must be a port number from 1 to 65535, or 0 to turn it off'),
      );
    }
    expect(() => loadConfig({ CONSOLE_HOST: 'my machine' })).toThrow(/^CONSOLE_HOST \(sets "console.host"\): must be an address of this machine such as 127.0.0.1/);
  });

  it('CONSOLE_PORT=0 turns the page off: nothing listens and no token is made', async () => {
    const b = await bot({ env: { CONSOLE_PORT: '0' } });
    const { log, lines } = capturingLogger();
    expect(await consoleFor(b, new TestQr(), log)).toBeUndefined();
    expect(lines).toEqual([expect.objectContaining({ level: 'info', message: 'status page off (CONSOLE_PORT=0)' })]);
    expect(await readdir(b.storageDir)).not.toContain(CONSOLE_TOKEN_FILE);
  });

  it('a port already in use is one clear line naming CONSOLE_PORT, and the bot runs on without the page', async () => {
    const port = await freePort();
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen({ host: '127.0.0.1', port }, resolve));
    track({ close: () => new Promise<void>((resolve) => taken.close(() => resolve())) });
    const b = await bot({ env: { CONSOLE_PORT: String(port) } });
    const { log, lines } = capturingLogger();
    expect(await consoleFor(b, new TestQr(), log)).toBeUndefined();
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'warn',
        message: `The status page did not start: port ${port} is in use (CONSOLE_PORT): set CONSOLE_PORT to a free port, or to 0 to turn the page off. The bot runs on without it.`,
        code: 'EADDRINUSE',
      }),
    ]);
    // The bot itself goes on: a member who asks for the rules gets them.
    await b.run(groupLine(), message(PARENT, '!rules'), pause());
    expect(b.take().map((s) => s.chat)).toContain(GROUP);
  });

  it('listens on CONSOLE_HOST only', async () => {
    const { page, port } = await botWithConsole({ CONSOLE_HOST: '127.0.0.1' });
    expect(page.address).toBe(`http://127.0.0.1:${port}/`);
    expect((await request(page.url)).status).toBe(303);
    // Another loopback address of this machine: a server on every address would answer there.
    await expect(request(page.url, { host: '127.0.0.2' })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});

describe('the QR code', () => {
  it('is served only while WhatsApp waits for it to be scanned, drawn in memory; the JSON never holds the code', async () => {
    const { b, page, qr } = await botWithConsole();
    const cookie = await signIn(page);
    const status = async () => JSON.parse((await request(at(page, '/status.json'), { cookie })).text);
    const picture = () => request(at(page, '/qr.png'), { cookie });

    // Waiting, but WhatsApp has sent no code yet.
    b.sim.app.connection.set('waiting-for-qr');
    expect((await status()).qr).toBeNull();
    expect((await picture()).status).toBe(404);

    qr.latest = '2@first-code,abc,def,ghi';
    const firstStatus = await status();
    expect(firstStatus.whatsapp.state).toBe('waiting-for-qr');
    expect(firstStatus.qr).toEqual(expect.any(String));
    expect(JSON.stringify(firstStatus)).not.toContain('first-code');
    const first = await picture();
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toBe('image/png');
    expect(first.headers['cache-control']).toBe('no-store');
    expect(first.body.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    expect(pngSize(first.body)).toEqual({ width: QR_PICTURE_PIXELS, height: QR_PICTURE_PIXELS });

    // WhatsApp rotates the code: a new picture, under a new name in the status.
    qr.latest = '2@second-code,jkl,mno,pqr';
    const second = await picture();
    expect(second.body.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    expect(second.body).not.toEqual(first.body);
    expect((await status()).qr).not.toBe(firstStatus.qr);

    // Linked: no picture any more, even if the code is still at hand, and none was ever written to storage.
    b.sim.app.connection.set('connected');
    expect((await picture()).status).toBe(404);
    expect((await status()).qr).toBeNull();
    expect((await readdir(b.storageDir)).filter((name) => name.endsWith('.png'))).toEqual([]);
    // Without the token, no picture even while linking.
    b.sim.app.connection.set('waiting-for-qr');
    expect((await request(at(page, '/qr.png'))).status).toBe(401);
  });
});

describe('what the page never shows', () => {
  it('holds no phone number and no message text, after a report was flagged and delivered', async () => {
    const smtp = await smtpServer();
    const { b, page } = await botWithConsole({ SMTP_URL: smtp.url });
    // A group whose name carries a phone number, as anyone who creates a group may name it.
    const NUMBERED = '120363000000000005@g.us';
    await b.run(groupLine([ADMIN, PARENT], [ADMIN], NUMBERED, 'Call 07700 900123 for lifts'), pause(1));
    await b.run(
      message(AUTHOR, FLAGGED, { id: 'm1', name: 'Sam Author' }),
      message(PARENT, `!flag ${REASON}`, { id: 'f1', quotedId: 'm1', name: "Bilal's mum" }),
    );
    await b.settle();
    expect(smtp.received).toHaveLength(1);

    const answer = await request(at(page, '/status.json'), { cookie: await signIn(page) });
    const data = JSON.parse(answer.text);
    expect(data.facts.outbox).toEqual(expect.objectContaining({ queued: 0, failed: 0, deliveredLast7Days: 1 }));
    for (const secret of [FLAGGED, 'useless', REASON, 'Sam Author', "Bilal's mum", ...[ADMIN, PARENT, AUTHOR, BOT].map((id) => id.split('@')[0]!)]) {
      expect({ secret, found: answer.text.includes(secret) }).toEqual({ secret, found: false });
    }
    expect(answer.text).not.toMatch(/\d{7,}|@c\.us|@g\.us|@lid/);
    expect(answer.text).not.toMatch(/07700[\s-]?900123/);
    expect(data.facts.groups.map((g: { name: string }) => g.name)).toEqual(expect.arrayContaining([GROUP_NAME, 'Call …123 for lifts']));
  });
});
