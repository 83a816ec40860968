import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { parseCommand } from '../../src/core/commands.js';

describe('parseCommand: examples', () => {
  it.each([
    ['!rules', 'rules', [], ''],
    ['!RULES', 'rules', [], ''],
    ['! Rules  FULL', 'rules', ['full'], 'FULL'],
    ['!rules full', 'rules', ['full'], 'full'],
    ['  \t!rules', 'rules', [], ''],
    ['\n!rules\n', 'rules', [], ''],
    // A full-width mark and full-width letters, as some phone keyboards type them.
    ['！rules', 'rules', [], ''],
    ['！ＲＵＬＥＳ', 'rules', [], ''],
    ['!welcome Off', 'welcome', ['off'], 'Off'],
    ['!flag rude about  a teacher', 'flag', ['rude', 'about', 'a', 'teacher'], 'rude about  a teacher'],
    ['!rules?', 'rules', ['?'], '?'],
  ])('%j is the command %j with args %j', (text, name, args, rest) => {
    expect(parseCommand(text)).toEqual({ name, args, rest });
  });

  it('reads a command hidden behind zero-width characters as the command a person sees', () => {
    expect(parseCommand('\u200b!rules')?.name).toBe('rules');
    expect(parseCommand('\ufeff\u200d!\u200crules')?.name).toBe('rules');
    expect(parseCommand('\u202e!rules\u202c')?.name).toBe('rules');
  });

  it('joins words split only by a zero-width space, since a person reads them as one', () => {
    // "!rules\u200bfull" looks like "!rulesfull": it is that (unknown) command, not "!rules full".
    expect(parseCommand('!rules\u200bfull')).toEqual({ name: 'rulesfull', args: [], rest: '' });
  });

  it.each([
    '!!!',
    'wow!',
    '!1',
    '!',
    '',
    '   ',
    'hello !rules',
    'rules',
    '!1rules',
    '!rules1',
    '!!rules',
    '?!rules',
    '.!rules',
    `!${'a'.repeat(21)}`,
    `!rules${'x'.repeat(40)}`,
    '\ud800!rules',
  ])('%j is not a command', (text) => {
    expect(parseCommand(text)).toBeNull();
  });

  it('accepts names up to 20 letters', () => {
    expect(parseCommand(`!${'a'.repeat(20)}`)?.name).toBe('a'.repeat(20));
  });

  it('bounds the free text kept from a long command', () => {
    const parsed = parseCommand(`!flag ${'x'.repeat(5000)}`);
    expect(parsed?.name).toBe('flag');
    expect(parsed!.rest.length).toBeLessThanOrEqual(1000);
  });

  // A word that goes on with a letter outside ASCII is one word: "!café" is not the command
  // "!caf" followed by "é" (which would earn the private note "I don't know !caf"), just as
  // "!rules1" is not "!rules".
  it('does not cut a word at its first non-ASCII letter', () => {
    const cut = ['!café', '!rulesé', '!naïve', '!rulesß', '!rulesд'].filter((text) => parseCommand(text) !== null);
    expect(cut).toEqual([]);
  });

  // Invisible format characters (Unicode category Cf): bidi isolates (which phones put around
  // right-to-left text), the Arabic letter mark, the soft hyphen, as well as zero-width spaces and
  // bidi overrides. Behind any of them "!rules" looks exactly like "!rules" on screen.
  it('reads a !rules behind any invisible format character as !rules', () => {
    const hidden = {
      'U+2066 LEFT-TO-RIGHT ISOLATE': '\u2066!rules\u2069',
      'U+2067 RIGHT-TO-LEFT ISOLATE': '\u2067!rules\u2069',
      'U+2068 FIRST STRONG ISOLATE': '\u2068!rules\u2069',
      'U+061C ARABIC LETTER MARK': '\u061c!rules',
      'U+00AD SOFT HYPHEN': '\u00ad!rules',
      'U+200B ZERO WIDTH SPACE': '\u200b!rules',
      'U+202E RIGHT-TO-LEFT OVERRIDE': '\u202e!rules',
    };
    const missed = Object.entries(hidden)
      .filter(([, text]) => parseCommand(text)?.name !== 'rules')
      .map(([label]) => label);
    expect(missed).toEqual([]);
  });
});

const whitespace = fc.constantFrom(' ', '  ', '\t', '\n', '\r\n', '\u00a0', '\u3000', ' \t ');
const optionalSpace = fc.oneof(fc.constant(''), whitespace);
const validName = fc.mixedCase(fc.stringMatching(/^[a-z]{1,20}$/));
// Arguments as a parent types them: words of letters, digits and ASCII punctuation.
const validArg = fc.stringMatching(/^[A-Za-z0-9.,?'#@:-]{1,12}$/);

describe('parseCommand: properties', () => {
  const anyText = fc.oneof(
    fc.string(),
    fc.string({ unit: 'binary' }),
    fc.string({ unit: 'grapheme' }),
    fc.string({ unit: 'grapheme-composite' }),
    // Text made mostly of the characters that matter to the parser.
    fc.string({ unit: fc.constantFrom('!', '！', '﹗', 'a', 'Z', 'ｒ', '𝐫', 'ﬁ', '1', ' ', '\n', '\u200b', '\u202e', '\ud800', '\udc00', 'é', 'ß'), maxLength: 60 }),
    fc.string({ unit: 'binary', minLength: 3990, maxLength: 4100 }).map((s) => `!rules ${s}`),
  );

  it('never throws, whatever the text', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        parseCommand(text);
      }),
      { numRuns: 2000 },
    );
  });

  it('only ever names a command with 1 to 20 lower-case ASCII letters', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const parsed = parseCommand(text);
        if (parsed) {
          expect(parsed.name).toMatch(/^[a-z]{1,20}$/);
          for (const arg of parsed.args) {
            expect(arg).not.toBe('');
            expect(arg).not.toMatch(/\s/);
            expect(arg).toBe(arg.toLowerCase());
          }
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips any valid name and arguments, whatever the spacing and case', () => {
    fc.assert(
      fc.property(
        optionalSpace,
        optionalSpace,
        validName,
        fc.array(fc.tuple(whitespace, validArg), { maxLength: 6 }),
        optionalSpace,
        (lead, afterMark, name, args, trail) => {
          const text = `${lead}!${afterMark}${name}${args.map(([space, arg]) => space + arg).join('')}${trail}`;
          const parsed = parseCommand(text);
          expect(parsed).not.toBeNull();
          expect(parsed!.name).toBe(name.toLowerCase());
          expect(parsed!.args).toEqual(args.map(([, arg]) => arg.toLowerCase()));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('never finds a command after text that does not start with (optional whitespace and) "!"', () => {
    // The first thing a person sees: a letter, digit, symbol or punctuation that is not "!".
    const visibleHead = fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 1 })
      .filter((c) => /^[\p{L}\p{N}\p{S}\p{P}]/u.test(c) && !c.normalize('NFKC').startsWith('!'));
    fc.assert(
      fc.property(
        optionalSpace,
        visibleHead,
        fc.string({ maxLength: 20 }),
        validName,
        fc.string({ maxLength: 20 }),
        (lead, head, middle, name, tail) => {
          expect(parseCommand(`${lead}${head}${middle}!${name}${tail}`)).toBeNull();
          expect(parseCommand(`${lead}${head}${middle} !${name}`)).toBeNull();
        },
      ),
      { numRuns: 1000 },
    );
  });
});
