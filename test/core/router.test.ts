import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../src/config/load.js';
import { SystemClock } from '../../src/core/clock.js';
import type { CommandFeature, CommandSpec, Feature } from '../../src/core/feature.js';
import type { Logger } from '../../src/core/log.js';
import { Messages } from '../../src/core/messages.js';
import { Router } from '../../src/core/router.js';
import type { GroupRecord, Services } from '../../src/core/services.js';
import { Speaker } from '../../src/core/speaker.js';

const GROUP = '120363000000000001@g.us';
const ADMIN = '447700900001@c.us';
const PARENT = '447700900002@c.us';
const OPERATOR = '447700900090@c.us';

/** A router over the given features, with just enough services for a context; `said` holds what went out. */
function routerWith(features: Feature[], group: Partial<GroupRecord> = {}) {
  const { config, templates } = loadConfig({ BOT_OPERATOR: OPERATOR });
  const messages = new Messages(templates, config.school, config.bot.name);
  const said: Array<{ chat: string; text: string }> = [];
  const record: GroupRecord = { id: GROUP, name: 'Year 3', members: [], admins: [ADMIN], paused: false, welcome: null, approved: true, ...group };
  const errors: string[] = [];
  const log: Logger = {
    error: (message, meta) => errors.push(`${message} ${JSON.stringify(meta)}`),
    warn: () => undefined,
    info: () => undefined,
    debug: () => undefined,
    child: () => log,
  };
  const services = {
    config,
    messages,
    clock: new SystemClock(() => undefined),
    log,
    speaker: new Speaker(messages, (out) => void said.push({ chat: out.chat, text: out.text.split('\n\n')[0]! })),
    store: { group: (id: string) => (id === GROUP ? record : undefined) },
    self: { id: config.bot.id },
  } as unknown as Services;
  const router = new Router(features, services, log, 60_000);
  const message = (from: string, text: string, chat = GROUP) =>
    router.handle({ kind: 'message', chat, from, id: `m${said.length}`, text, forwarded: false, mentions: [], at: new Date() });
  return { router, said, errors, message };
}

/** A feature that records that it saw an event and passes it on. */
function watcher(name: string, seen: string[]): Feature {
  return { name, handle: async (ctx, next) => { seen.push(`${name}:${ctx.state.command?.name ?? ctx.text}`); await next(); } };
}

function command(name: string, seen: string[], extra: Partial<CommandSpec> = {}): CommandFeature {
  return {
    name,
    help: 'helpRules',
    command: { names: [name], where: 'any', ...extra },
    handle: async (ctx) => void seen.push(`${name}!${ctx.state.command.rest}`),
  };
}

describe('the router: one list of features', () => {
  it('a command stops at its own feature; plain messages pass the commands by', async () => {
    const seen: string[] = [];
    const { message } = routerWith([watcher('before', seen), command('rules', seen), watcher('after', seen)]);
    await message(PARENT, '!rules full');
    await message(PARENT, 'hello');
    expect(seen).toEqual(['before:rules', 'rules!full', 'before:hello', 'after:hello']);
  });

  it('an unknown command stops after the last command and is answered privately, once in a while', async () => {
    const seen: string[] = [];
    const { message, said } = routerWith([command('rules', seen), watcher('after', seen)]);
    await message(PARENT, '!rulez');
    await message(PARENT, '!rulez');
    expect(seen).toEqual([]);
    expect(said).toEqual([{ chat: PARENT, text: expect.stringContaining('!rulez') }]);
  });

  it('applies the guards the command declares: admins only, group only, silent while paused', async () => {
    const seen: string[] = [];
    const features = [command('pause', seen, { adminOnly: true, whilePaused: true }), command('rules', seen, { where: 'group' })];
    const { message, said } = routerWith(features, { paused: true });
    await message(PARENT, '!pause');
    await message(ADMIN, '!pause');
    await message(ADMIN, '!rules');
    await message(PARENT, '!rules', PARENT);
    expect(seen).toEqual(['pause!']);
    expect(said.map((s) => s.chat)).toEqual([PARENT, PARENT]);
    expect(said[0]!.text).toMatch(/admins/);
  });

  it('builds the help lines and the public command list from the features, in order', () => {
    const seen: string[] = [];
    const { router } = routerWith([
      { ...command('rules', seen), help: 'helpRules' },
      { ...command('pause', seen, { adminOnly: true }), help: 'helpPause' },
      { name: 'concern', help: 'helpConcern', handle: (_ctx, next) => next() },
    ]);
    expect(router.catalogue.helpLines).toEqual(['helpRules', 'helpPause', 'helpConcern']);
    expect(router.catalogue.publicCommands).toBe('!rules');
  });

  it('refuses a command listed apart from the others, which would split where commands stop', () => {
    const seen: string[] = [];
    expect(() => routerWith([command('rules', seen), watcher('between', seen), command('help', seen)])).toThrow(
      '!help is listed apart from the other commands',
    );
  });

  it('refuses two features answering the same command', () => {
    const seen: string[] = [];
    expect(() => routerWith([command('rules', seen), command('rules', seen)])).toThrow('two features answer !rules');
    // One for everywhere and one for groups overlap in groups.
    expect(() => routerWith([command('rules', seen), command('rules', seen, { where: 'group' })])).toThrow(
      'two features answer !rules in group chats',
    );
  });

  it('lets one feature answer a name in groups and another in private chats, each in its own place', async () => {
    const seen: string[] = [];
    const inGroups: CommandFeature = { ...command('status', seen, { where: 'group' }), handle: async () => void seen.push('group status') };
    const inPrivate: CommandFeature = { ...command('status', seen, { where: 'private' }), handle: async () => void seen.push('private status') };
    const { message, said } = routerWith([inGroups, inPrivate]);
    await message(PARENT, '!status');
    await message(PARENT, '!status', PARENT);
    expect(seen).toEqual(['group status', 'private status']);
    expect(said).toEqual([]);
  });

  it('an operator-only command does not exist for anyone else: they get what they would get without it', async () => {
    const seen: string[] = [];
    const operatorOnly = { where: 'private', operatorOnly: true } as const;
    const features = [
      command('pause', seen, { where: 'group', adminOnly: true }),
      { ...command('pause', seen, operatorOnly), handle: async () => void seen.push('operator pause') },
      command('approve', seen, operatorOnly),
    ];
    const { message, said } = routerWith(features);
    await message(OPERATOR, '!pause all', OPERATOR);
    await message(OPERATOR, '!approve', OPERATOR);
    expect(seen).toEqual(['operator pause', 'approve!']);
    // Privately, a parent's !approve is an unknown command, word for word, and !pause is the group's command.
    await message(PARENT, '!approve', PARENT);
    await message(PARENT, '!approvf', PARENT);
    await message(PARENT, '!pause all', PARENT);
    expect(said.map((s) => s.text)).toEqual([
      "I don't know !approve. Type !help to see what I can do.",
      "I don't know !approvf. Type !help to see what I can do.",
      '!pause works inside a group, not in a private chat.',
    ]);
    // In a group too a parent's !approve is unknown (answered privately), while the operator is
    // told to send it privately.
    said.length = 0;
    await message(PARENT, '!approve');
    await message(OPERATOR, '!approve');
    expect(said).toEqual([
      { chat: PARENT, text: "I don't know !approve. Type !help to see what I can do." },
      { chat: OPERATOR, text: 'Please send !approve to me in a private chat.' },
    ]);
    expect(seen).toEqual(['operator pause', 'approve!']);
  });

  it('a feature that throws is logged with a code, never the error text, and the event goes no further', async () => {
    const seen: string[] = [];
    const broken: Feature = { name: 'broken', handle: async () => { throw Object.assign(new Error('secret text'), { code: 'EBROKEN' }); } };
    const { message, errors } = routerWith([broken, watcher('after', seen)]);
    await message(PARENT, 'first');
    expect(errors).toEqual([expect.stringContaining('EBROKEN')]);
    expect(errors[0]).not.toContain('secret text');
    expect(seen).toEqual([]);
  });
});
