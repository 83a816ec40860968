import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  GROUP,
  confirmationPattern,
  person,
  seededRandom,
  spawnBot,
  startRecordingSmtp,
  withSeed,
  type BotChild,
  type RecordingSmtp,
} from '../support/crash-support.js';

/**
 * kill -9 loop. Each round a child bot (the real CLI, `simulate --script`) takes a handful of
 * `!flag` reports and mails them to an SMTP server that lives in this test, and is SIGKILLed at a
 * random moment: while starting, while writing, right after confirming to a reporter, in the middle
 * of an SMTP conversation (before and after the server's 250). A last child runs to its end so the
 * outbox drains. Then: every report a reporter was told about reached the school, each report
 * under exactly one Message-ID (a resend after a crash reuses it), and storage agrees.
 *
 * The kill moments are drawn from a seed (CRASH_SEED, else one from the clock); a failure names
 * it. The timings of the children are real, so a replay makes the same choices, not the same run.
 * The number of kills is bounded so the loop takes some 10 seconds; for a longer soak,
 * CRASH_KILLS=40 (say) asks for more.
 */

const TARGET_KILLS = Number(process.env.CRASH_KILLS ?? 8);
/** A kill can come too late (the child had already finished): a few more rounds make up for those. */
const MAX_ROUNDS = TARGET_KILLS + 4;
const FLAGS_PER_ROUND = 5;
const MEMBERS = 12; // person(2) … person(13); person(1) is the admin
const BASE = Date.parse('2026-01-05T07:00:00Z');
const HOURS = 3_600_000;
/**
 * Each reported message is this long (reports keep the text verbatim), so the database grows to
 * about half a MB over the loop and a write takes long enough for some kills to land inside one.
 */
const TEXT_CHARS = 24_000;

type Mode = 'startup' | 'running' | 'confirm' | 'smtp-before-250' | 'smtp-after-250';

interface RoundLog {
  round: number;
  mode: Mode | 'calibrate' | 'final';
  killed: boolean;
  ms: number;
  confirmed: number;
  emailsSeen: number;
  /** A temporary file of the database was left behind: the kill landed inside a write. */
  midWrite: boolean;
}

interface StoredReport {
  id: string;
  messageId: string;
  delivery: { state: string; attempts: number };
}

const seed = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000);
const REPLAY = `CRASH_SEED=${seed}${process.env.CRASH_KILLS ? ` CRASH_KILLS=${process.env.CRASH_KILLS}` : ''}`;
const random = seededRandom(seed);
const confirmation = confirmationPattern();

let dir: string;
let storage: string;
let smtp: RecordingSmtp;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'steward-crash-'));
  storage = path.join(dir, 'storage');
  smtp = await startRecordingSmtp();
});

afterAll(async () => {
  await smtp?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function roundScript(round: number): string {
  const lines: object[] = [
    {
      type: 'group',
      chat: GROUP,
      name: 'Year 3 Parents',
      members: Array.from({ length: MEMBERS + 1 }, (_, i) => person(i + 1)),
      admins: [person(1)],
    },
  ];
  for (let k = 0; k < FLAGS_PER_ROUND; k++) {
    const n = round * FLAGS_PER_ROUND + k;
    const author = person(2 + (n % MEMBERS));
    const reporter = person(2 + ((n + 5) % MEMBERS));
    const id = `r${round}-m${k}`;
    const text = `round ${round} message ${k}: you are all useless. `;
    lines.push({ type: 'message', chat: GROUP, from: author, id, text: text.repeat(Math.ceil(TEXT_CHARS / text.length)) });
    lines.push({ type: 'message', chat: GROUP, from: reporter, id: `r${round}-f${k}`, text: `!flag rude, round ${round} #${k}`, quotedId: id });
    // Lets simulated time move, so confirmations go out between the reports rather than all at the end.
    lines.push({ type: 'wait', seconds: 4 });
  }
  return lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
}

async function readDb(): Promise<{ reports: StoredReport[] } | undefined> {
  const file = path.join(storage, 'db.json');
  if (!existsSync(file)) return undefined;
  const text = await readFile(file, 'utf8');
  try {
    return JSON.parse(text) as { reports: StoredReport[] };
  } catch {
    throw new Error(`db.json is not whole JSON after a kill (${text.length} bytes): ${text.slice(0, 120)}…`);
  }
}

function shuffled<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * Every mode once in the first five rounds and again in the next five (each time in a shuffled
 * order), so even a short loop tries each way of killing; then three modes once more.
 */
function modePlan(): Mode[] {
  const modes: Mode[] = ['startup', 'running', 'confirm', 'smtp-before-250', 'smtp-after-250'];
  return [...shuffled(modes), ...shuffled(modes), ...shuffled<Mode>(['running', 'confirm', 'smtp-before-250'])];
}

describe('kill -9 at any moment', () => {
  it(
    `delivers every confirmed report, under one Message-ID each, after ${TARGET_KILLS}+ SIGKILLed runs`,
    () => withSeed(`${REPLAY} NODE_OPTIONS=--experimental-vm-modules npx jest test/services/crash.test.ts`, async () => {
      const began = Date.now();
      const confirmed = new Map<string, number>(); // reference → round it was confirmed in
      const emailLines = new Set<string>();
      const rounds: RoundLog[] = [];
      const plan = modePlan();
      // Real-time shape of an uninterrupted run, measured on the first round, refined as we go.
      let firstLineMs = 1500;
      let runMs = 2000;
      let kills = 0;

      async function runRound(round: number, mode: RoundLog['mode']): Promise<void> {
        const file = path.join(dir, `round-${round}.jsonl`);
        await writeFile(file, mode === 'final' ? roundScript(round).split('\n')[0]! + '\n' : roundScript(round));
        const start = new Date(BASE + round * 2 * HOURS).toISOString();
        const nth = 1 + Math.floor(random() * 3);
        const confirmNth = random() < 0.5 ? 1 : nth;
        let confirmations = 0;
        let firstLineAt: number | undefined;
        let timer: NodeJS.Timeout | undefined;
        let mailsThisRound = 0;

        smtp.tag = round;
        smtp.beforeReply = undefined;
        smtp.afterReply = undefined;

        const onLine = (line: Record<string, unknown>, bot: BotChild) => {
          if (firstLineAt === undefined) {
            firstLineAt = Date.now();
            if (mode === 'running') {
              const window = Math.max(50, runMs - firstLineMs);
              timer = setTimeout(() => bot.kill(), Math.floor(random() * window * 0.9));
            }
          }
          if (line.type === 'email' && typeof line.reportId === 'string') emailLines.add(line.reportId);
          if (line.type !== 'send' || typeof line.text !== 'string') return;
          const match = confirmation.exec(line.text);
          if (!match) return;
          confirmed.set(match[1]!, round);
          confirmations += 1;
          if (mode === 'confirm' && confirmations === confirmNth) bot.kill();
        };
        const bot = spawnBot(['simulate', '--script', file, '--start', start, '--seed', String(round + 1)], {
          BOT_STORAGE_DIR: storage,
          SMTP_URL: smtp.url,
        }, onLine);

        if (mode === 'startup') {
          timer = setTimeout(() => bot.kill(), Math.floor(firstLineMs * (0.5 + 0.55 * random())));
        } else if (mode === 'smtp-before-250') {
          smtp.beforeReply = () => {
            mailsThisRound += 1;
            if (mailsThisRound !== nth) return 'answer';
            bot.kill();
            return 'drop';
          };
        } else if (mode === 'smtp-after-250') {
          smtp.afterReply = () => {
            mailsThisRound += 1;
            if (mailsThisRound === nth) setImmediate(() => bot.kill());
          };
        }

        const result = await bot.done;
        if (timer) clearTimeout(timer);
        smtp.beforeReply = undefined;
        smtp.afterReply = undefined;
        const killed = result.signal === 'SIGKILL';
        if (killed) kills += 1;
        const ms = Date.now() - bot.startedAt;
        if (!killed) {
          // Anything but a clean end is a failure: a refused lock, a damaged database, a crash.
          expect({ round, code: result.code, stderr: bot.stderr().slice(0, 2000) }).toEqual({ round, code: 0, stderr: expect.any(String) });
          runMs = mode === 'calibrate' ? ms : (runMs + ms) / 2;
        }
        if (firstLineAt !== undefined && (mode === 'calibrate' || !killed)) {
          firstLineMs = mode === 'calibrate' ? firstLineAt - bot.startedAt : (firstLineMs + firstLineAt - bot.startedAt) / 2;
        }
        expect(bot.badLines).toEqual([]);
        const midWrite =
          killed &&
          ['db.json.tmp', 'db.json.bak.tmp'].some((f) => {
            const file = path.join(storage, f);
            return existsSync(file) && statSync(file).mtimeMs >= bot.startedAt - 5;
          });
        rounds.push({ round, mode, killed, ms, confirmed: confirmations, emailsSeen: bot.lines.filter((l) => l.type === 'email').length, midWrite });

        // After every kill: the database is one whole version, and holds everything confirmed or mailed so far.
        const db = await readDb();
        if (round === 0) expect(db).toBeDefined();
        if (db) {
          const stored = new Set(db.reports.map((r) => r.id));
          const missingConfirmed = [...confirmed.keys()].filter((id) => !stored.has(id));
          const missingMailed = [...new Set(smtp.received.map((m) => m.report!))].filter((id) => !stored.has(id));
          expect({ round, mode, missingConfirmed, missingMailed }).toEqual({ round, mode, missingConfirmed: [], missingMailed: [] });
        } else {
          expect(confirmed.size).toBe(0);
          expect(smtp.received).toEqual([]);
        }
      }

      await runRound(0, 'calibrate');
      let round = 1;
      for (; kills < TARGET_KILLS && round <= MAX_ROUNDS; round++) {
        await runRound(round, plan[(round - 1) % plan.length]!);
      }
      // The last run is not interrupted: its outbox sends whatever is still queued.
      await runRound(round, 'final');
      const tookMs = Date.now() - began;

      // ---- what the school received ------------------------------------------------------
      const received = smtp.received;
      expect(received.every((m) => typeof m.messageId === 'string' && typeof m.report === 'string')).toBe(true);
      const idsByReport = new Map<string, Set<string>>();
      for (const mail of received) {
        const ids = idsByReport.get(mail.report!) ?? new Set<string>();
        ids.add(mail.messageId!);
        idsByReport.set(mail.report!, ids);
      }
      const notReceived = [...confirmed.keys()].filter((id) => !idsByReport.has(id));
      expect(notReceived).toEqual([]);
      const twoIds = [...idsByReport].filter(([, ids]) => ids.size !== 1).map(([report, ids]) => ({ report, ids: [...ids] }));
      expect(twoIds).toEqual([]);
      const distinctMessageIds = new Set(received.map((m) => m.messageId));
      const rawDuplicates = received.length - distinctMessageIds.size;
      // Distinct reports never share a Message-ID.
      expect(distinctMessageIds.size).toBe(idsByReport.size);
      // Every email line a child printed was a message the server had received.
      expect([...emailLines].filter((id) => !idsByReport.has(id))).toEqual([]);

      // ---- what storage says --------------------------------------------------------------
      const db = await readDb();
      expect(db).toBeDefined();
      const stored = new Map(db!.reports.map((r) => [r.id, r]));
      expect({
        confirmedMissing: [...confirmed.keys()].filter((id) => !stored.has(id)),
        confirmedNotSent: [...confirmed.keys()].filter((id) => stored.get(id)?.delivery.state !== 'sent'),
        queuedLeft: db!.reports.filter((r) => r.delivery.state !== 'sent').map((r) => `${r.id}:${r.delivery.state}`),
        receivedNotStored: [...idsByReport.keys()].filter((id) => !stored.has(id)),
        messageIdMismatch: [...idsByReport].filter(([id, ids]) => stored.has(id) && !ids.has(stored.get(id)!.messageId)).map(([id]) => id),
      }).toEqual({ confirmedMissing: [], confirmedNotSent: [], queuedLeft: [], receivedNotStored: [], messageIdMismatch: [] });
      expect(existsSync(path.join(storage, 'bot.lock'))).toBe(false);

      const killedRounds = rounds.filter((r) => r.killed);
      const byMode = new Map<string, number>();
      for (const r of killedRounds) byMode.set(r.mode, (byMode.get(r.mode) ?? 0) + 1);
      const summary = {
        seed,
        rounds: rounds.length,
        kills: killedRounds.length,
        killsByMode: Object.fromEntries(byMode),
        roundsThatRanToTheEnd: rounds.filter((r) => !r.killed).map((r) => `${r.round}:${r.mode}`),
        killsInsideAWrite: killedRounds.filter((r) => r.midWrite).length,
        reportsStored: stored.size,
        dbBytes: statSync(path.join(storage, 'db.json')).size,
        confirmed: confirmed.size,
        mailsReceived: received.length,
        distinctMessageIds: distinctMessageIds.size,
        rawDuplicates,
        resentReports: [...new Set(received.map((m) => m.report))].filter((id) => received.filter((m) => m.report === id).length > 1).length,
        realTimeSeconds: Math.round(tookMs / 100) / 10,
        calibratedFirstLineMs: Math.round(firstLineMs),
        calibratedRunMs: Math.round(runMs),
      };
      process.stderr.write(`\ncrash loop summary: ${JSON.stringify(summary)}\n`);
      expect(killedRounds.length).toBeGreaterThanOrEqual(TARGET_KILLS);
      expect(confirmed.size).toBeGreaterThan(0);
    }),
    60_000,
  );
});
