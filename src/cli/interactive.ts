import { createInterface } from 'node:readline';
import type { LoadedConfig } from '../config/load.js';
import { userPart, type PersonId } from '../core/ids.js';
import type { Logger } from '../core/log.js';
import { createSimulation } from './simulation.js';
import type { OutputLine } from '../transports/simulator.js';

const GROUP = '120363000000000001@g.us';
const GROUP_NAME = 'Year 3 Parents';
/** After each line, time runs on this far so replies that wait on a timer (a welcome) show up. */
const SETTLE_MS = 30_000;

const guide = `Type as a parent in "${GROUP_NAME}". Lines starting with / control the simulation:
  /as NAME        speak as NAME (a member of the group)
  /join NAME      NAME is added to the group        /leave NAME   NAME leaves
  /admin NAME     make NAME a group admin
  /private        talk to the bot privately          /group        back to the group
  /reply ID TEXT  reply to message ID (shown as #ID) with TEXT
  /wait SECONDS   let simulated time pass            /quit         end
Time is simulated: after each line it moves just far enough for the bot to answer; /wait moves it further.`;

interface Person {
  name: string;
  id: PersonId;
}

export async function runInteractive(options: { loaded: LoadedConfig; log: Logger; start: Date; seed: number }) {
  const people = new Map<string, Person>();
  const admins = new Set<PersonId>();
  let nextNumber = 1;
  const person = (name: string): Person => {
    const key = name.toLowerCase();
    let found = people.get(key);
    if (!found) {
      found = { name, id: `4477009${String(nextNumber++).padStart(5, '0')}@c.us` };
      people.set(key, found);
    }
    return found;
  };
  const nameOf = (id: string) => [...people.values()].find((p) => p.id === id)?.name ?? `+${userPart(id)}`;
  const show = (line: OutputLine) => {
    if (line.type !== 'send') return;
    const where = line.chat === GROUP ? GROUP_NAME : `private to ${nameOf(line.chat)}`;
    const time = line.at.slice(11, 19);
    process.stdout.write(`\n🤖 ${time} [${where}]${line.quotedId ? ` (replying to #${line.quotedId})` : ''}\n${line.text}\n`);
  };

  const sim = await createSimulation({ ...options, output: show });
  const botId = options.loaded.config.bot.id;
  let me = person('You');
  admins.add(me.id);
  const members = () => [...people.values()].map((p) => p.id);
  const declareGroup = () =>
    sim.transport.feed({ type: 'group', chat: GROUP, name: GROUP_NAME, members: members(), admins: [...admins] });

  process.stdout.write(`${guide}\n`);
  await sim.transport.feed({ type: 'join', chat: GROUP, members: [botId], by: me.id });
  await declareGroup();
  await sim.clock.runOn(SETTLE_MS);

  let inPrivate = false;
  let messageCount = 0;
  // Lines are read as a stream, so input pasted or piped in ahead of the prompt is not lost.
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
  const prompt = () => `\n[${me.name}${inPrivate ? ', private chat with the bot' : ` in ${GROUP_NAME}`}] > `;
  const say = async (text: string, quotedId?: string) => {
    const id = `m${++messageCount}`;
    process.stdout.write(`(#${id})\n`);
    const chat = inPrivate ? me.id : GROUP;
    await sim.transport.feed({ type: 'message', chat, from: me.id, id, text, name: me.name, quotedId, forwarded: false, mentions: [] });
  };

  rl.setPrompt(prompt());
  rl.prompt();
  for await (const input of rl) {
    const [word = '', ...restWords] = input.trim().split(/\s+/);
    const rest = restWords.join(' ');
    if (word === '/quit' || word === '/exit') break;
    else if (word === '/help') process.stdout.write(`${guide}\n`);
    else if (word === '/as' && rest) {
      const known = people.has(rest.toLowerCase());
      me = person(rest);
      if (!known) await declareGroup();
    } else if (word === '/join' && rest) {
      const joiner = person(rest);
      await sim.transport.feed({ type: 'join', chat: GROUP, members: [joiner.id], by: me.id });
    } else if (word === '/leave' && rest) {
      const leaver = person(rest);
      people.delete(rest.toLowerCase());
      await sim.transport.feed({ type: 'leave', chat: GROUP, members: [leaver.id] });
    } else if (word === '/admin' && rest) {
      admins.add(person(rest).id);
      await declareGroup();
    } else if (word === '/private') inPrivate = true;
    else if (word === '/group') inPrivate = false;
    else if (word === '/wait') {
      const seconds = Number(rest);
      if (!Number.isFinite(seconds) || seconds < 0) process.stdout.write('Use /wait SECONDS, for example /wait 60\n');
      else await sim.clock.advanceBy(seconds * 1000);
    } else if (word === '/reply' && restWords.length >= 2) {
      await say(restWords.slice(1).join(' '), restWords[0]!.replace(/^#/, ''));
    } else if (word.startsWith('/')) process.stdout.write('Unknown control line; /help lists them.\n');
    else if (input.trim()) await say(input);
    await sim.clock.runOn(SETTLE_MS);
    rl.setPrompt(prompt());
    rl.prompt();
  }
  rl.close();
  await sim.finish();
}
