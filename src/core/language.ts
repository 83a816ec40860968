/**
 * Which of the parents' languages a message is written in, from its script and its commonest
 * words. Parents write short and mix languages ("concern raise karna hai kis ko email karun"), so
 * a few telling words decide; English, or anything not recognised, is undefined and the caller
 * falls back (to the language of the person's groups).
 */

const ARABIC_SCRIPT = /[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]/gu;
const BENGALI_SCRIPT = /[\u0980-\u09FF]/gu;
const LATIN_LETTER = /[A-Za-z\u00C0-\u024F]/gu;

// Letters Urdu writes and Arabic never does: ٹ ڈ ڑ ں ے ۓ ھ, and the Urdu heh ہ.
const URDU_ONLY_LETTERS = /[\u0679\u0688\u0691\u06BA\u06D2\u06D3\u06BE\u06C1]/u;
// Urdu words spelled with letters Arabic shares (ک and ی are Persian too, so the words decide).
const URDU_WORDS = new Set(['ہے', 'کیا', 'میں', 'کیسے', 'شکایت', 'کی', 'کے', 'کا', 'کو', 'سے', 'اور', 'آپ', 'کس', 'کریں', 'کروں', 'نہیں', 'یہ', 'وہ', 'بچے', 'بچوں', 'مجھے']);

/**
 * Latin-letter words that tell a language apart. One telling word is enough; short words other
 * languages also use count for less, and words that are also English words (he, main, so...)
 * for less still, so that no English sentence is taken for another language.
 */
interface Vocabulary {
  code: string;
  telling: ReadonlySet<string>;
  short: ReadonlySet<string>;
  alsoEnglish: ReadonlySet<string>;
}

const words = (list: string) => new Set(list.split(/\s+/).filter(Boolean));

const LATIN_VOCABULARIES: readonly Vocabulary[] = [
  {
    code: 'ur',
    telling: words(`
      kaise kaisay kese kesay kaisey kya kia kyaa hai hain hy mein karein krein kren karun karoon karu krun
      karna karni karne krna krni shikayat shikayet shikaayat kis kisko kisse bachay bachon bache bachey bacha bachi aap
      apka apki apko mujhe mujhay mjhe humein hamein kahan kahaan kyun kyon kyu nahi nahin bhi aur
      chahiye chahye chahta chahti chahte sakta sakti sakte batayen bataen bataein bataiye batao bata masla masail kuch
      liye liay saath sath zyada bohat bahut shukriya janab bhai behan beti karwa karwani karwana
      raabta rabta darj ustani ustad madrasa uska uski unka unki mera meri hamara hamari hamare thay
    `),
    short: words('ko ka ki ke se hy kab thi tha nai'),
    alsoEnglish: words('he me main ho hay ye yeh ya par ap hum koi wo woh beta jo mere karen'),
  },
  {
    code: 'so',
    telling: words(`
      waa iyo sidee sideen sidaan maxaa maxay dugsiga dugsi dugsigu cabasho cabashada cabanayaa ardayda ardayga arday
      waxaan waxaad waxay yahay ayaa haddii hadii macalin macallin macalinka macallinka ilmaha ilmahayga wiilkayga
      gabadhayga waalid waalidka waalidiinta mahadsanid fadlan xagee halkee goorma dhibaato gudbiyo gudbin
      gudbiyaa iskuul iskuulka maamulka aniga adiga annaga idinka kooxda farriin fariin karaa doonayaa
      qofka caruurta carruurta
    `),
    short: words('ku oo aan yaa qof dhib karo'),
    alsoEnglish: words('ma ka u la ah si soo sida'),
  },
  {
    // Bengali in Roman letters ("Banglish"), Sylheti spellings included.
    code: 'bn',
    telling: words(`
      amr amra amader apni apnar apnara tumi tomar ase achhe hobe hoibo korbo korte korbe
      kori korchi korche korse korsi korlam korechi koren kivabe kibhabe kivave kemne kemon keno kothay kothai
      bolbo bolte bolben jabo jaabo dorkar meye meyer meyeke chele cheler cheleke kache kase kachhe ekta kichu
      onek khub bhalo valo ektu oviyog obhijog obhijoger nalish janabo janate jonno niye theke diye keu
      naki hoise hoyeche hoyche dise diyeche bujhi bujhtesi bujhtechi tader furi fuain baccha bacchake
      khoimu khoibo kotha kotay pabo paben lagbe thake koreche bondhu shathe
    `),
    // Not "ami" or "amar": they are names as often as words.
    short: words('ki na ta te er re'),
    // "ache" and "kew" are English too (a tummy ache, Kew Gardens).
    alsoEnglish: words('kar sathe hoy bolo jete ache kew'),
  },
  {
    // Arabic in Latin letters and digits ("Arabizi"), across the dialects.
    code: 'ar',
    telling: words(`
      3ala 3an 3ndo 3ando 3endi 3am ma3 m3a ma3ha 7ad 7ada 7aga 7aja 5alas enta inta ibni ebni binti benti
      wldi weldi wlidi wesh wach kifash kifach kif kayf shu shou esh leh lesh lech ya3ni bidi baddi badde
      kaman momken mumkin lazem lazim lazm feen shkoun chkoun meen mnin n9der nchki nashki
      ashki ashtki shakwa shakawa shakwe moshkla moshkle mushkila mushkele kteer ktir mudir mudira mudeera
      modira madrase mdrasa lmadrasa mo3alem mo3alme m3alma ustaz ustaza
    `),
    // Not "ana", "fin" or "wen": names or English words as often as Arabizi.
    short: words('fi mish msh el il wala fen wein'),
    alsoEnglish: words('min bas ma hal'),
  },
];

/** The part of a message's words that must be the language's own words. */
const MIN_SHARE = 0.15;
/** A message's first characters tell its language; a 20 KB paste is not read to the end. */
const READ_CHARACTERS = 2000;

function count(text: string, pattern: RegExp): number {
  return text.match(pattern)?.length ?? 0;
}

function latinLanguage(text: string): string | undefined {
  // Digits stay inside a word: Arabizi writes letters with them ("3ala", "7ad"). A number is no word.
  const tokens = (text.toLowerCase().match(/[a-z0-9\u00C0-\u024F']+/gu) ?? [])
    .map((token) => token.replace(/'/g, ''))
    .filter((token) => !/^[0-9]+$/.test(token));
  let best: { code: string; score: number } | undefined;
  let tie = false;
  for (const vocabulary of LATIN_VOCABULARIES) {
    let telling = 0;
    let short = 0;
    let alsoEnglish = 0;
    for (const word of tokens) {
      if (vocabulary.telling.has(word)) telling++;
      else if (vocabulary.short.has(word)) short++;
      else if (vocabulary.alsoEnglish.has(word)) alsoEnglish++;
    }
    if (telling === 0 && short < 2) continue;
    const score = 2 * telling + short + alsoEnglish / 2;
    // A few chance hits among many words (a long English message, noise) are not a language.
    if (score < 2 || (telling + short + alsoEnglish / 2) / tokens.length < MIN_SHARE) continue;
    if (!best || score > best.score) {
      best = { code: vocabulary.code, score };
      tie = false;
    } else if (score === best.score) tie = true;
  }
  return tie ? undefined : best?.code;
}

function arabicScriptLanguage(text: string): string {
  if (URDU_ONLY_LETTERS.test(text)) return 'ur';
  const tokens = text.match(/[\u0600-\u06FF\u0750-\u077F]+/gu) ?? [];
  return tokens.some((token) => URDU_WORDS.has(token)) ? 'ur' : 'ar';
}

/**
 * The language code (`ur`, `ar`, `bn`, `so`) a message is written in, or undefined for English
 * and anything not recognisable. Script first: a message whose letters are a good part Arabic
 * or Bengali script is in that script's language, whatever Latin words it mixes in.
 */
export function detectLanguage(whole: string): string | undefined {
  // Addresses and mentions are in Latin letters whatever the language around them.
  const text = whole.slice(0, READ_CHARACTERS).replace(/\S+@\S+|https?:\/\/\S+|www\.\S+|@\d+/g, ' ');
  const arabic = count(text, ARABIC_SCRIPT);
  const bengali = count(text, BENGALI_SCRIPT);
  const latin = count(text, LATIN_LETTER);
  const letters = arabic + bengali + latin;
  if (letters === 0) return undefined;
  // A quarter of the letters: a name or an email address in Latin letters does not outvote the script.
  if (bengali >= 2 && bengali >= arabic && bengali * 4 >= letters) return 'bn';
  if (arabic >= 2 && arabic * 4 >= letters) return arabicScriptLanguage(text);
  return latinLanguage(text);
}

/** Whether a message is written mostly in Latin letters (English, Somali, Roman Urdu...). */
export function writtenInLatin(text: string): boolean {
  const latin = count(text, LATIN_LETTER);
  return latin > 0 && latin >= count(text, ARABIC_SCRIPT) + count(text, BENGALI_SCRIPT);
}
