// Storage: what one report write costs as the database grows (the whole file is rewritten, fsynced
// and renamed on every write), and what size the database stays at when the outbox's retention
// sweep runs at a realistic report rate.
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  dist, emit, GROUPS, groupId, MEMBERS, memberId, messageEvent, percentile, progress, round, setUpGroups, startBot, START,
} from './lib.mjs';

const { Store } = await dist('services/store.js');

const SIZES = (process.env.BENCH_STORAGE_SIZES ?? '1000,10000,50000').split(',').map(Number);
const WRITES = { 1000: 15, 10000: 8, 50000: 5 };

const FLAGGED = [
  'Honestly the way Mrs Ahmed spoke to the children today was disgraceful, someone needs to sort her out',
  'If your son touches my daughter again I will deal with him myself at the gate, watch',
  'This school is a joke and everyone knows the head is useless, pass it on',
  'Did you all see what that parent posted about the Year 4 boy? Absolutely vile',
];

/** A delivered flag report, as the bot stores one (about 1 KB of JSON). */
function report(n, createdAt) {
  const id = `R-${createdAt.toISOString().slice(2, 10).replaceAll('-', '')}-${n.toString(36).toUpperCase().padStart(4, '0')}`;
  const g = n % GROUPS;
  return {
    id,
    messageId: `<${id.toLowerCase()}.${createdAt.getTime()}@parent-group-steward.invalid>`,
    kind: 'flag',
    createdAt: createdAt.toISOString(),
    group: { id: groupId(g), name: `Year ${g + 1} Parents` },
    messages: [
      {
        id: `false_${groupId(g)}_3EB0${n.toString(16).toUpperCase().padStart(16, '0')}_${memberId(g, 3)}`,
        authorId: memberId(g, 3),
        authorName: 'A Parent',
        text: FLAGGED[n % FLAGGED.length],
        sentAt: createdAt.toISOString(),
      },
    ],
    verified: true,
    reporter: { id: memberId(g, 5), name: 'Another Parent', role: 'member' },
    reporterShared: false,
    reason: 'this is not ok',
    notes: [],
    flaggedBy: [memberId(g, 5)],
    category: 'group guideline 1: "The group should never be used as a platform to air views/grievances regarding a teacher, child or parent in the class or school."',
    urgent: false,
    delivery: { state: 'sent', attempts: 1, nextAttemptAt: createdAt.toISOString(), sentAt: createdAt.toISOString(), adminsNotified: true },
  };
}

function groups() {
  const out = {};
  for (let g = 0; g < GROUPS; g++) {
    out[groupId(g)] = {
      id: groupId(g),
      name: `Year ${g + 1} Parents`,
      members: Array.from({ length: MEMBERS }, (_, m) => memberId(g, m)),
      admins: [memberId(g, 0)],
      paused: false,
      welcome: null,
    };
  }
  return out;
}

async function writeCost(size) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'steward-bench-store-'));
  const reports = Array.from({ length: size }, (_, n) => report(n, new Date(START.getTime() - (size - n) * 60_000)));
  await writeFile(path.join(dir, 'db.json'), JSON.stringify({ version: 1, groups: groups(), reports }));
  const opened = performance.now();
  const store = await Store.open(dir);
  const openMs = performance.now() - opened;
  const times = [];
  const writes = WRITES[size] ?? 5;
  for (let i = 0; i < writes + 1; i++) {
    const fresh = report(size + i, new Date(START.getTime() + i * 60_000));
    const t0 = performance.now();
    await store.saveReports(fresh);
    if (i > 0) times.push(performance.now() - t0); // the first write warms up
  }
  const bytes = (await stat(store.file)).size;
  await store.close();
  await rm(dir, { recursive: true, force: true });
  times.sort((a, b) => a - b);
  return { size, writeMs: round(percentile(times, 50), 2), maxMs: round(times.at(-1), 2), fileMb: round(bytes / 1024 / 1024, 2), openMs: round(openMs, 1) };
}

const raw = {};
for (const size of SIZES) {
  progress(`storage: ${size} reports`);
  raw[size] = await writeCost(size);
}

// ---- Retention, through the real bot: flags at a steady rate for longer than retentionDays ---------
const PER_DAY = Number(process.env.BENCH_REPORTS_PER_DAY ?? 10);
const DAYS = Number(process.env.BENCH_RETENTION_DAYS_SIMULATED ?? 40);
progress(`storage: ${PER_DAY} reports a day for ${DAYS} simulated days, with retention`);
const bot = await startBot({ label: 'retention' });
await setUpGroups(bot);
const { app, clock, config } = bot;
const store = app.services.store;
const daily = [];
let flagged = 0;
const retentionStarted = performance.now();
for (let day = 0; day < DAYS; day++) {
  for (let r = 0; r < PER_DAY; r++) {
    const g = flagged % GROUPS;
    const author = memberId(g, 1 + (flagged % 7));
    const reporter = memberId(g, 10 + (flagged % 17));
    const posted = messageEvent(clock, groupId(g), author, FLAGGED[flagged % FLAGGED.length]);
    await app.handle(posted);
    const quoted = { id: posted.id, from: author, authorName: 'A Parent', text: posted.text, at: posted.at };
    await app.handle(messageEvent(clock, groupId(g), reporter, '!flag this is not ok', { quotedId: posted.id, quoted }));
    flagged++;
    // The outbox delivers the report (an .eml file); the reporter's confirmation and the admins'
    // notices are delivered as time moves on.
    await clock.advanceBy(86_400_000 / PER_DAY);
  }
  daily.push(store.reports().length);
}
// The cost of one write at the size retention keeps the database at.
const sample = store.reports().at(-1);
const times = [];
for (let i = 0; i < 10; i++) {
  const t0 = performance.now();
  await store.saveReports(sample);
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
const retainedBytes = (await stat(store.file)).size;
const retentionSeconds = (performance.now() - retentionStarted) / 1000;
await bot.close();

const steady = daily.slice(config.reports.retentionDays + 1);
emit({
  storage: {
    writeMsAt1k: raw[1000]?.writeMs ?? null,
    writeMsAt10k: raw[10000]?.writeMs ?? null,
    writeMsAt50k: raw[50000]?.writeMs ?? null,
    fileMbAt1k: raw[1000]?.fileMb ?? null,
    fileMbAt10k: raw[10000]?.fileMb ?? null,
    fileMbAt50k: raw[50000]?.fileMb ?? null,
    openMsAt50k: raw[50000]?.openMs ?? null,
    raw: Object.values(raw),
    retention: {
      retentionDays: config.reports.retentionDays,
      reportsPerDay: PER_DAY,
      simulatedDays: DAYS,
      reportsMade: flagged,
      reportsKept: store.reports().length,
      maxKept: Math.max(...daily),
      steadyMin: steady.length ? Math.min(...steady) : null,
      steadyMax: steady.length ? Math.max(...steady) : null,
      writeMs: round(percentile(times, 50), 2),
      fileMb: round(retainedBytes / 1024 / 1024, 2),
      // Days until the file would hold 50k reports with no retention at this rate.
      daysTo50kWithoutRetention: Math.round(50_000 / PER_DAY),
      reportsPerDayToReach10kUnderRetention: Math.round(10_000 / config.reports.retentionDays),
      seconds: round(retentionSeconds, 1),
      keptByDay: daily,
    },
  },
});
