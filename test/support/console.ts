import http from 'node:http';
import net from 'node:net';
import type { Logger } from '../../src/core/log.js';
import { startConsole, type QrSource, type RunningConsole } from '../../src/services/console-server.js';
import type { TestBot } from './bot.js';

/**
 * A port nothing listens on now. The page's own setting cannot ask for "any port" (0 turns it
 * off), so a test finds one and names it in CONSOLE_PORT, as a volunteer would.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen({ host: '127.0.0.1', port: 0 }, () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** The linking QR code as WhatsApp would hand it over, set by the test. */
export class TestQr implements QrSource {
  latest: string | undefined;
}

/** The status page for a simulated bot, wired as `npm start` wires it for the real one. */
export function consoleFor(b: TestBot, qr: QrSource, log: Logger = b.sim.app.services.log): Promise<RunningConsole | undefined> {
  const { app } = b.sim;
  return startConsole({ services: { config: app.services.config, log }, connection: app.connection, status: () => app.status(), qr });
}

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

/** One plain HTTP request, as any client sends it: no redirect followed, no cookie kept. */
export function request(
  url: string,
  options: { method?: string; cookie?: string; host?: string; /** Sent as it is, not as a URL would tidy it. */ rawPath?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    if (options.host) target.hostname = options.host;
    const req = http.request(
      target,
      {
        method: options.method ?? 'GET',
        headers: options.cookie ? { cookie: options.cookie } : {},
        agent: false,
        ...(options.rawPath ? { path: options.rawPath } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** The cookie a first visit with the token set, as the browser sends it back. */
export function cookieFrom(answer: Answer): string {
  const header = answer.headers['set-cookie']?.[0];
  if (!header) throw new Error(`no cookie was set (status ${answer.status})`);
  return header.split(';')[0]!;
}

/** A PNG's width and height, from its IHDR chunk. */
export function pngSize(png: Buffer): { width: number; height: number } {
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
