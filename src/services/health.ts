import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Clock, Timer } from '../core/clock.js';
import type { Outbox } from './outbox.js';
import { PRIVATE_FILE_MODE } from './private-files.js';

export interface HealthReport {
  at: string;
  whatsapp: string;
  whatsappSince: string;
  outbox: { queued: number; oldestQueuedAt: string | null; paused: string | null };
}

const BEAT_MS = 30_000;
/** Older than this, the heartbeat means the bot has hung or stopped. */
const STALE_MS = 3 * BEAT_MS;
/** A report should be out within hours; a day means the mail server needs a person. */
const OUTBOX_STUCK_MS = 24 * 3_600_000;

/**
 * A heartbeat file beside the database that Docker's HEALTHCHECK (or a person) can read: is the
 * bot alive, is WhatsApp connected, is the report outbox moving. A file needs no open port.
 */
export class Heartbeat {
  private state = 'starting';
  private since: Date;
  private timer: Timer | undefined;
  private stopped = false;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly dir: string,
    private readonly clock: Clock,
    private readonly outbox: Outbox,
  ) {
    this.since = clock.now();
  }

  setWhatsApp(state: string): void {
    if (state === this.state) return;
    this.state = state;
    this.since = this.clock.now();
    void this.beat();
  }

  start(): void {
    void this.beat();
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
  }

  /**
   * One write at a time, so two never share the temporary file; a write that fails is left for
   * the next beat (a heartbeat that goes stale is itself what the health check reports).
   */
  private beat(): Promise<void> {
    this.timer?.cancel();
    this.writing = this.writing.then(() => this.write()).catch(() => undefined);
    return this.writing;
  }

  private async write(): Promise<void> {
    const queued = this.outbox.queued();
    const oldest = queued.map((r) => r.createdAt).sort()[0] ?? null;
    const report: HealthReport = {
      at: this.clock.now().toISOString(),
      whatsapp: this.state,
      whatsappSince: this.since.toISOString(),
      outbox: { queued: queued.length, oldestQueuedAt: oldest, paused: this.outbox.paused ?? null },
    };
    const file = path.join(this.dir, 'health.json');
    try {
      await writeFile(`${file}.tmp`, JSON.stringify(report), { mode: PRIVATE_FILE_MODE });
      await rename(`${file}.tmp`, file);
    } finally {
      this.timer?.cancel();
      if (!this.stopped) this.timer = this.clock.setTimer(BEAT_MS, () => this.beat());
    }
  }
}

/** Reads the heartbeat and says, in one line, whether all is well. */
export async function checkHealth(dir: string, now = new Date()): Promise<{ healthy: boolean; line: string }> {
  let report: HealthReport;
  try {
    report = JSON.parse(await readFile(path.join(dir, 'health.json'), 'utf8')) as HealthReport;
  } catch {
    return { healthy: false, line: `no heartbeat in ${dir}: the bot is not running there` };
  }
  const problems: string[] = [];
  if (now.getTime() - Date.parse(report.at) > STALE_MS) problems.push(`no heartbeat since ${report.at}`);
  // Anything but connected means a reply would not go out now: that is down, however briefly.
  if (report.whatsapp !== 'connected') {
    problems.push(`WhatsApp ${report.whatsapp} since ${report.whatsappSince}, so the bot cannot send`);
  }
  if (report.outbox.paused) problems.push(`report outbox paused (${report.outbox.paused})`);
  if (report.outbox.oldestQueuedAt && now.getTime() - Date.parse(report.outbox.oldestQueuedAt) > OUTBOX_STUCK_MS) {
    problems.push(`a report has waited since ${report.outbox.oldestQueuedAt}`);
  }
  const summary = `WhatsApp ${report.whatsapp}; ${report.outbox.queued} report(s) waiting`;
  return problems.length
    ? { healthy: false, line: `unhealthy: ${problems.join('; ')}` }
    : { healthy: true, line: `healthy: ${summary}` };
}
