import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../src/config/load.js';
import { SystemClock } from '../../src/core/clock.js';
import { withoutIsolates } from '../../src/core/bidi.js';
import { createContext, type Catalogue } from '../../src/core/context.js';
import type { ChatEvent } from '../../src/core/events.js';
import type { Logger } from '../../src/core/log.js';
import { Messages } from '../../src/core/messages.js';
import type { GroupRecord, Services } from '../../src/core/services.js';
import { LANGUAGE_SEPARATOR, Speaker } from '../../src/core/speaker.js';

const GROUP = '120363000000000001@g.us';
const PARENT = '447700900002@c.us';
const STRANGER = '447700900077@c.us';

const loaded = loadConfig({});
const messages = new Messages(loaded.templates, loaded.config.school, loaded.config.bot.name, { languages: loaded.languages });
const footer = (code: string) => messages.footerIn(code);
const inLanguage = (code: string, text: string) => `${text}\n\n${footer(code)}`;
const log: Logger = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined, child: () => log };
const catalogue: Catalogue = { helpLines: [], publicCommands: '' };

/** A context for one message, with a real Messages and Speaker; `sent` is what went out. */
function contextFor(text: string, options: { chat?: string; languages?: string[] } = {}) {
  const group: GroupRecord = {
    id: GROUP, name: 'Year 3', members: [], admins: [], paused: false, welcome: null, approved: true,
    ...(options.languages ? { languages: options.languages } : {}),
  };
  const sent: Array<{ chat: string; text: string }> = [];
  const speaker = new Speaker(messages, (out) => void sent.push({ chat: out.chat, text: out.text }));
  const services = {
    config: loaded.config,
    messages,
    speaker,
    clock: new SystemClock(() => undefined),
    log,
    store: {
      group: (id: string) => (id === GROUP ? group : undefined),
      groupsOf: (person: string) => (person === STRANGER ? [] : [group]),
    },
  } as unknown as Services;
  const chat = options.chat ?? GROUP;
  const event: ChatEvent = { kind: 'message', chat, from: PARENT, id: 'm1', text, forwarded: false, mentions: [], at: new Date() };
  return { ctx: createContext(event, text, {}, catalogue, services, () => log), sent };
}

describe('the context writes the words a feature chose in the languages of the chat they go to', () => {
  it('a group that reads English gets exactly what it got before languages: one rendering, the English footer', async () => {
    const { ctx, sent } = contextFor('!rules');
    await ctx.reply(ctx.say('rules'));
    expect(sent).toEqual([{ chat: GROUP, text: inLanguage('en', messages.render('rules')) }]);
  });

  it('words nested in words and joined as text follow each language of a two-language group', async () => {
    const { ctx, sent } = contextFor('!welcome on', { languages: ['ur', 'en'] });
    await ctx.reply(`${ctx.say('welcomeSet', { state: ctx.say('on') })}\n${ctx.say('statusActive')}`);
    const urdu = `${messages.renderIn('ur', 'welcomeSet', { state: 'آن' })}\n${messages.renderIn('ur', 'statusActive')}`;
    const english = `${messages.renderIn('en', 'welcomeSet', { state: 'on' })}\nactive`;
    expect(sent).toEqual([{ chat: GROUP, text: `${inLanguage('ur', urdu)}\n\n${LANGUAGE_SEPARATOR}\n\n${inLanguage('en', english)}` }]);
  });

  it('sayIn fixes the language wherever the words go: an Urdu answer in an English group', async () => {
    const { ctx, sent } = contextFor('shikayat kaise karein?');
    expect(ctx.languages).toEqual(['en']);
    await ctx.answer(ctx.sayIn('ur', 'concern'));
    expect(sent).toEqual([{ chat: GROUP, text: inLanguage('ur', messages.renderIn('ur', 'concern')) }]);
  });

  it('a private message from a group context is in one language: the one the person wrote in', async () => {
    const { ctx, sent } = contextFor('bacha ki shikayat kis ko karun', { languages: ['en', 'ar'] });
    await ctx.tell(PARENT, ctx.say('concernPrivately', { groupName: 'Year 3', answer: ctx.say('concern') }));
    const urdu = messages.renderIn('ur', 'concernPrivately', { groupName: 'Year 3', answer: messages.renderIn('ur', 'concern') });
    expect(sent).toEqual([{ chat: PARENT, text: inLanguage('ur', urdu) }]);
  });

  it('in a private chat: the language written in, else the person\'s group\'s, else the default', async () => {
    const arabic = contextFor('كيف أقدم شكوى؟', { chat: PARENT, languages: ['ur'] });
    expect(arabic.ctx.languages).toEqual(['ar']);
    const fromGroup = contextFor('!rules', { chat: PARENT, languages: ['ur'] });
    expect(fromGroup.ctx.languages).toEqual(['ur']);
    await fromGroup.ctx.reply(fromGroup.ctx.say('rules'));
    expect(fromGroup.sent[0]!.text).toBe(inLanguage('ur', messages.renderIn('ur', 'rules')));
    // Someone in no group the bot serves: the configured default.
    const stranger = contextFor('!help', { chat: STRANGER });
    expect(stranger.ctx.languages).toEqual(['en']);
  });

  it('text that is not the bot\'s words goes as it is, with the English footer', async () => {
    const { ctx, sent } = contextFor('!x', { languages: ['ur'] });
    await ctx.reply('plain text');
    expect(sent).toEqual([{ chat: GROUP, text: inLanguage('en', 'plain text') }]);
  });

  it('words sent around the context are refused, never posted half-written', async () => {
    const { ctx, sent } = contextFor('!rules');
    await expect(ctx.services.speaker.post(GROUP, ctx.say('rules'))).rejects.toMatchObject({ code: 'EUNRENDERED' });
    expect(sent).toEqual([]);
  });
});

describe('Messages: the policy in another language is marked as a courtesy translation', () => {
  const note = messages.courtesyNote('ur')!;

  it('on every template that shows clauses, and nowhere else', () => {
    for (const key of ['rules', 'rulesFull', 'welcome', 'intro'] as const) {
      const values = key === 'welcome' ? { mentions: '@447700900005', commands: '!rules' } : undefined;
      expect([key, messages.renderIn('ur', key, values).includes(note)]).toEqual([key, true]);
      expect([key, messages.render(key, values).includes(note)]).toEqual([key, false]);
    }
    expect(messages.renderIn('ur', 'askAnswer', { quotes: '“…”' })).toContain(note);
    for (const key of ['concern', 'help', 'footer'] as const) {
      expect(messages.renderIn('ur', key, { commandLines: '' })).not.toContain(note);
    }
  });

  it('takes the clauses from the translation, the ids and the school\'s address as in school.json', () => {
    const school = messages.schoolIn('ur');
    expect(school.policy.guidelines.map((g) => g.id)).toEqual(loaded.config.school.policy.guidelines.map((g) => g.id));
    expect(school.policy.decider).toBe('پرنسپل');
    expect(school.email).toBe(loaded.config.school.email);
    expect(messages.renderIn('ur', 'rulesFull')).toContain(school.policy.guidelines[0]!.text);
    expect(messages.schoolIn('en')).toBe(loaded.config.school);
  });

  it('English and left-to-right languages get no direction marks; Urdu gets them around the address', () => {
    expect(messages.render('concern')).not.toMatch(/[\u2066-\u2069]/);
    expect(messages.renderIn('so', 'concern')).not.toMatch(/[\u2066-\u2069]/);
    expect(messages.renderIn('ur', 'concern')).toContain(`\u2066${loaded.config.school.email}\u2069`);
    expect(messages.renderIn('ar', 'concern')).toContain(`\u2066${loaded.config.school.email}\u2069`);
    // An Arabic welcome: the address and the mention isolated, each once, and exact without the marks.
    const welcome = messages.renderIn('ar', 'welcome', { mentions: '@447700900005', commands: '!rules · !help' });
    expect(welcome).toContain(`\u2066${loaded.config.school.email}\u2069`);
    expect(welcome).toContain('\u2066@447700900005\u2069');
    expect(welcome).not.toContain('\u2066\u2066');
    expect(withoutIsolates(welcome)).toContain(loaded.config.school.email);
  });

  it('a group record whose languages are not a list of known codes reads the defaults', () => {
    expect(messages.groupLanguages({ languages: ['xx', 'ur'] })).toEqual(['ur']);
    expect(messages.groupLanguages({ languages: ['xx'] })).toEqual(['en']);
    expect(messages.groupLanguages({ languages: 'ur' as unknown as string[] })).toEqual(['en']);
  });
});
