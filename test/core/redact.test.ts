import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../src/config/load.js';
import { redact } from '../../src/core/redact.js';

/**
 * One labelled case: what a parent might write, the names the bot knows from WhatsApp, the
 * strings that must not reach the model, and the words that must (or, for an ordinary sentence,
 * that nothing at all is changed).
 */
interface RedactionCase {
  id: string;
  input: string;
  /** Hostile cases repeat their input this many times, to show the work stays bounded. */
  repeat?: number;
  names?: string[];
  gone?: string[];
  kept?: string[];
  unchanged?: boolean;
}

const cases: RedactionCase[] = readFileSync(path.join(projectRoot, 'test/data/redaction-cases.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line.trim())
  .map((line) => JSON.parse(line) as RedactionCase);

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A leak is the string itself, in any case, not a part of a longer word ("ali" is not in "quality"). */
function survives(out: string, secret: string): boolean {
  return new RegExp(`(?<![\\p{L}\\p{N}])${escape(secret)}(?![\\p{L}\\p{N}])`, 'iu').test(out);
}

function problems(c: RedactionCase): string[] {
  const input = c.input.repeat(c.repeat ?? 1);
  const out = redact(input, c.names ?? []);
  const found: string[] = [];
  for (const secret of c.gone ?? []) if (survives(out, secret)) found.push(`leaks "${secret}"`);
  for (const word of c.kept ?? []) if (!out.includes(word)) found.push(`lost "${word}"`);
  if (c.unchanged && out !== input) found.push('changed an ordinary sentence');
  return found.length ? [`${c.id}: ${found.join(', ')} in ${JSON.stringify(out.slice(0, 200))}`] : [];
}

describe('redact, on the labelled set', () => {
  it('has enough cases, each with something to check and a unique id', () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
    for (const c of cases.filter((c) => !c.id.startsWith('hostile-'))) {
      expect([c.id, Boolean(c.gone?.length || c.unchanged)]).toEqual([c.id, true]);
    }
  });

  it('lets no labelled identifier through and leaves ordinary sentences alone', () => {
    expect(cases.flatMap(problems)).toEqual([]);
  });
});

describe('redact', () => {
  it('replaces email addresses, phone numbers, @-mentions, titled names and known names with placeholders', () => {
    const text =
      "Bilal's mum here: can Mr Khan or Sister Aisha add jo.bloggs+kids@example.co.uk? " +
      'Call 07700 900123, +44 7700 900123, 07700900123 or 0121 496-0000. Ask @447700900003 too, Bilal\'s mum';
    const out = redact(text, ["Bilal's mum", undefined, ' ', 'x']);
    expect(out).toBe(
      '[name] here: can [name] or [name] add [email]? Call [number], [number], [number] or [number]. Ask [person] too, [name]',
    );
  });

  it('names what it took out: a postcode, a date of birth, an NI number, a child', () => {
    expect(redact('my son Adam, born 12/03/2015, lives at B11 1AA, NI QQ 12 34 56 C')).toBe(
      'my son [name], born [date], lives at [postcode], NI [NI number]',
    );
  });

  it('leaves the words of a question alone and cuts what it sends at 4000 characters', () => {
    expect(redact('can I invite my sister to the group on 5 May?')).toBe('can I invite my sister to the group on 5 May?');
    expect(redact('a'.repeat(10_000))).toHaveLength(4000);
  });
});
