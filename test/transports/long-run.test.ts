import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import type { Message } from 'whatsapp-web.js';
import { seededRandom, type Random } from '../../src/core/random.js';
import { checkHealth, Heartbeat, type HealthReport } from '../../src/services/health.js';
import type { ConnectionState } from '../../src/transports/whatsapp.js';
import type { BrowserGone } from '../../src/transports/whatsapp-client.js';
import {
  FakeWhatsApp,
  FakeWhatsAppClient,
  fakeGroupNotification,
  groupMessage,
  OFFLINE_ERROR,
  SESSION_CLOSED_ERROR,
} from '../support/fake-whatsapp.js';
import { START, stewardOn, text, type Steward } from '../support/whatsapp-steward.js';

/*
 * Months on a real number, compressed: three simulated days of the real app on the fake WhatsApp
 * client, with a seeded random schedule of group messages, !flag replies (some messages flagged
 * by several members), members joining, and the failures of a long run: disconnects, a browser
 * that goes away (with a word or silently), sends cut off by a closed session, WhatsApp Web out
 * of reach for a while, and restarts of the process on the same storage. Messages posted while
 * the bot is away reach it once it is back (as WhatsApp delivers them), and WhatsApp hands some
 * messages over twice after a reconnect or a restart.
 *
 * Afterwards: every flagged message is exactly one report (with everyone who flagged it), no
 * member was welcomed twice, and health (the heartbeat file, fed with the transport's state as
 * src/cli/start.ts feeds it, read by checkHealth) never said healthy while a send was failing.
 *
 * Replay a run with LONG_RUN_SEED=<seed>; LONG_RUN_SEED=random picks a new one (printed on failure).
 * LONG_RUN_DAYS changes the length; LONG_RUN_TRACE=1 prints what was injected and counted.
 */

const SEED = process.env.LONG_RUN_SEED === 'random' ? Math.floor(Math.random() * 2 ** 31) : Number(process.env.LONG_RUN_SEED ?? 20260105);
const DAYS = Number(process.env.LONG_RUN_DAYS ?? 3);
/** Real time the run may take before it is stopped as stuck. */
const REAL_TIME_LIMIT_MS = 45_000;
const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
/** A page that died without a word must be found within one state check (livenessCheckSeconds) and its answer. */
const SILENT_CRASH_FOUND_WITHIN_MS = 60 * SECOND + 30 * SECOND;

const BOT = '447700900999@c.us';
const ADMIN = '447700900001@c.us';
const GROUPS = ['120363000000000001@g.us', '120363000000000002@g.us'] as const;
const GROUP_NAMES = ['Year 3 Parents', 'Year 4 Parents'];
const parent = (n: number) => `4477009${String(10_000 + n).slice(1)}@c.us`;

type Group = (typeof GROUPS)[number];

interface Posted {
  message: Message;
  group: Group;
  author: string;
  at: number;
}

interface FailedSend {
  client: number;
  at: number;
  error: string;
}

interface Sample {
  at: string;
  why: string;
  state: string;
  healthy: boolean;
  line: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every send any fake client tried and WhatsApp Web refused: the transport's view of "a send is failing". */
const failedSends: FailedSend[] = [];
let now = () => START.getTime();
const originalSend = FakeWhatsAppClient.prototype.sendMessage;
FakeWhatsAppClient.prototype.sendMessage = async function (this: FakeWhatsAppClient, ...args: Parameters<FakeWhatsAppClient['sendMessage']>) {
  try {
    return await originalSend.apply(this, args);
  } catch (error) {
    failedSends.push({ client: this.number, at: now(), error: (error as Error).message });
    throw error;
  }
};
afterEach(() => {
  failedSends.length = 0;
});

/**
 * The bot as `npm start` runs it, for health: a Heartbeat beside the database fed with every
 * state the transport reports (src/cli/start.ts's onState). The harness builds the transport
 * without an onState, so it is set on the transport's options here.
 */
function heartbeatFor(s: Steward, onState: (state: ConnectionState) => void): Heartbeat {
  const options = (s.transport as unknown as { options?: { onState?: (state: ConnectionState) => void } }).options;
  if (!options || typeof options !== 'object') throw new Error('cannot reach the transport options to feed the heartbeat: the harness needs an onState hook');
  const heartbeat = new Heartbeat(s.storageDir, s.clock, s.app.outbox);
  options.onState = (state) => {
    onState(state);
    heartbeat.setWhatsApp(state);
  };
  heartbeat.start();
  return heartbeat;
}

class LongRun {
  readonly wa = new FakeWhatsApp({ wid: BOT });
  readonly random: Random;
  s!: Steward;
  heartbeat!: Heartbeat;
  /** The last state the transport reported (the heartbeat starts at 'starting', as the transport does). */
  state: string = 'starting';
  readonly members = new Map<Group, string[]>();
  readonly posted: Posted[] = [];
  /** Messages WhatsApp has for the bot but could not hand over yet: the bot is away. */
  readonly pending: Array<Message | { join: Group; member: string; at: number }> = [];
  /** Flagged message id → who flagged it. */
  readonly flags = new Map<string, Set<string>>();
  /** Reports each member started (first flag of a message), by time: the per-hour limit is not what is tested. */
  readonly started = new Map<string, number[]>();
  readonly joined: string[] = [];
  readonly readied = new Set<number>();
  readyAt: { client: number; at: number } | undefined;
  readonly crashedAt = new Map<number, number>();
  readonly samples: Sample[] = [];
  readonly violations: string[] = [];
  readonly timerErrors: unknown[] = [];
  readonly log: string[] = [];
  nextParent = 100;

  constructor(readonly seed: number) {
    this.random = seededRandom(seed);
    GROUPS.forEach((group, g) => {
      const parents = Array.from({ length: 8 }, (_, i) => parent(g * 20 + i + 2));
      this.members.set(group, [ADMIN, ...parents]);
      this.setGroup(group);
    });
  }

  // -- randomness ----------------------------------------------------------------------------
  chance(p: number): boolean {
    return this.random() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }
  between(lo: number, hi: number): number {
    return lo + Math.floor(this.random() * (hi - lo));
  }

  // -- the world -----------------------------------------------------------------------------
  get clock() {
    return this.s.clock;
  }
  get t(): number {
    return this.clock.now().getTime();
  }
  note(what: string): void {
    this.log.push(`${this.clock.now().toISOString()} ${what}`);
  }
  setGroup(group: Group): void {
    this.wa.setGroup(group, GROUP_NAMES[GROUPS.indexOf(group)]!, [...this.members.get(group)!, BOT], [ADMIN, BOT]);
  }
  /** The bot can hear what happens: its client is connected and its page alive. */
  get listening(): boolean {
    return this.state === 'connected' && !this.wa.current.crashed;
  }

  async start(): Promise<void> {
    this.s = await stewardOn(this.wa);
    this.attach();
  }

  attach(): void {
    now = () => this.t;
    // The harness gives the app a constant random (0.5): every report id of a day would be the
    // same, and the second report's search for a free id would never end.
    Object.assign(this.s.app.reports as object, { random: seededRandom(this.seed + this.readied.size) });
    this.state = 'starting';
    this.heartbeat = heartbeatFor(this.s, (state) => {
      this.state = state;
    });
  }

  async restart(): Promise<void> {
    this.note('restart');
    this.heartbeat.stop();
    this.timerErrors.push(...this.s.timerErrors);
    this.s = await this.s.restart();
    this.attach();
    await this.settle();
  }

  async settle(): Promise<void> {
    await this.s.settle();
  }

  /** What WhatsApp does next by itself: a client just built finishes loading, messages kept for the bot reach it. */
  async worldTurn(): Promise<void> {
    const client = this.wa.current;
    if (client.initialized && !client.destroyed && !client.crashed && !this.readied.has(client.number)) {
      if (this.readyAt?.client !== client.number) this.readyAt = { client: client.number, at: this.t + this.between(1, 40) * SECOND };
      if (this.t >= this.readyAt.at) {
        this.readied.add(client.number);
        this.note(`client ${client.number} ready`);
        client.emitReady();
        await this.settle();
        await this.handOver();
      }
    }
  }

  /** After a (re)connection: what was sent meanwhile, and now and then a few messages handed over again. */
  async handOver(): Promise<void> {
    if (!this.listening) return;
    const client = this.wa.current;
    for (const item of this.pending.splice(0)) {
      if ('join' in item) {
        // WhatsApp may or may not tell of a join it saw while the bot was away; the group list always does.
        if (this.chance(0.5)) {
          client.emitGroupJoin(fakeGroupNotification({ chatId: item.join, author: ADMIN, recipientIds: [item.member], timestamp: Math.floor(item.at / 1000) }));
        }
      } else client.emitMessage(item);
      await this.settle();
    }
    if (this.chance(0.5)) {
      const again = this.posted.slice(-this.between(1, 4));
      this.note(`handed over again: ${again.length}`);
      for (const p of again) client.emitMessage(p.message);
      await this.settle();
    }
  }

  /** A message in a group: to the bot at once, or kept until it is back. */
  async deliver(message: Message): Promise<void> {
    if (this.listening) {
      this.wa.current.emitMessage(message);
      await this.settle();
    } else {
      this.wa.remember(message);
      this.pending.push(message);
    }
  }

  // -- what people do ------------------------------------------------------------------------
  async post(): Promise<void> {
    const group = this.pick(GROUPS);
    const author = this.pick(this.members.get(group)!);
    const body = this.pick([
      'Does anyone know when the trip money is due?',
      'Thank you all for the lovely card!',
      'Reminder: PE kit tomorrow',
      'Has anyone seen a blue lunchbox?',
      'How do I raise a concern with the school?',
      '!rules',
      'Some people here are rude and insulting',
      'Lost jumper found in the playground',
    ]);
    const message = groupMessage(group, author, body, { timestamp: Math.floor(this.t / 1000) });
    if (!body.startsWith('!')) this.posted.push({ message, group, author, at: this.t });
    await this.deliver(message);
  }

  async flag(): Promise<void> {
    const recent = this.posted.filter((p) => this.t - p.at < 2 * 24 * HOUR);
    const flagged = recent.filter((p) => this.flags.has(p.message.id._serialized));
    // Often a message someone has already flagged: several members flag the same message.
    const target = flagged.length && this.chance(0.4) ? this.pick(flagged) : recent.length ? this.pick(recent) : undefined;
    if (!target) return;
    const id = target.message.id._serialized;
    const already = this.flags.get(id);
    const candidates = this.members
      .get(target.group)!
      .filter((m) => m !== target.author && !already?.has(m))
      .filter((m) => already || (this.started.get(m) ?? []).filter((at) => this.t - at < HOUR).length < 3);
    if (!candidates.length) return;
    const flagger = this.pick(candidates);
    if (!already) this.started.set(flagger, [...(this.started.get(flagger) ?? []), this.t]);
    this.flags.set(id, new Set([...(already ?? []), flagger]));
    this.note(`flag of ${id.slice(-8)} by ${flagger.slice(6, 12)} (${(already?.size ?? 0) + 1})`);
    const quoted = target.message;
    const reason = this.chance(0.5) ? ' this is unkind' : '';
    await this.deliver(
      groupMessage(target.group, flagger, `!flag${reason}`, {
        timestamp: Math.floor(this.t / 1000),
        hasQuotedMsg: true,
        getQuotedMessage: async () => quoted,
      }),
    );
  }

  async join(): Promise<void> {
    const group = this.pick(GROUPS);
    const member = parent(this.nextParent++);
    this.members.get(group)!.push(member);
    this.joined.push(member);
    this.setGroup(group);
    this.note(`join ${member.slice(6, 12)} in ${group.slice(-6)}`);
    if (this.listening) {
      this.wa.current.emitGroupJoin(fakeGroupNotification({ chatId: group, author: ADMIN, recipientIds: [member], timestamp: Math.floor(this.t / 1000) }));
      await this.settle();
    } else this.pending.push({ join: group, member, at: this.t });
  }

  // -- what goes wrong -----------------------------------------------------------------------
  async fail(): Promise<void> {
    const client = this.wa.current;
    const kind = this.pick(['disconnect', 'browser-gone', 'silent-crash', 'failing-send', 'offline', 'restart'] as const);
    this.note(`inject ${kind} (client ${client.number}, ${this.state})`);
    switch (kind) {
      case 'disconnect':
        client.emitDisconnected(this.pick(['CONFLICT', 'TIMEOUT', 'UNLAUNCHED'] as const));
        break;
      case 'browser-gone':
        client.emitBrowserGone(this.pick<BrowserGone>(['browser-disconnected', 'page-crashed', 'page-closed']));
        break;
      case 'silent-crash':
        if (!client.crashed) this.crashedAt.set(client.number, this.t);
        client.crash();
        break;
      case 'failing-send': {
        // The page is gone under the next send ("Session closed"); someone asks for something right away.
        this.wa.sendOutcomes.push(new Error(SESSION_CLOSED_ERROR));
        const group = this.pick(GROUPS);
        await this.deliver(groupMessage(group, this.pick(this.members.get(group)!), '!rules', { timestamp: Math.floor(this.t / 1000) }));
        break;
      }
      case 'offline':
        // WhatsApp Web out of reach: the next few starts fail as puppeteer does with no network.
        for (let i = this.between(1, 5); i > 0; i -= 1) this.wa.startOutcomes.push(new Error(OFFLINE_ERROR));
        client.emitDisconnected('TIMEOUT');
        break;
      case 'restart':
        await this.restart();
        break;
    }
    await this.settle();
    await this.sample(`after ${kind}`);
  }

  // -- health --------------------------------------------------------------------------------
  /**
   * What `npm run health` would say now. The heartbeat writes its file on its own, outside the
   * simulated clock's count of work: the file is given a moment to catch up with the state.
   */
  async sample(why: string): Promise<void> {
    const file = path.join(this.s.storageDir, 'health.json');
    let written: HealthReport | undefined;
    for (let tries = 0; tries < 200; tries += 1) {
      written = await readFile(file, 'utf8')
        .then((t) => JSON.parse(t) as HealthReport)
        .catch(() => undefined);
      if (written?.whatsapp === this.state) break;
      await sleep(1);
    }
    const { healthy, line } = await checkHealth(this.s.storageDir, this.clock.now());
    const at = this.clock.now().toISOString();
    this.samples.push({ at, why, state: this.state, healthy, line });
    if (written?.whatsapp !== this.state) this.violations.push(`${at} ${why}: the heartbeat says ${written?.whatsapp} while WhatsApp is ${this.state}`);
    if (!healthy) return;
    const client = this.wa.current;
    const failed = failedSends.filter((f) => f.client === client.number);
    if (failed.length) {
      this.violations.push(`${at} ${why}: healthy (${line}) while client ${client.number}'s send failed at ${new Date(failed[0]!.at).toISOString()} (${failed[0]!.error})`);
    }
    const crashed = this.crashedAt.get(client.number);
    if (client.crashed && crashed !== undefined && this.t - crashed > SILENT_CRASH_FOUND_WITHIN_MS) {
      this.violations.push(`${at} ${why}: healthy (${line}) while client ${client.number}'s page has been dead since ${new Date(crashed).toISOString()}`);
    }
  }

  /**
   * Simulated time passes: in one stride while all is well, in 5 s steps while the bot is away or
   * its page is dead, so that WhatsApp can answer a new client and health is looked at throughout.
   */
  async runFor(ms: number): Promise<void> {
    const until = this.t + ms;
    while (this.t < until) {
      const calm = this.state === 'connected' && !this.wa.current.crashed && !this.pending.length;
      await this.clock.advanceTo(calm ? until : Math.min(until, this.t + 5 * SECOND));
      await this.worldTurn();
      if (!calm) await this.sample('while away');
    }
  }

  async run(days: number): Promise<void> {
    // The fake WhatsApp answers at once, so anything still waiting on the outside world (a send
    // waiting for a connection) waits for the world's next move: simulated time need not give it
    // the 2 s of real time a real server gets.
    const impatient = setInterval(() => this.s?.clock.stopWaitingForOutside(), 5);
    try {
      await this.runDays(days);
    } finally {
      clearInterval(impatient);
    }
  }

  async runDays(days: number): Promise<void> {
    await this.start();
    const end = START.getTime() + days * 24 * HOUR;
    await this.runFor(MINUTE);
    const began = Date.now();
    while (this.t < end) {
      if (Date.now() - began > REAL_TIME_LIMIT_MS) throw new Error(`the run took over ${REAL_TIME_LIMIT_MS / 1000} s of real time and reached only ${this.clock.now().toISOString()}`);
      // About one thing every ten minutes, day and night.
      await this.runFor(Math.max(SECOND, Math.round(-Math.log(1 - this.random()) * 10 * MINUTE)));
      const roll = this.random();
      if (roll < 0.6) await this.post();
      else if (roll < 0.8) await this.flag();
      else if (roll < 0.9) await this.join();
      else await this.fail();
      await this.sample('after an event');
    }
    // The last failure is over and everything kept for the bot has reached it; replies and reports go out.
    for (let i = 0; i < 200 && !(this.listening && !this.pending.length); i += 1) await this.runFor(5 * SECOND);
    await this.runFor(30 * MINUTE);
    await this.sample('at the end');
    this.heartbeat.stop();
    this.timerErrors.push(...this.s.timerErrors);
  }
}

describe('a long run on WhatsApp', () => {
  it(`${DAYS} simulated days of messages, flags, joins, failures and restarts (seed ${SEED})`, async () => {
    const run = new LongRun(SEED);
    try {
      await run.run(DAYS);
      const { wa } = run;
      const injected = run.log.filter((l) => l.includes(' inject ')).length;

      // Each flagged message is exactly one report, with everyone who flagged it; nothing else was reported.
      const reports = run.s.app.reports.all().filter((r) => r.kind === 'flag');
      const reportsOf = new Map<string, typeof reports>();
      for (const r of reports) reportsOf.set(r.messages[0]!.id!, [...(reportsOf.get(r.messages[0]!.id!) ?? []), r]);
      const wrong = [...new Set([...run.flags.keys(), ...reportsOf.keys()])]
        .map((id) => ({ id, reports: reportsOf.get(id)?.length ?? 0, flaggedBy: [...(run.flags.get(id) ?? [])].sort(), recorded: reportsOf.get(id)?.[0]?.flaggedBy.slice().sort() }))
        .filter((x) => x.reports !== 1 || JSON.stringify(x.recorded) !== JSON.stringify(x.flaggedBy));
      expect(wrong).toEqual([]);
      expect(run.flags.size).toBeGreaterThan(10);
      expect([...run.flags.values()].some((by) => by.size > 1)).toBe(true);

      // No member was welcomed twice (every welcome sent, counting the members each one mentions).
      const welcomes = wa.sent.filter((m) => GROUPS.includes(m.chatId as Group) && text(m).startsWith('Welcome'));
      const times = new Map<string, number>();
      for (const w of welcomes) for (const m of w.options?.mentions ?? []) times.set(String(m), (times.get(String(m)) ?? 0) + 1);
      expect([...times].filter(([, n]) => n > 1)).toEqual([]);
      expect(times.size).toBeGreaterThan(0);

      if (process.env.LONG_RUN_TRACE) {
        const kinds = run.log.filter((l) => l.includes(' inject ')).map((l) => l.split(' ')[2]);
        process.stderr.write(
          `${JSON.stringify({
            injected: Object.fromEntries([...new Set(kinds)].map((k) => [k, kinds.filter((x) => x === k).length])),
            flagged: run.flags.size,
            byMany: [...run.flags.values()].filter((b) => b.size > 1).length,
            failedSends: failedSends.length,
            healthy: run.samples.filter((x) => x.healthy).length,
            unhealthy: run.samples.filter((x) => !x.healthy).length,
            joined: run.joined.length,
            welcomedJoiners: run.joined.filter((m) => times.has(m)).length,
            welcomes: welcomes.length,
            clients: wa.clients.length,
          })}\n`,
        );
      }

      // Health never said healthy while a send was failing or a page had been dead past a state check.
      expect(run.violations).toEqual([]);
      expect(failedSends.length).toBeGreaterThan(0);
      expect(run.samples.filter((s) => !s.healthy).length).toBeGreaterThan(0);
      expect(run.samples.filter((s) => s.healthy).length).toBeGreaterThan(0);
      expect(run.samples.at(-1)).toMatchObject({ healthy: true, state: 'connected' });
      expect(injected).toBeGreaterThan(10);
      expect(run.timerErrors).toEqual([]);
    } catch (error) {
      const replay = `long run failed: replay with LONG_RUN_SEED=${run.seed}\nlast steps:\n${run.log.slice(-15).join('\n')}\n\n`;
      if (error instanceof Error) error.message = `${replay}${error.message}`;
      throw error;
    } finally {
      run.heartbeat?.stop();
    }
  }, 60_000);
});

afterAll(() => {
  FakeWhatsAppClient.prototype.sendMessage = originalSend;
});
