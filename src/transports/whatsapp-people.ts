import type { Clock } from '../core/clock.js';
import type { PersonId } from '../core/ids.js';
import { errorCode, type Logger } from '../core/log.js';
import type { PersonAliases } from '../core/services.js';
import type { WhatsAppClient } from './whatsapp-client.js';

/** Past this many ids, a bookkeeping set is emptied rather than kept growing for months. */
const REMEMBERED_IDS = 20_000;

/**
 * One person, one id: WhatsApp's hidden ids (@lid) resolved to phone-number ids through the alias
 * table, asking WhatsApp only about ids it has not recently failed to pair.
 */
export class WhatsAppPeople {
  /** Ids WhatsApp could not pair, and when they may be asked about again (clock ms). */
  private readonly lookupFailedUntil = new Map<string, number>();
  /** Hidden ids still without a number. */
  private readonly unresolvedLids = new Set<string>();
  /** Phone-number ids already paired with their hidden id. */
  private readonly pairedNumbers = new Set<string>();

  constructor(
    /** Where the pairs are kept across restarts (the store). */
    private readonly aliases: PersonAliases,
    private readonly clock: Clock,
    private readonly log: Logger,
    /** A hidden id WhatsApp could not resolve is not asked about again for this long. */
    private readonly lookupRetryMs: number,
  ) {}

  /** Every id of a person in its phone-number form when WhatsApp can tell it, else as given. */
  async people(client: WhatsAppClient, ids: string[]): Promise<PersonId[]> {
    const now = this.clock.now().getTime();
    const due = (id: string) => !((this.lookupFailedUntil.get(id) ?? 0) > now);
    const hidden = ids.filter((id) => id.endsWith('@lid') && !this.aliases.phoneOf(id) && due(id));
    // While some hidden ids have no number, a number not yet paired may be one of them under its
    // other id (WhatsApp switched how it names that person): asking pairs them, and the store
    // then renames the hidden id, so the person stays one member and keeps being an admin.
    const numbers = this.unresolvedLids.size ? ids.filter((id) => id.endsWith('@c.us') && !this.pairedNumbers.has(id) && due(id)) : [];
    const ask = [...new Set([...hidden, ...numbers])];
    if (ask.length) await this.lookUp(client, ask);
    return ids.map((id) => this.aliases.phoneOf(id) ?? id);
  }

  async person(client: WhatsAppClient, id: string): Promise<PersonId> {
    return (await this.people(client, [id]))[0]!;
  }

  /** An id asked about now, however recently it failed (the bot's own, at each connection). */
  async resolve(client: WhatsAppClient, id: string): Promise<PersonId> {
    await this.lookUp(client, [id]);
    return this.aliases.phoneOf(id) ?? id;
  }

  /**
   * Asks WhatsApp which ids belong together and keeps the pairs. A hidden id it cannot resolve
   * (a member who hides their number from the bot) is not asked about again until the retry
   * time: each ask is a round trip through the browser, and a group of 200 such members would
   * otherwise ask for all of them at every message.
   */
  private async lookUp(client: WhatsAppClient, ids: string[]): Promise<void> {
    const pairs: Array<{ lid: PersonId; phone: PersonId }> = [];
    try {
      // For an id WhatsApp cannot resolve, 1.34.7 answers { lid: undefined, pn: undefined }.
      for (const pair of await client.getContactLidAndPhone(ids)) {
        if (pair?.lid && pair.pn) pairs.push({ lid: pair.lid, phone: pair.pn });
      }
    } catch (error) {
      this.log.warn('could not resolve hidden WhatsApp ids', { code: errorCode(error) });
    }
    const now = this.clock.now().getTime();
    const retryAt = now + this.lookupRetryMs;
    const paired = new Set(pairs.flatMap((p) => [p.lid, p.phone]));
    for (const id of ids) {
      if (paired.has(id)) continue;
      this.lookupFailedUntil.set(id, retryAt);
      if (id.endsWith('@lid')) this.unresolvedLids.add(id);
    }
    for (const { lid, phone } of pairs) {
      this.lookupFailedUntil.delete(lid);
      this.unresolvedLids.delete(lid);
      this.pairedNumbers.add(phone);
    }
    if (this.lookupFailedUntil.size > REMEMBERED_IDS) {
      for (const [id, until] of this.lookupFailedUntil) if (until <= now) this.lookupFailedUntil.delete(id);
    }
    if (this.pairedNumbers.size > REMEMBERED_IDS) this.pairedNumbers.clear();
    if (this.unresolvedLids.size > REMEMBERED_IDS) this.unresolvedLids.clear();
    if (!pairs.length) return;
    try {
      await this.aliases.rememberAliases(pairs);
    } catch (error) {
      // The pairs are still known until the bot restarts; only keeping them on disk failed.
      this.log.warn('could not save resolved WhatsApp ids', { code: errorCode(error) });
    }
  }
}

/** The alias table when no store is given (tests of the transport alone): it lasts as long as the process. */
export function aliasesInMemory(): PersonAliases {
  const phoneOfLid = new Map<string, string>();
  return {
    phoneOf: (lid) => phoneOfLid.get(lid),
    async rememberAliases(pairs) {
      for (const { lid, phone } of pairs) phoneOfLid.set(lid, phone);
    },
  };
}
