import { readFileSync } from 'node:fs';
import path from 'node:path';
import OpenAI from 'openai';
import { z } from 'zod';
import type { Clock } from '../core/clock.js';
import type { LanguageModel, ModelTask } from '../core/model.js';
import { errorCode } from '../core/log.js';
import type { Logger } from '../core/log.js';


export interface ModelOptions {
  apiKey: string | null;
  baseUrl: string | null;
  model: string;
  timeoutSeconds: number;
  dailyCalls: number;
  dailyTokens: number;
  promptsDir: string;
  clock: Clock;
  log: Logger;
  /** Told once a day when the budget runs out and the bot falls back to its offline answers. */
  onBudgetSpent: () => void;
}

/** For logs: an HTTP status or an error's class, never a code from the server's body, which may echo a message. */
function modelErrorCode(error: unknown): string {
  if (error instanceof OpenAI.APIError) return error.status ? `HTTP ${error.status}` : error.name;
  if (error instanceof SyntaxError) return 'EJSON';
  return error instanceof Error ? error.name : 'unknown';
}

/**
 * An optional language model, used only to choose among things the bot already has (clauses of
 * the policy, yes or no, a category) and, for a report, to write a short summary that the email
 * labels as machine-written. It never writes what the bot posts, never picks recipients, and
 * anything but a valid, schema-shaped answer is thrown away so the offline path is used.
 */
export class Model implements LanguageModel {
  private readonly client: OpenAI;
  private readonly prompts: Record<ModelTask, string>;
  private day = '';
  private calls = 0;
  private tokens = 0;
  private toldSpent = false;

  constructor(private readonly options: ModelOptions) {
    this.client = new OpenAI({
      // A local OpenAI-compatible server (Ollama, llama.cpp) needs no key, but the SDK wants one.
      apiKey: options.apiKey ?? 'none',
      baseURL: options.baseUrl ?? undefined,
      timeout: options.timeoutSeconds * 1000,
      maxRetries: 1,
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
   * Each attempt has timeoutSeconds and there is one retry; the whole call, a stalled answer and
   * a long Retry-After included, ends at twice that plus a second, so a server that misbehaves
   * cannot hold up the parents' messages queued behind it.
   */
  async ask<T>(task: ModelTask, input: unknown, output: z.ZodType<T>): Promise<T | undefined> {
    if (!this.withinBudget()) return undefined;
    this.calls += 1;
    const log = this.options.log.child({ model: task });
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        abort.abort();
        reject(Object.assign(new Error('model call timed out'), { name: 'ModelTimeout' }));
      }, (2 * this.options.timeoutSeconds + 1) * 1000);
    });
    try {
      const call = this.client.chat.completions.create({
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
      }, { signal: abort.signal });
      const response = await Promise.race([call, deadline]);
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
    } finally {
      clearTimeout(timer);
    }
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
      this.options.onBudgetSpent();
    }
    return false;
  }
}
