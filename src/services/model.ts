import { readFileSync } from 'node:fs';
import path from 'node:path';
import OpenAI from 'openai';
import { z } from 'zod';
import type { Clock, Timer } from '../core/clock.js';
import type { LanguageModel, ModelEvents, ModelTask } from '../core/model.js';
import { errorCode, type Logger } from '../core/log.js';
import { Notifier } from '../core/notifier.js';


export interface ModelOptions {
  apiKey: string | null;
  baseUrl: string | null;
  model: string;
  timeoutSeconds: number;
  /** The pause before the one retry, when the server did not say how long to wait. */
  retryPauseSeconds: number;
  dailyCalls: number;
  dailyTokens: number;
  promptsDir: string;
  clock: Clock;
  log: Logger;
}

/** For logs: an HTTP status or an error's class, never a code from the server's body, which may echo a message. */
function modelErrorCode(error: unknown): string {
  if (error instanceof OpenAI.APIError) return error.status ? `HTTP ${error.status}` : error.name;
  if (error instanceof SyntaxError) return 'EJSON';
  return error instanceof Error ? error.name : 'unknown';
}

/**
 * The SDK arms a real-time timer of its own for every request and rejects 0; this one never fires
 * before the Model's deadlines on the clock (setTimeout cannot take more than 2^31-1 ms).
 */
const SDK_TIMEOUT_MS = 2 ** 31 - 1;

const timedOut = () => Object.assign(new Error('model call timed out'), { name: 'ModelTimeout' });

/** What the server asked for in Retry-After(-Ms), in ms from `now`, if it said anything usable. */
function retryAfter(headers: Headers | undefined, now: number): number | undefined {
  const ms = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms)) return Math.max(0, ms);
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number.parseFloat(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** How long to wait before the one retry, or undefined when trying again would not help. */
function retryWait(error: unknown, now: number, pauseMs: number): number | undefined {
  if (error instanceof OpenAI.APIConnectionError || (error instanceof Error && error.name === 'ModelTimeout')) return pauseMs;
  if (!(error instanceof OpenAI.APIError) || error.status === undefined) return undefined;
  const status: number = error.status;
  if (status !== 408 && status !== 409 && status !== 429 && status < 500) return undefined;
  return retryAfter(error.headers, now) ?? pauseMs;
}

/**
 * An optional language model, used only to choose among things the bot already has (clauses of
 * the policy, yes or no, a report's category). It never writes what the bot posts or the school
 * reads, never picks recipients, and anything but a valid, schema-shaped answer is thrown away so
 * the offline path is used.
 */
export class Model implements LanguageModel {
  /** Tells the operator's notices when the day's budget is spent. */
  readonly events: Notifier<ModelEvents>;
  private readonly client: OpenAI;
  private readonly prompts: Record<ModelTask, string>;
  private day = '';
  private calls = 0;
  private tokens = 0;
  private toldSpent = false;

  constructor(private readonly options: ModelOptions) {
    this.events = new Notifier((event, error) => options.log.error('model listener failed', { event, code: errorCode(error) }));
    this.client = new OpenAI({
      // A local OpenAI-compatible server (Ollama, llama.cpp) needs no key, but the SDK wants one.
      apiKey: options.apiKey ?? 'none',
      baseURL: options.baseUrl ?? undefined,
      // Deadlines and the retry are the Model's own, on the injected clock, so they follow
      // simulated time and bound the whole call, a stalled body and a Retry-After included.
      timeout: SDK_TIMEOUT_MS,
      maxRetries: 0,
    });
    const read = (task: ModelTask) => readFileSync(path.join(options.promptsDir, `${task}.md`), 'utf8');
    this.prompts = { ask: read('ask'), concern: read('concern'), triage: read('triage') };
  }

  /** Where the model runs, for the privacy notice: the host only, never a key. */
  get host(): string {
    if (!this.options.baseUrl) return 'api.openai.com';
    try {
      return new URL(this.options.baseUrl).host;
    } catch {
      return 'a configured server';
    }
  }

  /**
   * Asks the model; resolves to undefined whenever the answer cannot be trusted or had no chance.
   * Each attempt has timeoutSeconds on the clock and a failure that may pass gets one retry; the
   * whole call, a stalled answer included, ends at twice that plus a second, and a Retry-After
   * that would run past that end is not waited for, so a server that misbehaves cannot hold up
   * the parents' messages queued behind it.
   */
  async ask<T>(task: ModelTask, input: unknown, output: z.ZodType<T>): Promise<T | undefined> {
    if (!this.withinBudget()) return undefined;
    this.calls += 1;
    const log = this.options.log.child({ model: task });
    const request: OpenAI.ChatCompletionCreateParamsNonStreaming = {
      model: this.options.model,
      temperature: 0,
      max_tokens: 300,
      messages: [
        { role: 'system', content: this.prompts[task] },
        { role: 'user', content: JSON.stringify(input) },
      ],
      response_format: {
        type: 'json_schema',
        json_schema: { name: task, strict: true, schema: z.toJSONSchema(output) as Record<string, unknown> },
      },
    };
    try {
      const response = await this.complete(request);
      this.tokens += response.usage?.total_tokens ?? 0;
      const content = response.choices?.[0]?.message?.content;
      if (typeof content !== 'string' || content.length > 2000) {
        log.warn('model answer discarded', { code: 'ESHAPE' });
        return undefined;
      }
      const parsed = output.safeParse(JSON.parse(content));
      if (!parsed.success) {
        log.warn('model answer discarded', { code: 'ESCHEMA' });
        return undefined;
      }
      return parsed.data;
    } catch (error) {
      log.warn('model unavailable; answering offline', { code: modelErrorCode(error) });
      return undefined;
    }
  }

  /** Two attempts at most, the retry only when it and its wait fit before the call's deadline. */
  private async complete(request: OpenAI.ChatCompletionCreateParamsNonStreaming): Promise<OpenAI.ChatCompletion> {
    const { clock } = this.options;
    const attemptMs = this.options.timeoutSeconds * 1000;
    const giveUpAt = clock.now().getTime() + 2 * attemptMs + 1000;
    const left = () => giveUpAt - clock.now().getTime();
    try {
      return await this.attempt(request, Math.min(attemptMs, left()));
    } catch (error) {
      const wait = retryWait(error, clock.now().getTime(), this.options.retryPauseSeconds * 1000);
      if (wait === undefined || wait >= left()) throw error;
      await clock.outside(clock.sleep(wait), 0);
      return await this.attempt(request, Math.min(attemptMs, left()));
    }
  }

  /** One request, answer body included, abandoned when `ms` have passed on the clock. */
  private async attempt(request: OpenAI.ChatCompletionCreateParamsNonStreaming, ms: number): Promise<OpenAI.ChatCompletion> {
    const abort = new AbortController();
    let timer: Timer | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = this.options.clock.setTimer(ms, () => {
        reject(timedOut());
        abort.abort();
      });
    });
    try {
      return await this.options.clock.outside(
        Promise.race([this.client.chat.completions.create(request, { signal: abort.signal }), deadline]),
      );
    } finally {
      timer?.cancel();
    }
  }

  /** What today's budget has left, for the operator's !status. A new day has it all, before its first call. */
  budgetLeft(): { calls: number; tokens: number } {
    const { dailyCalls, dailyTokens, clock } = this.options;
    if (clock.now().toISOString().slice(0, 10) !== this.day) return { calls: dailyCalls, tokens: dailyTokens };
    return { calls: Math.max(0, dailyCalls - this.calls), tokens: Math.max(0, dailyTokens - this.tokens) };
  }

  private withinBudget(): boolean {
    const today = this.options.clock.now().toISOString().slice(0, 10);
    if (today !== this.day) {
      this.day = today;
      this.calls = 0;
      this.tokens = 0;
      this.toldSpent = false;
    }
    if (this.calls < this.options.dailyCalls && this.tokens < this.options.dailyTokens) return true;
    if (!this.toldSpent) {
      this.toldSpent = true;
      this.options.log.warn('daily model budget spent; answering offline until tomorrow');
      void this.events.emit('budgetSpent');
    }
    return false;
  }
}
