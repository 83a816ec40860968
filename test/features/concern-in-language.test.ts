import { afterEach, describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../src/config/load.js';
import { withoutIsolates } from '../../src/core/bidi.js';
import { Messages } from '../../src/core/messages.js';
import { ADMIN, GROUP, PARENT, groupLine, message, person, startBot, type TestBot } from '../support/bot.js';

const OTHER_PARENT = person(3);
const loaded = loadConfig({});
const messages = new Messages(loaded.templates, loaded.config.school, loaded.config.bot.name, { languages: loaded.languages });
/** The whole message the bot sends for a template in one language, footer included. */
const sent = (language: string, key: 'concern' | 'concernPointer') => `${messages.renderIn(language, key)}\n\n${messages.footerIn(language)}`;
// The address, kept whole between left-to-right isolates so that it reads right in an Urdu or Arabic line.
const ISOLATED_EMAIL = '\u2066school@imai.org.uk\u2069';

let bot: TestBot;
afterEach(async () => bot?.close());

describe('a concern question asked in another language is answered in it', () => {
  it.each([
    ['Roman Urdu', 'shikayat kaise karein school mein?', 'ur'],
    ['mixed English and Urdu', 'concern raise karna hai, kis ko email karun?', 'ur'],
    ['Urdu script', 'سکول میں شکایت کیسے درج کروائیں؟', 'ur'],
    ['Arabic', 'ابي اشتكي على المدرسة، لمين اكلم؟', 'ar'],
    ['Bengali in Roman letters', 'Complaint korte chai, kake email korbo?', 'bn'],
    ['Somali', 'Sidee baan dugsiga cabasho ugu gudbin karaa?', 'so'],
  ])('%s in an English group: %j', async (_form, question, language) => {
    bot = await startBot();
    await bot.run(groupLine(), message(PARENT, question, { id: 'q1' }));
    await bot.settle();
    const replies = bot.take();
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ chat: GROUP, quotedId: 'q1', text: sent(language, 'concern') });
    // Only the language asked: not the group's English besides it.
    expect(replies[0]!.text).not.toContain(messages.renderIn('en', 'concern'));
  });

  it('keeps the school\'s address exact, between direction isolates, in Urdu and Arabic; none in Bengali', async () => {
    bot = await startBot();
    await bot.run(
      groupLine(),
      message(PARENT, 'shikayat kaise karein school mein?', { id: 'q1' }),
      message(OTHER_PARENT, 'كيف أقدم شكوى رسمية للمدرسة؟', { id: 'q2' }),
      message(ADMIN, 'স্কুলে অভিযোগ কীভাবে করব?', { id: 'q3' }),
    );
    await bot.settle();
    const [urdu, arabic, bengali] = bot.take().map((s) => s.text);
    expect(urdu).toContain(ISOLATED_EMAIL);
    expect(arabic).toContain(ISOLATED_EMAIL);
    expect(bengali).toContain('school@imai.org.uk');
    expect(bengali).not.toMatch(/[\u2066-\u2069]/);
  });

  it('in a private chat, in the language asked', async () => {
    bot = await startBot();
    await bot.run(groupLine(), message(PARENT, 'Mere bete ko teacher unfairly treat kar rahi hai, who should I speak to?', { chat: PARENT, id: 'p1' }));
    await bot.settle();
    const replies = bot.take();
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ chat: PARENT, text: sent('ur', 'concern') });
  });

  it('in a paused group, privately and in the language asked', async () => {
    bot = await startBot();
    await bot.run(groupLine(), message(ADMIN, '!pause'));
    await bot.settle();
    bot.take();
    await bot.run(message(PARENT, 'kisi ko pata hai shikayat kis ko karni hoti hai', { id: 'q1' }));
    await bot.settle();
    const replies = bot.take();
    expect(replies).toHaveLength(1);
    expect(replies[0]!.chat).toBe(PARENT);
    expect(replies[0]!.text).toContain(messages.renderIn('ur', 'concern'));
    // The group's name as it is, its number isolated as the language layer does for Urdu.
    expect(withoutIsolates(replies[0]!.text)).toContain('Year 3 Parents');
  });

  it('each language has its own answer to point back to: an English question after an Urdu one gets the English answer', async () => {
    bot = await startBot();
    await bot.run(
      groupLine(),
      message(PARENT, 'shikayat kaise karein school mein?', { id: 'q1' }),
      message(OTHER_PARENT, 'how do I raise a concern?', { id: 'q2' }),
      message(ADMIN, 'shikayt kesy krty hain school me', { id: 'q3' }),
    );
    await bot.settle();
    const replies = bot.take();
    expect(replies.map((r) => r.text)).toEqual([sent('ur', 'concern'), sent('en', 'concern'), sent('ur', 'concernPointer')]);
  });
});

describe('chatter in every language is left alone', () => {
  it.each([
    ['ur', ['Ramzan Mubarak sab ko, duaon mein yaad rakhna', 'meri to bas ek hi shikayat hai, yeh barish kabhi rukti hi nahi 😂', 'trip ki payment kaise karein? ParentPay pe option nahi aa raha',
      'کل ٹرپ پر پیکڈ لنچ لے کر جانا ہے', 'masla yeh hai ke PE kit nahi mil rahi, kisi ne dekhi hai?']],
    ['ar', ['رمضان كريم على الجميع، تقبل الله صيامكم', 'شكوتي الوحيدة إنه هالمطر ما بيوقف أبداً 😂', 'كيف ندفع رسوم الرحلة؟ لم يظهر الخيار في التطبيق',
      'المشكلة إني اليوم رح اتأخر، حد بيقدر ياخد ريم معه؟', 'مين رح يجيب الكيكة للحفلة؟']],
    ['bn', ['রমজান মোবারক, সবাই দোয়ায় রাখবেন', 'আমার একটাই অভিযোগ, এই বৃষ্টি কখনো থামে না 😂', 'Trip er payment kivabe korbo? ParentPay te option ashe na',
      'সমস্যা হলো পিই কিট খুঁজে পাচ্ছি না, কেউ দেখেছেন?', 'পার্টির জন্য কেক কে আনছে?']],
    ['so', ['Ramadan Kariim walaalayaal', 'Cabashadayda kaliya waa roobkan aan joogsan 😂', 'Sidee loo bixiyaa lacagta trip-ka? ParentPay option ma soo baxayo',
      'Dhibaatadu waxay tahay PE kit-ka ma helayo, qof ma arkay?', 'Yaa keenaya keega xafladda?']],
  ])('%s: no reply to any of its lines', async (_code, lines) => {
    bot = await startBot();
    await bot.run(groupLine(), ...lines.map((text, i) => message(PARENT, text, { id: `c${i}` })));
    await bot.settle();
    expect(bot.take()).toEqual([]);
  });
});
