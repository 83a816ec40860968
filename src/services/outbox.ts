import type { Config } from '../config/schema.js';
import type { Clock, Timer } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import type { Messages } from '../core/messages.js';
import type { Random } from '../core/random.js';
import type { Report } from '../core/report.js';
import type { Mailer } from './mailer.js';
import { renderReportEmail } from './report-email.js';
import type { ModelTriage, Reports } from './reports.js';

const RETENTION_SWEEP_MS = 24 * 3_600_000;

/**
 * Delivers queued reports to the school, one attempt at a time, oldest first. Each outcome is
 * recorded by the reports service before the next step, so a restart picks up exactly where it
 * stopped: a report is either still queued (and is sent again under the same Message-ID) or sent.
 */
export class Outbox {
  private running = false;
  private timer: Timer | undefined;
  private pausedFor: string | undefined;

  constructor(
    private readonly reports: Reports,
    private readonly mailer: Mailer,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly messages: Messages,
    private readonly config: Config,
    private readonly log: Logger,
    /** An optional first read of a report (its category) before its first attempt. */
    private readonly triage?: (report: Report) => Promise<ModelTriage | undefined>,
  ) {
    reports.events.on('queued', () => this.kick());
  }

  get paused(): string | undefined {
    return this.pausedFor;
  }

  queued(): Report[] {
    return this.reports.queued();
  }

  /** Looks at the queue again now (a new report, a report queued again, or a start). */
  kick(): void {
    this.timer?.cancel();
    this.timer = this.clock.setTimer(0, () => this.drain());
  }

  stop(): void {
    this.timer?.cancel();
    this.mailer.close();
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (let report = this.nextDue(); report && !this.pausedFor; report = this.nextDue()) {
        await this.attempt(report);
      }
      await this.reports.applyRetention();
    } finally {
      this.running = false;
      this.scheduleNext();
    }
  }

  private nextDue(): Report | undefined {
    const now = this.clock.now().getTime();
    let best: Report | undefined;
    for (const report of this.queued()) {
      const at = Date.parse(report.delivery.nextAttemptAt);
      if (at <= now && (!best || at < Date.parse(best.delivery.nextAttemptAt))) best = report;
    }
    return best;
  }

  /**
   * The next due report, or retention's next warning or deletion, or a day from now at the
   * latest: retention runs at every pass, so a report is deleted when its time is up.
   */
  private scheduleNext(): void {
    const times = this.pausedFor ? [] : this.queued().map((r) => Date.parse(r.delivery.nextAttemptAt));
    const retention = this.reports.nextRetentionAt()?.getTime() ?? Infinity;
    const now = this.clock.now().getTime();
    const wait = Math.max(0, Math.min(now + RETENTION_SWEEP_MS, retention, ...times) - now);
    this.timer?.cancel();
    this.timer = this.clock.setTimer(wait, () => this.drain());
  }

  private async attempt(report: Report): Promise<void> {
    if (this.triage && !report.modelTriaged) await this.reports.recordModelTriage(report, await this.triage(report));
    const email = renderReportEmail(report, this.messages, this.config);
    const outcome = await this.mailer.send(
      {
        from: this.config.mail.from,
        to: this.config.school.email,
        subject: email.subject,
        text: email.text,
        messageId: report.messageId,
        date: new Date(report.createdAt),
        attachments: email.attachments,
        headers: { 'X-Steward-Report': report.id, ...(report.urgent ? { Importance: 'high', 'X-Priority': '1' } : {}) },
      },
      `${report.id}.eml`,
    );
    const now = this.clock.now();
    const log = this.log.child({ report: report.id, attempt: report.delivery.attempts + 1 });

    if (outcome.ok) {
      await this.reports.recordDelivered(report, { accepted: outcome.accepted, subject: email.subject }, this.mailer.mode);
      log.info('report delivered', { mode: this.mailer.mode });
      return;
    }
    if (outcome.kind === 'auth') {
      // Every report would fail the same way: hold the queue until a person has fixed the login.
      this.pausedFor = outcome.code;
      log.warn('mail server refused the login; outbox paused', { code: outcome.code });
      await this.reports.recordPaused(report, outcome.code);
      return;
    }
    const retryForMs = this.config.mail.retryForHours * 3_600_000;
    if (outcome.kind === 'permanent' || now.getTime() - Date.parse(report.delivery.queuedAt ?? report.createdAt) >= retryForMs) {
      log.error('report failed for good', { code: outcome.code });
      await this.reports.recordFailed(report, outcome.code);
      return;
    }
    const retryAt = new Date(now.getTime() + this.backoff(report.delivery.attempts + 1));
    await this.reports.recordRetry(report, outcome.code, retryAt);
    log.warn('report not delivered yet; will retry', { code: outcome.code, retryAt: retryAt.toISOString() });
  }

  /** Doubling waits with ±20% jitter, so a server coming back is not hit by every retry at once. */
  private backoff(attempts: number): number {
    const first = this.config.mail.firstRetrySeconds * 1000;
    const longest = this.config.mail.longestRetryMinutes * 60_000;
    const base = Math.min(longest, first * 2 ** Math.min(attempts - 1, 20));
    return Math.round(base * (0.8 + 0.4 * this.random()));
  }
}
