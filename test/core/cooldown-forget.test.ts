import { describe, expect, it } from '@jest/globals';
import { Cooldown, forgetInEveryCooldown } from '../../src/core/cooldown.js';

/* A person who sends !forget leaves every cooldown, the ones other parts keep to themselves too. */

const GROUP = '120363000000000001@g.us';
const ASKER = '447700900002@c.us';
const OTHER = '447700900003@c.us';
const at = new Date('2026-01-05T08:00:00Z');

describe('forgetInEveryCooldown', () => {
  it("drops each cooldown's keys that name the person, alone or after a chat id, and nobody else's", () => {
    const byPerson = new Cooldown(60_000);
    const byChatAndPerson = new Cooldown(60_000);
    expect(byPerson.check(ASKER, at)).toBe('first');
    expect(byChatAndPerson.check(`${GROUP} ${ASKER}`, at)).toBe('first');
    expect(byChatAndPerson.check(`${GROUP} ${OTHER}`, at)).toBe('first');
    expect(byPerson.check(ASKER, at)).toBe('pointer');

    forgetInEveryCooldown([ASKER]);
    expect(byPerson.check(ASKER, at)).toBe('first');
    expect(byChatAndPerson.check(`${GROUP} ${ASKER}`, at)).toBe('first');
    // Another person's entry, and a chat's own, stay.
    expect(byChatAndPerson.check(`${GROUP} ${OTHER}`, at)).toBe('pointer');
  });
});
