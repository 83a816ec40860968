import type { z } from 'zod';
import type { Notifier } from './notifier.js';

export type ModelTask = 'ask' | 'concern' | 'triage';

export interface ModelEvents {
  [name: string]: unknown[];
  /** The day's budget ran out: the bot answers offline until tomorrow. */
  budgetSpent: [];
}

/**
 * The optional language model as features see it: it only ever chooses among things the bot
 * already has, and resolves to undefined whenever its answer cannot be trusted.
 */
export interface LanguageModel {
  /** Where the model runs, for the privacy notice: the host only, never a key. */
  readonly host: string;
  readonly events: Notifier<ModelEvents>;
  ask<T>(task: ModelTask, input: unknown, output: z.ZodType<T>): Promise<T | undefined>;
}
