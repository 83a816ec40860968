import { userPart, type PersonId } from '../core/ids.js';
import { errorCode } from '../core/log.js';
import type { Messages } from '../core/messages.js';
import type { GroupRecord, Services } from '../core/services.js';
import { cleanText } from '../core/text.js';
import type { Words } from '../core/words.js';

// Private-use characters stand for the bot's own words inside a message being built (core/words.ts):
// in what a person typed they are only a way to smuggle some in.
const privateUse = /\p{Co}/gu;

/** What a person wrote or calls themselves, fit to be shown to admins: visible, bounded, on `lines` lines at most. */
export function shownText(raw: string, maxChars: number, lines = 1): string {
  const clean = cleanText(raw).replace(privateUse, '').trim();
  const kept = clean.split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
  const head = kept.slice(0, lines).join('\n') + (kept.length > lines ? ' …' : '');
  return head.length > maxChars ? `${head.slice(0, maxChars).trimEnd()}…` : head;
}

/**
 * How admins are shown a person: their WhatsApp name when known and the last digits of their
 * number, never the whole number (it is in WhatsApp for them to see, not in the bot's words).
 */
export function personWords(messages: Messages, person: PersonId, name?: string): Words {
  const digits = userPart(person).slice(-3);
  if (person.endsWith('@lid')) return messages.words('personHidden', { digits });
  const shown = name ? shownText(name, 60) : '';
  return shown ? messages.words('personNamed', { name: shown, digits }) : messages.words('personNumber', { digits });
}

/**
 * A private note to each of the group's admins but the bot. One that cannot go out must not stop
 * the others; each is written in the language of the admin's groups. How many went.
 */
export async function tellAdmins(services: Services, group: GroupRecord, text: Words): Promise<number> {
  const { speaker, self, log } = services;
  let told = 0;
  for (const admin of group.admins.filter((a) => a !== self.id)) {
    try {
      await speaker.tell(admin, text);
      told += 1;
    } catch (error) {
      log.warn('admin note not sent', { code: errorCode(error) });
    }
  }
  if (!told) log.warn('no admin to tell', { admins: group.admins.length });
  return told;
}
