import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, readFile, rename, stat, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Config } from '../config/schema.js';
import type { ConnectionStatus } from '../core/connection.js';
import { errorCode, type Logger } from '../core/log.js';
import { CONSOLE_CSS, CONSOLE_HTML, CONSOLE_JS, QR_PICTURE_PIXELS, UNAUTHORISED_HTML } from './console-page.js';
import { PRIVATE_FILE_MODE } from './private-files.js';

/** The linking QR code as WhatsApp last sent it; undefined before the first and once linked. */
export interface QrSource {
  readonly latest: string | undefined;
}

/** What the status page is made from: the app's parts that only the front end holds together. */
export interface ConsoleParts {
  services: { config: Pick<Config, 'console' | 'storage'>; log: Logger };
  connection: ConnectionStatus;
  /**
   * The facts the page shows: the app's status() (features/status-facts.ts), plain data made of
   * counts, codes and states only. Passed in as a function so services do not import features.
   */
  status: () => object;
  qr: QrSource;
}

export interface RunningConsole {
  /** The full link, token included: printed once at start for the volunteer to open. */
  url: string;
  /** The page's address without the token. */
  address: string;
  close(): Promise<void>;
}

export const CONSOLE_TOKEN_FILE = 'console-token';
/** 32 random bytes as base64url. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/**
 * Headers on every answer, the 401 included. The token travels in the first URL only, so no
 * Referer may carry it anywhere, and no cache may keep a page of the bot's status.
 */
const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
    "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

const ASSETS: Record<string, { type: string; body: string }> = {
  '/': { type: 'text/html; charset=utf-8', body: CONSOLE_HTML },
  '/console.js': { type: 'text/javascript; charset=utf-8', body: CONSOLE_JS },
  '/console.css': { type: 'text/css; charset=utf-8', body: CONSOLE_CSS },
};

/**
 * The token that opens the page, kept in the storage folder so the link printed at the first
 * start keeps working after a restart. A file left empty or damaged (a crash while writing it) is
 * replaced by a new token, and a file someone made readable by others is made private again.
 */
export async function consoleToken(storageDir: string): Promise<string> {
  const file = path.join(storageDir, CONSOLE_TOKEN_FILE);
  try {
    const kept = (await readFile(file, 'utf8')).trim();
    if (TOKEN_PATTERN.test(kept)) {
      if (((await stat(file)).mode & 0o777) !== PRIVATE_FILE_MODE) await chmod(file, PRIVATE_FILE_MODE);
      return kept;
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const token = randomBytes(32).toString('base64url');
  await writeFile(`${file}.tmp`, `${token}\n`, { mode: PRIVATE_FILE_MODE });
  await rename(`${file}.tmp`, file);
  return token;
}

/** Equal in constant time: both sides are hashed first, so neither their bytes nor their lengths leak through timing. */
function sameToken(given: string | undefined, token: string): boolean {
  if (given === undefined) return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(token));
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

/** A day or a time as StatusFacts writes them (ISO): digits, but no phone number. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z?)?$/;

/**
 * A text that looks like a phone number (seven digits or more, spaces and dashes between them
 * allowed) keeps its last three digits only. StatusFacts holds no number; a group's name is
 * chosen in WhatsApp by whoever made the group and may hold one.
 */
function withoutPhoneNumbers(value: unknown): unknown {
  if (typeof value === 'string') {
    return ISO_TIME.test(value) ? value : value.replace(/\+?\d(?:[\s-]?\d){6,}/g, (digits) => `…${digits.replace(/\D/g, '').slice(-3)}`);
  }
  if (Array.isArray(value)) return value.map(withoutPhoneNumbers);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutPhoneNumbers(v)]));
  return value;
}

/** The address as a browser writes it: an IPv6 address in brackets, and "every address" as this machine's loopback. */
function browserHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

/** The QR picture for one code, made in memory; the last one is kept, as the page asks every few seconds. */
class QrPictures {
  private last: { qr: string; png: Promise<Buffer> } | undefined;

  picture(qr: string): Promise<Buffer> {
    if (this.last?.qr !== qr) {
      // Loaded here, not at the top: a bot that is already linked never draws a QR code.
      const png = import('qrcode').then(({ default: qrcode }) => qrcode.toBuffer(qr, { width: QR_PICTURE_PIXELS, margin: 2 }));
      this.last = { qr, png };
    }
    return this.last.png;
  }
}

/** A short name for one QR code that tells the page when to fetch a new picture, without sending the code itself. */
const qrVersion = (qr: string) => createHash('sha256').update(qr).digest('base64url').slice(0, 16);

/**
 * The local status page: while linking, the QR code to scan; once linked, what the operator's
 * !status says. Node's own http server, on CONSOLE_HOST:CONSOLE_PORT only, behind a token.
 * Resolves to undefined when it is turned off (port 0) or cannot listen: the bot runs on without
 * it, and the log says why.
 */
export async function startConsole(parts: ConsoleParts): Promise<RunningConsole | undefined> {
  const { config, log } = parts.services;
  const { host, port } = config.console;
  if (port === 0) {
    log.info('status page off (CONSOLE_PORT=0)');
    return undefined;
  }
  let token: string;
  try {
    token = await consoleToken(config.storage.dir);
  } catch (error) {
    log.warn(`The status page did not start: its token cannot be kept in the storage folder's ${CONSOLE_TOKEN_FILE}. The bot runs on without it.`, {
      code: errorCode(error),
    });
    return undefined;
  }
  // Per port: cookies do not tell ports apart, and two bots on one machine must not overwrite each other's.
  const cookieName = `steward-console-${port}`;
  const pictures = new QrPictures();

  const linkingQr = (): string | undefined => (parts.connection.state === 'waiting-for-qr' ? parts.qr.latest : undefined);

  async function answer(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
    const send = (status: number, type: string, body: string | Buffer, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), ...headers });
      response.end(request.method === 'HEAD' ? undefined : body);
    };
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      send(405, 'text/plain; charset=utf-8', 'Only GET and HEAD.\n', { Allow: 'GET, HEAD' });
      return;
    }
    const url = new URL(request.url ?? '/', 'http://console.invalid');
    if (url.pathname === '/favicon.ico') {
      // Browsers ask for it on every page, the 401 page too: nothing, rather than an error in their console.
      response.writeHead(204);
      response.end();
      return;
    }
    const fromQuery = url.searchParams.get('token') ?? undefined;
    const queryOk = sameToken(fromQuery, token);
    if (!queryOk && !sameToken(cookieValue(request.headers.cookie, cookieName), token)) {
      send(401, 'text/html; charset=utf-8', UNAUTHORISED_HTML);
      return;
    }
    if (queryOk) {
      // The token leaves the address bar and the browser's history: from now on the cookie opens the page.
      url.searchParams.delete('token');
      send(303, 'text/plain; charset=utf-8', 'See the page without its token.\n', {
        // One leading slash: "//host" would send the browser to another site.
        Location: `${url.pathname.replace(/^\/+/, '/')}${url.search}`,
        'Set-Cookie': `${cookieName}=${token}; Path=/; HttpOnly; SameSite=Strict`,
      });
      return;
    }
    const asset = ASSETS[url.pathname];
    if (asset) {
      send(200, asset.type, asset.body);
      return;
    }
    if (url.pathname === '/status.json') {
      const qr = linkingQr();
      const page = {
        whatsapp: { state: parts.connection.state, since: parts.connection.since.toISOString() },
        qr: qr === undefined ? null : qrVersion(qr),
        facts: withoutPhoneNumbers(parts.status()),
      };
      send(200, 'application/json; charset=utf-8', JSON.stringify(page));
      return;
    }
    if (url.pathname === '/qr.png') {
      // Only while linking: once linked, whoever holds a QR code could link their own phone as the bot.
      const qr = linkingQr();
      if (qr === undefined) send(404, 'text/plain; charset=utf-8', 'No QR code: the bot is not waiting to be linked.\n');
      else send(200, 'image/png', await pictures.picture(qr));
      return;
    }
    send(404, 'text/plain; charset=utf-8', 'Not found.\n');
  }

  const server = http.createServer((request, response) => {
    answer(request, response).catch((error: unknown) => {
      log.error('status page request failed', { code: errorCode(error) });
      if (!response.headersSent) response.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      response.end();
    });
  });
  // A browser tab left open keeps its connection; nothing on this page needs long ones.
  server.keepAliveTimeout = 5000;
  server.requestTimeout = 10_000;

  const listening = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
    server.once('error', resolve);
    server.listen({ host, port }, () => {
      server.off('error', resolve);
      resolve(undefined);
    });
  });
  if (listening) {
    const why =
      listening.code === 'EADDRINUSE'
        ? `port ${port} is in use (CONSOLE_PORT): set CONSOLE_PORT to a free port, or to 0 to turn the page off`
        : listening.code === 'EADDRNOTAVAIL' || listening.code === 'ENOTFOUND'
          ? `${host} is not an address of this machine (CONSOLE_HOST)`
          : listening.code === 'EACCES'
            ? `port ${port} needs more rights than the bot has (CONSOLE_PORT): choose one above 1023`
            : `${host}:${port} (CONSOLE_HOST, CONSOLE_PORT) cannot be used`;
    log.warn(`The status page did not start: ${why}. The bot runs on without it.`, { code: listening.code ?? errorCode(listening) });
    return undefined;
  }
  server.on('error', (error) => log.error('status page server error', { code: errorCode(error) }));
  const address = `http://${browserHost(host)}:${(server.address() as AddressInfo).port}/`;
  log.info(`status page on ${address} (the link with its token is printed once, at start)`);
  return {
    url: `${address}?token=${token}`,
    address,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
