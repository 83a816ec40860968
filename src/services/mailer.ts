import { mkdir, open, rename } from 'node:fs/promises';
import path from 'node:path';
import nodemailer, { type NodemailerError, type SendMailOptions } from 'nodemailer';

export type MailOutcome =
  | { ok: true; accepted: string[] }
  /** retry: try again later (4xx, timeouts, refused connections); permanent: 5xx; auth: credentials refused. */
  | { ok: false; kind: 'retry' | 'permanent' | 'auth'; code: string };

export interface Mailer {
  readonly mode: 'smtp' | 'files';
  /** Where the mail goes, for the operator: the SMTP host or the outbox folder (never a password). */
  readonly destination: string;
  send(mail: SendMailOptions & { to: string; messageId: string }, fileName: string): Promise<MailOutcome>;
  close(): void;
}

function smtpCode(error: NodemailerError & { rejectedErrors?: NodemailerError[] }): number | undefined {
  const deferred = error.rejectedErrors?.find((e) => e.responseCode && e.responseCode < 500);
  return deferred?.responseCode ?? error.responseCode;
}

/** What a failed attempt means for the next one. */
function classifyMailError(error: unknown): MailOutcome & { ok: false } {
  const mailError = (error ?? {}) as NodemailerError;
  const code = mailError.code ?? 'unknown';
  const response = smtpCode(mailError);
  if (code === 'EAUTH' || code === 'ENOAUTH' || response === 535 || response === 534 || response === 530) {
    return { ok: false, kind: 'auth', code: response ? `${code} ${response}` : code };
  }
  if (response !== undefined && response >= 500) return { ok: false, kind: 'permanent', code: `${code} ${response}` };
  if (response !== undefined) return { ok: false, kind: 'retry', code: `${code} ${response}` };
  // No answer from the server at all (refused, timed out, cut off): it may be back later.
  return { ok: false, kind: 'retry', code };
}

/** Sends through a real SMTP server, one connection per attempt, with bounded waits at each step. */
export function smtpMailer(url: string, timeoutSeconds: number): Mailer {
  const timeout = timeoutSeconds * 1000;
  const parsed = new URL(url);
  const transport = nodemailer.createTransport({
    url,
    pool: false,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    dnsTimeout: timeout,
  } as Parameters<typeof nodemailer.createTransport>[0] & { url: string });
  return {
    mode: 'smtp',
    destination: `${parsed.hostname}:${parsed.port || (parsed.protocol === 'smtps:' ? 465 : 587)}`,
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
        await mkdir(dir, { recursive: true });
        const file = path.join(dir, fileName);
        const temp = `${file}.tmp`;
        const handle = await open(temp, 'w');
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
