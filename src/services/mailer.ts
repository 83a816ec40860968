import { mkdir, open, rename } from 'node:fs/promises';
import { BlockList, isIPv6 } from 'node:net';
import path from 'node:path';
import nodemailer, { type NodemailerError, type SendMailOptions } from 'nodemailer';
import { maskUrl } from '../config/mask.js';
import { PRIVATE_FILE_MODE, PRIVATE_FOLDER_MODE } from './private-files.js';

export type MailOutcome =
  | { ok: true; accepted: string[] }
  /**
   * retry: try again later (4xx, timeouts, refused connections); permanent: 5xx; auth: the
   * settings are wrong (credentials refused, or no STARTTLS to protect them and the report), and a
   * person must fix SMTP_URL: every report would fail the same way until then.
   */
  | { ok: false; kind: 'retry' | 'permanent' | 'auth'; code: string };

export interface Mailer {
  readonly mode: 'smtp' | 'files';
  /** Where the mail goes, for the operator: SMTP_URL with its password masked, or the outbox folder. */
  readonly destination: string;
  send(mail: SendMailOptions & { to: string; messageId: string }, fileName: string): Promise<MailOutcome>;
  close(): void;
}

function smtpCode(error: NodemailerError & { rejectedErrors?: NodemailerError[] }): number | undefined {
  const deferred = error.rejectedErrors?.find((e) => e.responseCode && e.responseCode < 500);
  return deferred?.responseCode ?? error.responseCode;
}

/** What the operator reads (log, health, the message to the operator) when the server cannot encrypt. */
export const NO_STARTTLS =
  'SMTP_URL: the mail server does not offer STARTTLS; use smtps:// or a server that supports STARTTLS';

/**
 * With TLS required, nodemailer sends STARTTLS even when the server did not offer it, and fails
 * with ETLS carrying the server's refusal (5xx: no such command); a server that cannot even EHLO
 * cannot offer it either. A 454 (TLS not available for now) and a handshake that fails (ETLS with
 * no reply from the server) are retried like any other passing trouble.
 */
function noStartTls(error: NodemailerError): boolean {
  if (error.code === 'ETLS') return error.command === 'STARTTLS' && (error.responseCode ?? 0) >= 500;
  return error.code === 'ECONNECTION' && error.command === 'EHLO' && /STARTTLS/.test(error.message ?? '');
}

/** What a failed attempt means for the next one. */
function classifyMailError(error: unknown): MailOutcome & { ok: false } {
  const mailError = (error ?? {}) as NodemailerError;
  const code = mailError.code ?? 'unknown';
  const response = smtpCode(mailError);
  // Held like a refused login, so the reports wait in the outbox for a person to fix the setting.
  if (noStartTls(mailError)) return { ok: false, kind: 'auth', code: `${code}${response ? ` ${response}` : ''} (${NO_STARTTLS})` };
  if (code === 'EAUTH' || code === 'ENOAUTH' || response === 535 || response === 534 || response === 530) {
    return { ok: false, kind: 'auth', code: response ? `${code} ${response}` : code };
  }
  if (response !== undefined && response >= 500) return { ok: false, kind: 'permanent', code: `${code} ${response}` };
  if (response !== undefined) return { ok: false, kind: 'retry', code: `${code} ${response}` };
  // No answer from the server at all (refused, timed out, cut off): it may be back later.
  return { ok: false, kind: 'retry', code };
}

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/**
 * Whether mail to this host never leaves the machine (127.0.0.0/8, ::1, localhost), and so may go
 * unencrypted: a relay on the same machine or in the same container. Any other name may be
 * anywhere, so it gets STARTTLS or nothing.
 */
export function isLoopbackHost(host: string): boolean {
  const bare = host.trim().replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost' || bare === 'localhost.') return true;
  if (isIPv6(bare)) return loopback.check(bare, 'ipv6');
  return /^\d+\.\d+\.\d+\.\d+$/.test(bare) && loopback.check(bare, 'ipv4');
}

export interface SmtpMailerOptions {
  /** Tests only: TLS required even on loopback, as for any server elsewhere. */
  requireTls?: boolean;
  /** Tests only: trust the test server's self-signed certificate. */
  trustAnyCertificate?: boolean;
}

/**
 * Sends through a real SMTP server, one connection per attempt, with bounded waits at each step.
 * Mail to a server elsewhere is encrypted: smtps:// from the start, smtp:// by STARTTLS, required,
 * so a server that does not offer it (or someone in between who strips the offer) gets nothing,
 * neither the login nor a report.
 */
export function smtpMailer(url: string, timeoutSeconds: number, options: SmtpMailerOptions = {}): Mailer {
  const timeout = timeoutSeconds * 1000;
  const transport = nodemailer.createTransport({
    url,
    pool: false,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    dnsTimeout: timeout,
    ...(options.trustAnyCertificate ? { tls: { rejectUnauthorized: false } } : {}),
  } as Parameters<typeof nodemailer.createTransport>[0] & { url: string });
  // Decided on what nodemailer will connect to, after it has read the URL and its ?options (which
  // would otherwise win over ours): a ?requireTLS=false or ?ignoreTLS=true cannot turn it off.
  const effective = (transport.transporter as unknown as { options: { host?: string; secure?: boolean; requireTLS?: boolean } }).options;
  if (!effective.secure && (options.requireTls || !isLoopbackHost(effective.host ?? 'localhost'))) effective.requireTLS = true;
  return {
    mode: 'smtp',
    destination: maskUrl(url),
    async send(mail) {
      try {
        const info = await transport.sendMail(mail);
        const accepted = (info.accepted ?? []).map(String);
        const rejected = (info.rejected ?? []).map(String);
        // A recipient the server turned down means the school did not get it, whatever else went well.
        if (rejected.length || !accepted.length) {
          const errors = (info as { rejectedErrors?: NodemailerError[] }).rejectedErrors ?? [];
          return classifyMailError(Object.assign(new Error('recipient rejected'), { code: 'EENVELOPE', rejectedErrors: errors, responseCode: errors[0]?.responseCode ?? 550 }));
        }
        return { ok: true, accepted };
      } catch (error) {
        return classifyMailError(error);
      }
    },
    close: () => transport.close(),
  };
}

/**
 * With no mail server set, each report becomes an .eml file in the outbox folder: the volunteer
 * can open it in any mail program and send it on. nodemailer builds the file, so it is exactly
 * the message an SMTP server would have received.
 */
export function fileMailer(dir: string): Mailer {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    mode: 'files',
    destination: dir,
    async send(mail, fileName) {
      try {
        const info = await transport.sendMail(mail);
        await mkdir(dir, { recursive: true, mode: PRIVATE_FOLDER_MODE });
        const file = path.join(dir, fileName);
        const temp = `${file}.tmp`;
        const handle = await open(temp, 'w', PRIVATE_FILE_MODE);
        try {
          await handle.writeFile(info.message as Buffer);
          await handle.sync();
        } finally {
          await handle.close();
        }
        await rename(temp, file);
        return { ok: true, accepted: [mail.to] };
      } catch (error) {
        return { ok: false, kind: 'retry', code: (error as NodeJS.ErrnoException).code ?? 'EFILE' };
      }
    },
    close: () => undefined,
  };
}
