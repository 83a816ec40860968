import { afterEach, describe, expect, it } from '@jest/globals';
import net from 'node:net';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { isLoopbackHost, NO_STARTTLS, smtpMailer, type MailOutcome } from '../../src/services/mailer.js';
import { ADMIN, PARENT, groupLine, message, person } from '../support/bot.js';
import { closedAfterEach, onlyReport, toPerson } from '../support/reporting.js';

/**
 * Mail never in the clear: a report (and the login before it) goes to a mail server elsewhere only
 * over TLS. A server that cannot encrypt gets nothing, and the report waits in the outbox with a
 * message naming SMTP_URL. Only a server on the same machine (loopback) may be plain.
 */

interface TlsTestServer {
  url: (credentials?: string) => string;
  port: number;
  /** Sessions that reached DATA, and whether each was encrypted by then. */
  delivered: Array<{ secure: boolean }>;
  logins: number;
  close(): Promise<void>;
}

const servers: TlsTestServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

/**
 * A real SMTP server on 127.0.0.1. `starttls: false` is a server with no STARTTLS at all (it is
 * neither offered nor understood: hiding the offer alone, smtp-server still upgrades on request).
 * With STARTTLS it uses smtp-server's built-in self-signed certificate for localhost.
 */
async function startServer(starttls: boolean): Promise<TlsTestServer> {
  const state = { delivered: [] as Array<{ secure: boolean }>, logins: 0 };
  const server = new SMTPServer({
    logger: false,
    disabledCommands: starttls ? [] : ['STARTTLS'],
    authOptional: true,
    allowInsecureAuth: true,
    closeTimeout: 500,
    onAuth(_auth, _session, callback) {
      state.logins += 1;
      callback(null, { user: 'steward' });
    },
    onData(stream, session: SMTPServerSession, callback) {
      stream.resume();
      stream.on('end', () => {
        state.delivered.push({ secure: session.secure });
        callback();
      });
    },
  });
  server.on('error', () => undefined);
  const port = await new Promise<number>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.server.address() as net.AddressInfo).port));
  });
  const handle: TlsTestServer = {
    url: (credentials = '') => `smtp://${credentials}127.0.0.1:${port}`,
    port,
    delivered: state.delivered,
    get logins() {
      return state.logins;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  servers.push(handle);
  return handle;
}

const mail = { from: 'steward@example.org', to: 'school@example.org', subject: 'Report R-1', text: 'A report', messageId: '<r1@steward>' };

async function send(url: string, options: Parameters<typeof smtpMailer>[2] = {}): Promise<MailOutcome> {
  const mailer = smtpMailer(url, 5, options);
  try {
    return await mailer.send(mail, 'R-1.eml');
  } finally {
    mailer.close();
  }
}

describe('which mail servers may be reached without TLS', () => {
  it.each(['127.0.0.1', '127.8.9.10', 'localhost', 'LocalHost', '[::1]', '::1', '[::ffff:7f00:1]', '::ffff:127.0.0.1'])(
    '%s is this machine: plain SMTP may stay on it',
    (host) => expect(isLoopbackHost(host)).toBe(true),
  );

  it.each(['mail.example.org', '10.0.0.5', '192.168.1.2', '128.0.0.1', '0.0.0.0', '127.0.0.1.nip.io', 'localhost.example.org', '127.1', '[::2]', '[fe80::1]'])(
    '%s may be elsewhere: TLS is required',
    (host) => expect(isLoopbackHost(host)).toBe(false),
  );
});

describe('TLS required (as for any server that is not on this machine)', () => {
  it('sends nothing to a server without STARTTLS, not even the login, and says SMTP_URL must change', async () => {
    const server = await startServer(false);
    const outcome = await send(server.url('steward:hunter2@'), { requireTls: true });
    expect(outcome).toMatchObject({ ok: false, kind: 'auth' });
    const code = (outcome as { code: string }).code;
    expect(code).toContain('SMTP_URL');
    expect(code).toContain('STARTTLS');
    expect(code).toContain(NO_STARTTLS);
    expect(server.logins).toBe(0);
    expect(server.delivered).toEqual([]);
  });

  it('delivers over STARTTLS to a server that offers it, the login and the report encrypted', async () => {
    const server = await startServer(true);
    const outcome = await send(server.url('steward:hunter2@'), { requireTls: true, trustAnyCertificate: true });
    expect(outcome).toEqual({ ok: true, accepted: [mail.to] });
    expect(server.logins).toBe(1);
    expect(server.delivered).toEqual([{ secure: true }]);
  });

  it("checks the server's certificate: a self-signed one is refused (and retried later, not sent)", async () => {
    const server = await startServer(true);
    const outcome = await send(server.url(), { requireTls: true });
    expect(outcome).toMatchObject({ ok: false, kind: 'retry' });
    expect(server.delivered).toEqual([]);
  });

  it('a server on this machine without STARTTLS still gets the report in plain SMTP', async () => {
    const server = await startServer(false);
    expect(await send(server.url())).toEqual({ ok: true, accepted: [mail.to] });
    expect(server.delivered).toEqual([{ secure: false }]);
  });
});

describe('where the mail goes, as shown to the operator', () => {
  it('never shows the password in SMTP_URL', () => {
    const mailer = smtpMailer('smtp://steward:hunter2@mail.example.org:587', 5);
    expect(mailer.destination).toBe('smtp://steward:****@mail.example.org:587');
    mailer.close();
  });
});

describe('the whole bot, with SMTP_URL naming a server that is not loopback', () => {
  const { bot } = closedAfterEach();
  const AUTHOR = person(3);
  const OPERATOR = person(50);

  // 0.0.0.0 is not a loopback address, so the bot requires TLS; Linux connects it to this
  // machine all the same, which lets a test reach a real server by a non-loopback address offline.
  it('keeps the report queued, pauses the outbox and tells the operator to fix SMTP_URL, whatever the URL asks', async () => {
    const server = await startServer(false);
    const b = await bot({ env: { SMTP_URL: `smtp://steward:hunter2@0.0.0.0:${server.port}?ignoreTLS=true&requireTLS=false`, BOT_OPERATOR: OPERATOR } });
    await b.run(
      groupLine([ADMIN, PARENT, AUTHOR]),
      message(AUTHOR, 'Mr Khan is useless', { id: 'm1' }),
      message(PARENT, '!flag rude about a teacher', { id: 'f1', quotedId: 'm1' }),
    );
    await b.settle();
    const report = await onlyReport(b.storageDir);
    expect(report.delivery.state).toBe('queued');
    expect(report.delivery.lastError).toContain(NO_STARTTLS);
    expect(b.sim.app.outbox.paused).toContain(NO_STARTTLS);
    const told = toPerson(b, OPERATOR);
    expect(told).toEqual([expect.stringContaining(NO_STARTTLS)]);
    expect(told[0]).not.toContain('hunter2');
    expect(server.logins).toBe(0);
    expect(server.delivered).toEqual([]);
  });
});
