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

const emailPattern = /[\w.+-]+@[\w-]+(\.[\w-]+)+/g;
const numberPattern = /\+?\d[\d\s().-]{6,}\d/g;
const mentionPattern = /@\d{5,}/g;
const titledName = /\b(Mr|Mrs|Ms|Miss|Dr|Ustadh|Ustadha|Sheikh|Brother|Sister)\.?\s+[A-Z][\w'-]*/g;

/**
 * Takes out what identifies people before text leaves the machine: email addresses, phone
 * numbers, @-mentions, titled names ("Mr Khan") and the names the bot knows from WhatsApp.
 */
export function redact(text: string, knownNames: Array<string | undefined> = []): string {
  let out = text.slice(0, 4000).replace(emailPattern, '[email]').replace(mentionPattern, '[person]');
  out = out.replace(numberPattern, '[number]').replace(titledName, '[name]');
  for (const name of knownNames) {
    const trimmed = name?.trim();
    if (trimmed && trimmed.length >= 2) out = out.split(trimmed).join('[name]');
  }
  return out;
}

