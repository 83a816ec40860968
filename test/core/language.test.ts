import { describe, expect, it } from '@jest/globals';
import { isolateLeftToRight, LRI, PDI, withoutIsolates } from '../../src/core/bidi.js';
import { detectLanguage } from '../../src/core/language.js';

describe('detectLanguage: the language a parent wrote in', () => {
  it.each([
    // Urdu script: Urdu-only letters, or common Urdu words spelled with letters Arabic shares.
    ['میں شکایت کیسے کروں؟', 'ur'],
    ['شکایت', 'ur'],
    ['کیا', 'ur'],
    ['بچے کا مسئلہ ہے', 'ur'],
    // Arabic: the same script without them.
    ['كيف أقدم شكوى؟', 'ar'],
    ['مرحبا', 'ar'],
    ['من أتصل به بخصوص ابني؟', 'ar'],
    // Bengali script.
    ['আমি কিভাবে অভিযোগ করব?', 'bn'],
    ['অভিযোগ', 'bn'],
    // Roman Urdu, alone and mixed with English.
    ['shikayat kaise karein?', 'ur'],
    ['concern raise karna hai kis ko email karun', 'ur'],
    ['kya', 'ur'],
    ['mujhe school se baat karni hai', 'ur'],
    ['teacher ke baare mein complaint kaise karun', 'ur'],
    ['Yeh ap ko bata dun', 'ur'],
    // Somali.
    ['Sidee baan u gudbin karaa cabasho?', 'so'],
    ['Waa maxay xeerarka kooxda?', 'so'],
    ['dugsiga iyo ardayda', 'so'],
    // Bengali in Roman letters, Sylheti spellings too.
    ['amar meye ke school e bully korche, kar kache oviyog korbo?', 'bn'],
    ['Bhai amar furi re teacher khara rakhse, ita kar kache khoimu?', 'bn'],
    ['apni ki jante chan kivabe headteacher er sathe kotha bolbo', 'bn'],
    // Arabic in Latin letters and digits.
    ['wldi kaytDrab f lmadrasa kol nhar, fin n9der nchki?', 'ar'],
    ['7ad 3ndo email el mudeera? badde e7ki ma3ha 3an ibni', 'ar'],
    ['shu lazem a3mel iza ibni 3am ybullyuh bel madrase', 'ar'],
    // Mixed scripts: the script carries it even with Latin words and an address in it.
    ['mera concern کیسے raise کروں school@imai.org.uk', 'ur'],
  ])('%s → %s', (text, language) => {
    expect(detectLanguage(text)).toBe(language);
  });

  it.each([
    'How do I raise a concern?',
    'he gave me the main point',
    'Can you tell Karen the main office number',
    'yeh sure',
    'so so ka',
    'ok',
    '!rules',
    '👍',
    '',
    '12345',
    'Ahmed',
    'see you at 3 on Friday, room 12',
    'Keep calm and carry on, it will be fine',
    'Shukran, ok fine',
    'Ana and Amar are in my class, Fin too',
    'Ami said the trip is at 3',
    'tummy ache today',
    'Kew Gardens trip',
    // A long English message with a word or two that other languages share.
    'Hi everyone, just a reminder that the school trip is on Friday, so please make sure the forms are in by Wednesday; ask Karen or me if you have any questions, ok?',
  ])('English or not recognisable: %s → undefined', (text) => {
    expect(detectLanguage(text)).toBeUndefined();
  });

  it('a mostly English message that turns to Roman Urdu is Urdu', () => {
    expect(detectLanguage('Hi all, does anyone know when the school trip is? kya koi jaanta hai')).toBe('ur');
  });

  it('random letters, however many, are no language', () => {
    let seed = 7;
    const letter = () => String.fromCharCode(97 + ((seed = (seed * 1103515245 + 12345) % 2147483648) % 26));
    const words = Array.from({ length: 4000 }, () => Array.from({ length: 2 + (seed % 4) }, letter).join(''));
    expect(detectLanguage(words.join(' '))).toBeUndefined();
  });
});

describe('isolateLeftToRight: addresses and numbers in a right-to-left message', () => {
  const email = 'school@imai.org.uk';

  it('wraps an email, a reference, numbers, a phone number, a URL, commands and mentions', () => {
    const text = `ای میل ${email} پر کریں، حوالہ R-260105-AB12، 999 پر کال کریں، فون +44 116 000 0000، www.imai.org.uk، !rules full اور @447700900002`;
    const isolated = isolateLeftToRight(text);
    for (const run of [email, 'R-260105-AB12', '999', '+44 116 000 0000', 'www.imai.org.uk', '!rules full', '@447700900002']) {
      expect(isolated).toContain(`${LRI}${run}${PDI}`);
    }
    expect(withoutIsolates(isolated)).toBe(text);
  });

  it('never isolates twice: text already isolated stays as it is', () => {
    const once = isolateLeftToRight(`رابطہ ${email} اور 3 دن`);
    expect(isolateLeftToRight(once)).toBe(once);
    expect(once.split(LRI)).toHaveLength(3);
    // A value isolated before it was put into a template is left whole, and the rest is done.
    const nested = isolateLeftToRight(`پہلے: ${once}، پھر ${email}`);
    expect(nested.match(new RegExp(LRI, 'g'))).toHaveLength(3);
    expect(nested).not.toContain(`${LRI}${LRI}`);
    expect(withoutIsolates(nested)).toBe(`پہلے: رابطہ ${email} اور 3 دن، پھر ${email}`);
  });

  it('leaves text with nothing left-to-right in it alone', () => {
    expect(isolateLeftToRight('سب کو سلام')).toBe('سب کو سلام');
  });
});
