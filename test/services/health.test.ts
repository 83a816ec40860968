import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { checkHealth, type HealthReport } from '../../src/services/health.js';

/* `npm run health` (Docker's HEALTHCHECK): down whenever the bot cannot send. */

const NOW = new Date('2026-01-05T08:10:00Z');
const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function heartbeat(whatsapp: string, since = '2026-01-05T08:09:30Z'): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'steward-health-'));
  dirs.push(dir);
  const report: HealthReport = {
    at: '2026-01-05T08:09:50Z',
    whatsapp,
    whatsappSince: since,
    outbox: { queued: 0, oldestQueuedAt: null, paused: null },
  };
  await writeFile(path.join(dir, 'health.json'), JSON.stringify(report));
  return dir;
}

describe('npm run health', () => {
  it('connected is healthy', async () => {
    expect(await checkHealth(await heartbeat('connected'), NOW)).toEqual({ healthy: true, line: 'healthy: WhatsApp connected; 0 report(s) waiting' });
  });

  it.each(['disconnected', 'starting', 'waiting-for-qr', 'logged-out', 'account-stopped'])(
    '%s is down at once, not after a grace period: a reply would not go out',
    async (state) => {
      const result = await checkHealth(await heartbeat(state), NOW);
      expect(result.healthy).toBe(false);
      expect(result.line).toBe(`unhealthy: WhatsApp ${state} since 2026-01-05T08:09:30Z, so the bot cannot send`);
    },
  );
});

describe('the heartbeat file', () => {
  it('states changing in the same moment are written one at a time, the last one kept, nothing thrown', async () => {
    const { Heartbeat } = await import('../../src/services/health.js');
    const { SimulatedClock } = await import('../../src/core/clock.js');
    const { Activity } = await import('../../src/core/activity.js');
    const { readFile } = await import('node:fs/promises');
    const dir = await mkdtemp(path.join(tmpdir(), 'steward-heartbeat-'));
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      const clock = new SimulatedClock(new Date('2026-01-05T08:00:00Z'), new Activity(), () => undefined);
      const outbox = { queued: () => [], paused: undefined } as unknown as ConstructorParameters<typeof Heartbeat>[2];
      const heartbeat = new Heartbeat(dir, clock, outbox);
      heartbeat.start();
      for (const state of ['starting', 'connected', 'disconnected', 'starting', 'connected']) heartbeat.setWhatsApp(state);
      await new Promise((resolve) => setTimeout(resolve, 200));
      heartbeat.stop();
      const written = JSON.parse(await readFile(path.join(dir, 'health.json'), 'utf8')) as HealthReport;
      expect(written.whatsapp).toBe('connected');
      expect(rejections).toEqual([]);
    } finally {
      process.off('unhandledRejection', onRejection);
      await rm(dir, { recursive: true, force: true });
    }
  });
});
