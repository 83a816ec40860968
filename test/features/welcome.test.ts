import { afterEach, describe, expect, it } from '@jest/globals';
import { ADMIN, BOT, GROUP, groupLine, person, startBot, type TestBot } from '../support/bot.js';

let bot: TestBot;
afterEach(async () => bot?.close());

describe('welcome', () => {
  it('turns a burst of joins into one message that mentions every new member', async () => {
    bot = await startBot();
    await bot.run(groupLine());
    const joiners = Array.from({ length: 30 }, (_, i) => person(100 + i));
    for (const joiner of joiners) await bot.run({ type: 'join', chat: GROUP, members: [joiner], by: ADMIN }, { type: 'wait', seconds: 1 });
    await bot.settle();
    const sent = bot.take();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.mentions).toEqual(joiners);
    for (const joiner of joiners) expect(sent[0]!.text).toContain(`@${joiner.split('@')[0]}`);
    expect(sent[0]!.text).toMatch(/run by parents/);
    expect(sent[0]!.text).toMatch(/not an official IMAI account/);
    expect(sent[0]!.text).not.toContain(BOT.split('@')[0]);
  });
});
