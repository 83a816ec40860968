// Join burst: an admin adds 30 parents at once. Goal: one welcome that mentions all of them.
// Measured both as WhatsApp usually reports it (one join event listing all 30) and as 30 separate
// join events a moment apart (as a slow phone or a reconnect can deliver them).
import { emit, groupId, memberId, progress, round, setUpGroups, startBot } from './lib.mjs';

const NEWCOMERS = 30;

async function burst(separate) {
  const bot = await startBot({ label: 'join' });
  await setUpGroups(bot, 1);
  bot.transport.keepTimes = true;
  const chat = groupId(0);
  const people = Array.from({ length: NEWCOMERS }, (_, n) => memberId(0, 100 + n));
  const sendsBefore = bot.transport.sends;
  const simulatedStart = bot.clock.now().getTime();
  const t0 = performance.now();
  let handleMs = 0;
  if (separate) {
    for (const person of people) {
      const h = performance.now();
      await bot.app.handle({ kind: 'join', chat, members: [person], by: memberId(0, 0), at: bot.clock.now() });
      handleMs += performance.now() - h;
      await bot.clock.advanceBy(200);
    }
  } else {
    const h = performance.now();
    await bot.app.handle({ kind: 'join', chat, members: people, by: memberId(0, 0), at: bot.clock.now() });
    handleMs += performance.now() - h;
  }
  // Simulated time runs on (no real waiting) until the welcome has gone out.
  while (bot.transport.sends === sendsBefore && bot.clock.now().getTime() - simulatedStart < 10 * 60_000) {
    await bot.clock.advanceBy(1000);
  }
  const first = bot.transport.deliveredAt[0];
  const ms = first ? first.real - t0 : null;
  // Anything else it would send in the next ten minutes counts too.
  await bot.clock.runOn(10 * 60_000);
  const sent = bot.transport.deliveredAt;
  const mentioned = new Set(sent.flatMap((s) => s.out.mentions ?? []));
  const result = {
    members: NEWCOMERS,
    messagesSent: bot.transport.sends - sendsBefore,
    mentioned: people.filter((p) => mentioned.has(p)).length,
    ms: round(ms, 1),
    handleMs: round(handleMs, 2),
    simulatedSecondsToSend: first ? round((first.at - simulatedStart) / 1000, 1) : null,
  };
  await bot.close();
  return result;
}

progress('join burst');
const together = await burst(false);
const separate = await burst(true);
emit({ joinBurst: { ...together, separateEvents: separate } });
