import { EventEmitter } from 'node:events';
import { describe, expect, it } from '@jest/globals';
import { ownProcessEvents, tellOperatorsStopped } from '../../src/cli/start.js';
import { loadConfig } from '../../src/config/load.js';
import { browserOptions, webVersionOptions } from '../../src/transports/whatsapp-client.js';

/*
 * What `npm start` sets up around the transport: the process's signals and stray rejections are
 * the bot's, not puppeteer's; the WhatsApp Web version is what the config says; and a blocked
 * number is told to the operators in words from the templates.
 */

const OPERATOR = '447700900077@c.us';
const OTHER_OPERATOR = '447700900078@c.us';

describe('the process belongs to the bot', () => {
  it('puppeteer is told not to handle SIGINT, SIGTERM or SIGHUP (it would kill Chromium and exit mid-write)', () => {
    const options = browserOptions(loadConfig({}).config);
    expect(options).toMatchObject({ handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false });
  });

  it('SIGTERM, SIGINT and SIGHUP each ask for the one graceful shutdown; a stray rejection rebuilds instead of ending', () => {
    const proc = new EventEmitter();
    const shutdowns: string[] = [];
    const rejections: unknown[] = [];
    ownProcessEvents(proc, { shutdown: (signal) => shutdowns.push(signal), strayRejection: (reason) => rejections.push(reason) });

    proc.emit('SIGINT');
    proc.emit('SIGINT');
    proc.emit('SIGTERM');
    proc.emit('SIGHUP');
    // A second Ctrl-C reaches the bot's handler again (which ignores it while finishing), not Node's default exit.
    expect(shutdowns).toEqual(['SIGINT', 'SIGINT', 'SIGTERM', 'SIGHUP']);
    expect(proc.listenerCount('SIGINT')).toBe(1);

    const reason = new Error('Protocol error (Runtime.callFunctionOn): Session closed.');
    proc.emit('unhandledRejection', reason, Promise.resolve());
    expect(rejections).toEqual([reason]);
  });
});

describe('which WhatsApp Web is loaded', () => {
  const config = (whatsapp: Record<string, unknown>) => {
    const base = loadConfig({ BOT_STORAGE_DIR: '/srv/steward' }).config;
    return { ...base, whatsapp: { ...base.whatsapp, ...whatsapp } };
  };

  it('by default, the latest, and each version loaded is kept in the local cache for a later pin', () => {
    expect(webVersionOptions(config({}))).toEqual({ webVersionCache: { type: 'local', path: '/srv/steward/whatsapp-cache' } });
  });

  it('a pinned version with the local cache is looked up there by name', () => {
    expect(webVersionOptions(config({ webVersion: '2.3000.1023456789' }))).toEqual({
      webVersion: '2.3000.1023456789',
      webVersionCache: { type: 'local', path: '/srv/steward/whatsapp-cache' },
    });
  });

  it('a pinned version with the remote cache is fetched from the path template', () => {
    const remotePath = 'https://example.org/wa/{version}.html';
    expect(webVersionOptions(config({ webVersion: '2.3000.1023456789', webVersionCache: 'remote', webVersionRemotePath: remotePath }))).toEqual({
      webVersion: '2.3000.1023456789',
      webVersionCache: { type: 'remote', remotePath },
    });
  });

  it('none: no cache at all', () => {
    expect(webVersionOptions(config({ webVersionCache: 'none' }))).toEqual({ webVersionCache: { type: 'none' } });
  });
});

describe('telling the operators the number was stopped', () => {
  const templates = loadConfig({}).templates;

  it('each operator gets the plain words for a block; the count is of those WhatsApp took', async () => {
    const sent: Array<[string, string]> = [];
    const told = await tellOperatorsStopped(
      'TOS_BLOCK',
      async (chat, text) => {
        sent.push([chat, text]);
        return chat === OPERATOR;
      },
      [OPERATOR, OTHER_OPERATOR],
      templates,
    );
    expect(told).toBe(1);
    expect(sent.map(([chat]) => chat)).toEqual([OPERATOR, OTHER_OPERATOR]);
    expect(sent[0]![1]).toMatch(/^WhatsApp has blocked this number \(TOS_BLOCK\), so I have stopped/);
  });

  it('an outdated version says what to change', async () => {
    const sent: string[] = [];
    await tellOperatorsStopped('DEPRECATED_VERSION', async (_chat, text) => Boolean(sent.push(text)), [OPERATOR], templates);
    expect(sent[0]).toContain('set whatsapp.webVersion to null');
  });
});
