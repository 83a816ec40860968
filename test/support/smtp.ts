import net from 'node:net';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';

/**
 * Real SMTP servers on 127.0.0.1 for tests: each listens on a free port and records what the
 * client did, so a test can check what the school's mail server would have seen.
 */

export type SmtpBehaviour =
  /** 250 to everything. */
  | 'accept'
  /** 554 after every DATA: a permanent refusal. */
  | 'reject'
  /** Requires a login and refuses every one with 535. */
  | 'auth-reject'
  /** 451 (try again later) for the first `times` attempts at the given stage, then 250. */
  | { tempFail: number; at?: 'data' | 'rcpt' }
  /** 550 at RCPT TO for this one address; every other recipient is accepted. */
  | { rejectRecipient: string };

export interface ReceivedMail {
  /** The Message-ID header, angle brackets included, as the client wrote it. */
  messageId: string | undefined;
  subject: string | undefined;
  /** The envelope recipients the server accepted. */
  to: string[];
  from: string | undefined;
  raw: string;
}

/** One DATA (accepted or refused), or one refused RCPT TO, in the order they happened. */
export interface Transaction {
  stage: 'rcpt' | 'data';
  /** The reply code the server gave. */
  code: number;
  /** Only known once the message itself was sent, i.e. at DATA. */
  messageId?: string;
  recipient?: string;
}

export interface SmtpTestServer {
  url: string;
  port: number;
  /** Messages the server answered 250 to, in order. */
  received: ReceivedMail[];
  /** SMTP sessions clients opened (the bot opens one per delivery attempt). */
  attempts: number;
  /** Logins tried (auth-reject only). */
  logins: number;
  /** The most sessions that were ever open at the same time. */
  maxConcurrentSessions: number;
  transactions: Transaction[];
  close(): Promise<void>;
}

function smtpError(code: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode: code });
}

export async function startSmtpServer(behaviour: SmtpBehaviour = 'accept'): Promise<SmtpTestServer> {
  const received: ReceivedMail[] = [];
  const transactions: Transaction[] = [];
  const state = { attempts: 0, logins: 0, rcptSeen: 0, dataSeen: 0, open: 0, maxOpen: 0 };
  const tempFail = typeof behaviour === 'object' && 'tempFail' in behaviour ? behaviour : undefined;
  const rejectRecipient = typeof behaviour === 'object' && 'rejectRecipient' in behaviour ? behaviour.rejectRecipient.toLowerCase() : undefined;
  const auth = behaviour === 'auth-reject';

  const server = new SMTPServer({
    logger: false,
    // Plain SMTP on loopback: no STARTTLS to upgrade to (its built-in certificate is self-signed).
    disabledCommands: auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !auth,
    allowInsecureAuth: true,
    closeTimeout: 500,
    onConnect(_session, callback) {
      state.attempts += 1;
      state.open += 1;
      state.maxOpen = Math.max(state.maxOpen, state.open);
      callback();
    },
    onClose() {
      state.open -= 1;
    },
    onAuth(_auth, _session, callback) {
      state.logins += 1;
      callback(smtpError(535, 'Authentication credentials invalid'));
    },
    onRcptTo(address, _session, callback) {
      const recipient = address.address.toLowerCase();
      if (rejectRecipient && recipient === rejectRecipient) {
        transactions.push({ stage: 'rcpt', code: 550, recipient });
        return callback(smtpError(550, `No such user here: ${recipient}`));
      }
      if (tempFail?.at === 'rcpt' && state.rcptSeen++ < tempFail.tempFail) {
        transactions.push({ stage: 'rcpt', code: 451, recipient });
        return callback(smtpError(451, 'Try again later'));
      }
      callback();
    },
    onData(stream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', (error: Error) => callback(error));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const headers = parseHeaders(raw);
        const messageId = headers['message-id'];
        let code = 250;
        if (behaviour === 'reject') code = 554;
        else if (tempFail && (tempFail.at ?? 'data') === 'data' && state.dataSeen < tempFail.tempFail) code = 451;
        state.dataSeen += 1;
        transactions.push({ stage: 'data', code, messageId });
        if (code === 554) return callback(smtpError(554, 'Message refused'));
        if (code === 451) return callback(smtpError(451, 'Try again later'));
        received.push({
          messageId,
          subject: headers.subject,
          to: session.envelope.rcptTo.map((a) => a.address),
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
          raw,
        });
        callback();
      });
    },
  });
  server.on('error', () => undefined);

  const port = await new Promise<number>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.server.address() as net.AddressInfo).port));
  });
  const credentials = auth ? 'steward:not-the-password@' : '';
  return {
    url: `smtp://${credentials}127.0.0.1:${port}`,
    port,
    received,
    transactions,
    get attempts() {
      return state.attempts;
    },
    get logins() {
      return state.logins;
    },
    get maxConcurrentSessions() {
      return state.maxOpen;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface StallingServer {
  url: string;
  port: number;
  /** Connections accepted so far. */
  readonly connections: number;
  close(): Promise<void>;
}

/** Accepts connections and never says a word: the client's greeting timeout has to end it. */
export async function startStallingServer(): Promise<StallingServer> {
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const server = net.createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
  });
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    get connections() {
      return connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** An SMTP URL on a loopback port nothing listens on: every connection is refused. */
export async function closedPortUrl(): Promise<string> {
  const server = net.createServer();
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
  });
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `smtp://127.0.0.1:${port}`;
}

// ---------------------------------------------------------------------------------------------
// Just enough MIME to read what nodemailer writes (mailparser is not a dependency).

export interface ParsedMail {
  /** Header names in lower case; values unfolded and with encoded words decoded. */
  headers: Record<string, string>;
  /** The decoded text/plain body. */
  text: string;
  attachments: Array<{ filename: string | undefined; contentType: string; content: Buffer }>;
}

function splitHead(raw: string): { head: string; body: string } {
  const match = /\r?\n\r?\n/.exec(raw);
  if (!match) return { head: raw, body: '' };
  return { head: raw.slice(0, match.index), body: raw.slice(match.index + match[0].length) };
}

function decodeWords(value: string): string {
  // Whitespace between two encoded words is not part of the text (RFC 2047 §6.2).
  return value
    .replace(/(=\?[^?]+\?[bqBQ]\?[^?]*\?=)\s+(?==\?)/g, '$1')
    .replace(/=\?([^?]+)\?([bqBQ])\?([^?]*)\?=/g, (_, _charset: string, encoding: string, data: string) => {
      if (encoding.toUpperCase() === 'B') return Buffer.from(data, 'base64').toString('utf8');
      return decodeQuotedPrintable(data.replace(/_/g, ' ')).toString('utf8');
    });
}

export function parseHeaders(raw: string): Record<string, string> {
  const { head } = splitHead(raw);
  const headers: Record<string, string> = {};
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  for (const line of unfolded.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!(name in headers)) headers[name] = decodeWords(line.slice(colon + 1).trim());
  }
  return headers;
}

export function decodeQuotedPrintable(text: string): Buffer {
  const soft = text.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < soft.length; i++) {
    const c = soft[i]!;
    if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(soft.slice(i + 1, i + 3))) {
      bytes.push(parseInt(soft.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(c, 'utf8'));
  }
  return Buffer.from(bytes);
}

function param(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  const match = new RegExp(`(?:^|;)\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, 'i').exec(header);
  return match ? (match[1] ?? match[2]) : undefined;
}

function decodeBody(body: string, encoding: string | undefined): Buffer {
  switch ((encoding ?? '7bit').toLowerCase()) {
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64');
    case 'quoted-printable':
      return decodeQuotedPrintable(body);
    default:
      return Buffer.from(body, 'utf8');
  }
}

export function parseMail(raw: string): ParsedMail {
  const result: ParsedMail = { headers: parseHeaders(raw), text: '', attachments: [] };
  const walk = (part: string) => {
    const headers = parseHeaders(part);
    const { body } = splitHead(part);
    const contentType = headers['content-type'] ?? 'text/plain';
    const mime = contentType.split(';')[0]!.trim().toLowerCase();
    if (mime.startsWith('multipart/')) {
      const boundary = param(contentType, 'boundary');
      if (!boundary) return;
      const pieces = body.split(new RegExp(`\\r?\\n?--${boundary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:--)?[ \\t]*\\r?\\n?`));
      for (const piece of pieces.slice(1)) if (piece.trim()) walk(piece);
      return;
    }
    const disposition = headers['content-disposition'];
    const content = decodeBody(body, headers['content-transfer-encoding']);
    if (mime === 'text/plain' && !/attachment/i.test(disposition ?? '')) {
      result.text += content.toString('utf8').replace(/\r\n/g, '\n');
    } else {
      result.attachments.push({ filename: param(disposition, 'filename') ?? param(contentType, 'name'), contentType: mime, content });
    }
  };
  walk(raw);
  return result;
}
