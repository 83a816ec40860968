import type { PersonId } from './ids.js';
import type { ReportDesk, ReporterErasure } from './report.js';
import type { GroupStore, PersonErasure } from './services.js';

/** Everything let go of a person who asked to be forgotten, by `!forget` or by the volunteer's command. */
export interface Erasure {
  /** Every WhatsApp id of theirs that was forgotten. */
  ids: PersonId[];
  reports: ReporterErasure;
  person: PersonErasure;
}

/**
 * Forgets a person under every WhatsApp id the store ties to them: their reports (at once, or
 * once delivered), their number in reports they also flagged, and their records in the groups.
 * The ids are looked up first, since forgetting drops the pairs that tie them together.
 */
export async function erasePerson(person: PersonId, store: GroupStore, reports: ReportDesk): Promise<Erasure> {
  const ids = store.idsOf(person);
  return { ids, reports: await reports.forgetReporter(ids), person: await store.forgetPerson(ids) };
}

/** Nothing was kept about them (admin lists aside, which are kept while they are an admin). */
export function erasedNothing(erasure: Erasure): boolean {
  const { reports, person } = erasure;
  return !reports.deleted.length && !reports.afterDelivery.length && !reports.coFlagged && !person.memberLists && !person.otherRecords;
}
