import type { Context } from './context.js';
import { isGroupId } from './ids.js';

export type CooldownVerdict = 'first' | 'pointer' | 'quiet';

/**
 * Every cooldown in this process, so a person who asks to be forgotten leaves all of them, the
 * ones features and the router keep to themselves included. Weak: a cooldown goes with its bot.
 */
const everyCooldown = new Set<WeakRef<Cooldown>>();

/** Drops every cooldown's memory of these people (a key naming one of them, alone or after a chat id). */
export function forgetInEveryCooldown(people: readonly string[]): void {
  for (const ref of everyCooldown) {
    const cooldown = ref.deref();
    if (cooldown) cooldown.forget(people);
    else everyCooldown.delete(ref);
  }
}

/**
 * Stops a burst of the same request from flooding a chat: the first gets the full answer, the
 * next one inside the period a short pointer to it, the rest nothing until the period ends.
 */
export class Cooldown {
  private readonly last = new Map<string, { at: number; pointed: boolean }>();

  constructor(private readonly periodMs: number) {
    everyCooldown.add(new WeakRef(this));
  }

  /** Forgets keys that name one of these people: a key is a person's id, or a chat id and a person's id. */
  forget(people: readonly string[]): void {
    for (const key of this.last.keys()) if (key.split(' ').some((part) => people.includes(part))) this.last.delete(key);
  }

  check(key: string, now: Date): CooldownVerdict {
    const at = now.getTime();
    const seen = this.last.get(key);
    if (!seen || at - seen.at >= this.periodMs) {
      this.last.set(key, { at, pointed: false });
      this.prune(at);
      return 'first';
    }
    if (seen.pointed) return 'quiet';
    seen.pointed = true;
    return 'pointer';
  }

  // Old keys are dropped so the map stays small however many chats the bot serves.
  private prune(now: number): void {
    if (this.last.size <= 1000) return;
    for (const [key, seen] of this.last) if (now - seen.at >= this.periodMs) this.last.delete(key);
  }
}

/**
 * Answers in the event's chat: always in a private chat, and in a group as the cooldown allows
 * (the full text first, then the pointer once, if there is one).
 */
export async function answerUnderCooldown(
  ctx: Context,
  cooldown: Cooldown,
  answer: { key: string; text: string; pointer?: string; quote?: boolean },
): Promise<CooldownVerdict> {
  const send = (text: string) => (answer.quote ? ctx.answer(text) : ctx.reply(text));
  if (!isGroupId(ctx.event.chat)) {
    await send(answer.text);
    return 'first';
  }
  const verdict = cooldown.check(`${ctx.event.chat} ${answer.key}`, ctx.now());
  if (verdict === 'first') await send(answer.text);
  else if (verdict === 'pointer' && answer.pointer) await send(answer.pointer);
  return verdict;
}
