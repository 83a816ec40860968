// Memory: RSS (after a full GC) when the bot has started, and as 100,000 messages go through it in
// 20 groups at a realistic pace, so that anything kept per message shows up as growth.
import { emit, fullGc, GROUPS, groupId, MEMBERS, memberId, mb, messageEvent, progress, setUpGroups, startBot } from './lib.mjs';
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

await fullGc();
const beforeApp = process.memoryUsage();
const bot = await startBot({ label: 'memory', recordTimers: true });
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
let delivered = 0;
let cancelled = 0;
bot.recorder.recording = true;
for (let i = 0; i < TOTAL; i++) {
  const g = i % GROUPS;
  let from = memberId(g, (i * 7 + Math.floor(i / GROUPS)) % MEMBERS);
  if (i % newcomerEvery === newcomerEvery - 1) from = memberId(g, MEMBERS + 1 + newcomers++);
  await bot.app.handle(messageEvent(bot.clock, groupId(g), from, text(i)));
  if (g === ROUND - 1) {
    // Sends are delivered for one round in ten (each costs milliseconds of real time in Bottleneck);
    // the rest are cancelled after being queued, so the pacer's state is exercised all the same.
    const timers = bot.recorder.take();
    if ((i + 1) % (ROUND * 10) !== 0) {
      for (const t of timers) t.cancel();
      cancelled += timers.length;
    } else delivered += timers.length;
    bot.recorder.recording = false;
    await bot.clock.advanceBy(ROUND * SIMULATED_MS_PER_MESSAGE);
    bot.recorder.recording = true;
  }
  if (CHECKPOINTS.includes(i + 1)) {
    bot.recorder.recording = false;
    series.push({ messages: i + 1, ...(await sample(bot)) });
    bot.recorder.recording = true;
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
    sendsQueued: delivered + cancelled,
    sendsDelivered: delivered,
    seenCacheEntriesAtEnd: atEnd.seenEntries,
    seconds: Math.round(seconds * 10) / 10,
    series,
  },
});
