import { createHash } from 'node:crypto';
/** WhatsApp serialized ids: people `447700900001@c.us` (or `…@lid`), groups `120363…@g.us`. */
export type PersonId = string;
export type GroupId = string;
export type ChatId = PersonId | GroupId;

export function isGroupId(id: string): boolean {
  return id.endsWith('@g.us');
}

export function isPersonId(id: string): boolean {
  return /^\d{5,20}@(c\.us|lid)$/.test(id);
}

/** The digits before the `@`: what WhatsApp needs after `@` in a message text to mention someone. */
export function userPart(id: string): string {
  const at = id.indexOf('@');
  return at === -1 ? id : id.slice(0, at);
}

/**
 * For logs: all but the last 3 digits are hidden, so a log can tell two people apart
 * without carrying anyone's phone number.
 */
export function maskId(id: string | undefined): string {
  if (!id) return '-';
  const at = id.indexOf('@');
  const user = at === -1 ? id : id.slice(0, at);
  const server = at === -1 ? '' : id.slice(at);
  return `…${user.slice(-3)}${server}`;
}

/**
 * For logs: WhatsApp ids can carry phone numbers inside them (a message id ends with its
 * author's id; an old group id starts with its creator's number), so every long run of digits is
 * shortened to its last 3.
 */
export function maskDigits(text: string): string {
  return text.replace(/\d{6,}/g, (digits) => `…${digits.slice(-3)}`);
}

const CODE_LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/**
 * A short, stable code for a group, from its WhatsApp id: the school can tell apart two groups
 * with the same name, and an operator can name a group in a command (`!approve K7Q2MX`). Six
 * letters from an alphabet with no look-alikes (no I, O, 0 or 1).
 */
export function groupCode(group: GroupId): string {
  const digest = createHash('sha256').update(group).digest();
  let code = '';
  for (let i = 0; i < 6; i++) code += CODE_LETTERS[digest[i]! & 31];
  return code;
}
