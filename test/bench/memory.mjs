// Memory: RSS of a freshly started bot process (measured in child processes of its own, see
// fresh-start.mjs), then RSS (after a full GC) in this process when the bot has started, and as
// 100,000 messages go through it in 20 groups at a realistic pace, so that anything kept per
// message shows up as growth. The in-process figures include the benchmark's own modules and 20
// groups' members; the fresh-process figure is what a volunteer's machine sees after `npm start`.
import { spawn } from 'node:child_process';
import path from 'node:path';
import {
  DIST, emit, fullGc, GROUPS, groupId, HERE, MEMBERS, memberId, mb, messageEvent, progress, ROOT, setUpGroups, startBot, tempDir,
} from './lib.mjs';
import { CHATTER, labelledConcernPhrasings, RULES } from './texts.mjs';

const TOTAL = Number(process.env.BENCH_MEMORY_MESSAGES ?? 100_000);
const CHECKPOINTS = [10_000, 25_000, 50_000, 75_000, 100_000].filter((n) => n <= TOTAL);
// 20 busy groups: about 200 messages a day each, 4,000 in all, so 100,000 messages are 25 days.
const SIMULATED_MS_PER_MESSAGE = 86_400_000 / 4_000;
const ROUND = GROUPS;

const concernQuestions = labelledConcernPhrasings().filter((p) => p.concern).map((p) => p.text);

async function sample(bot) {
  await bot.clock.advanceBy(0);
  await fullGc();
  const usage = process.memoryUsage();
  return {
    rssMb: mb(usage.rss),
    heapUsedMb: mb(usage.heapUsed),
    externalMb: mb(usage.external),
    seenEntries: bot.app.services.seen.size,
    sends: bot.transport.sends,
  };
}

const FRESH_RUNS = Number(process.env.BENCH_FRESH_RUNS ?? 3);
// Every variable loadConfig reads, and NODE_OPTIONS: a developer's shell must not change what a default start is.
const CONFIG_ENV = ['BOT_CONFIG', 'BOT_STORAGE_DIR', 'SMTP_URL', 'MAIL_FROM', 'SCHOOL_EMAIL', 'OPENAI_API_KEY',
  'OPENAI_BASE_URL', 'OPENAI_MODEL', 'BOT_OPERATOR', 'LOG_LEVEL', 'PUPPETEER_EXECUTABLE_PATH', 'NODE_OPTIONS'];

async function freshStart() {
  const env = { ...process.env };
  for (const name of CONFIG_ENV) delete env[name];
  env.BOT_STORAGE_DIR = await tempDir('fresh');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', path.join(HERE, 'fresh-start.mjs'), DIST], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (err += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.trim().split('\n').at(-1);
      if (code !== 0 || !line) return reject(new Error(`fresh-start failed (exit ${code}): ${err.trim()}`));
      resolve(JSON.parse(line));
    });
  });
}

const median = (values) => {
  const sorted = values.filter((v) => typeof v === 'number').sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] : null;
};
progress(`memory: ${FRESH_RUNS} fresh bot processes`);
const freshRuns = [];
for (let r = 0; r < FRESH_RUNS; r++) freshRuns.push(await freshStart());
const freshStage = (stage) => {
  const runs = freshRuns.map((run) => run[stage]).filter((s) => s && !s.error);
  if (!runs.length) return { error: freshRuns[0]?.[stage]?.error ?? 'not measured' };
  return {
    rssMb: median(runs.map((s) => s.rssMb)),
    rssMbAfterGc: median(runs.map((s) => s.rssMbAfterGc)),
    heapUsedMbAfterGc: median(runs.map((s) => s.heapUsedMbAfterGc)),
  };
};
const freshStartFigures = {
  runs: FRESH_RUNS,
  statistic: 'median',
  bareNode: freshStage('node'),
  app: { ...freshStage('app'), model: freshRuns[0].app.model, mailMode: freshRuns[0].app.mailMode },
  withWhatsAppModules: freshStage('whatsapp'),
};

await fullGc();
const beforeApp = process.memoryUsage();
const bot = await startBot({ label: 'memory' });
await setUpGroups(bot);
const atStart = await sample(bot);

// A newcomer now and then: WhatsApp tells the bot of members it has not seen when they first post.
const newcomerEvery = 500;
let newcomers = 0;
const text = (i) => {
  const r = (i * 2654435761) % 100; // spread, repeatable
  if (r < 3) return RULES;
  if (r < 6) return concernQuestions[i % concernQuestions.length];
  return CHATTER[i % CHATTER.length];
};

const series = [{ messages: 0, ...atStart }];
const started = performance.now();
for (let i = 0; i < TOTAL; i++) {
  const g = i % GROUPS;
  let from = memberId(g, (i * 7 + Math.floor(i / GROUPS)) % MEMBERS);
  if (i % newcomerEvery === newcomerEvery - 1) from = memberId(g, MEMBERS + 1 + newcomers++);
  await bot.app.handle(messageEvent(bot.clock, groupId(g), from, text(i)));
  if (g === ROUND - 1) {
    // Every reply is delivered, as for real: the pacer's queue must be empty again, not growing.
    await bot.clock.advanceBy(ROUND * SIMULATED_MS_PER_MESSAGE);
  }
  if (CHECKPOINTS.includes(i + 1)) {
    series.push({ messages: i + 1, ...(await sample(bot)) });
    progress(`memory: ${i + 1} messages, rss ${series.at(-1).rssMb} MB`);
  }
}
const seconds = (performance.now() - started) / 1000;
const at = (n) => series.find((s) => s.messages === n);
const at10k = at(10_000);
const atEnd = series.at(-1);
await bot.close();
emit({
  memory: {
    // The headline start figure: a fresh process with the app loaded and created, before any event.
    rssMbFreshStart: freshStartFigures.app.rssMb ?? null,
    freshStart: freshStartFigures,
    rssMbBeforeApp: mb(beforeApp.rss),
    rssMbAtStart: atStart.rssMb,
    rssMbAt10k: at10k?.rssMb ?? null,
    rssMbAt100k: at(100_000)?.rssMb ?? null,
    growth10kTo100kMb: at10k && at(100_000) ? Math.round((at(100_000).rssMb - at10k.rssMb) * 10) / 10 : null,
    heapUsedMbAt10k: at10k?.heapUsedMb ?? null,
    heapUsedMbAt100k: at(100_000)?.heapUsedMb ?? null,
    messages: TOTAL,
    groups: GROUPS,
    simulatedDays: Math.round((TOTAL * SIMULATED_MS_PER_MESSAGE) / 86_400_000),
    newMembersSeen: newcomers,
    sendsDelivered: bot.transport.sends,
    seenCacheEntriesAtEnd: atEnd.seenEntries,
    seconds: Math.round(seconds * 10) / 10,
    series,
  },
});
