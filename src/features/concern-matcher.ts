/**
 * Offline concern matcher: spots parents asking how to raise a concern with the school.
 *
 * The rule, in one sentence: a message is a concern question when it asks something (intent) and
 * either names a concern (object) together with an action verb or a channel (a person, process or
 * address), or aims a strong action (raise/report/complain/escalate/flag) at a person or thing
 * (target), and no negative context (fundraising, school reports, raised hands, weather, jokes,
 * negated concerns, absence notes) fires.
 *
 * Why rules rather than a model: every decision has to be explainable to the parents who run the
 * group, so `reasons` lists each signal that fired and the test set in
 * test/data/concern-phrasings.jsonl keeps the rules honest.
 */

import { editDistance } from '../core/text.js';

export interface ConcernMatch { isConcern: boolean; score: number; reasons: string[] }

// A real question is a sentence or two; anything longer is a forward, a rant or an attack. Cutting
// the input first puts a bound on the cost of every later step, including NFKC, which can make text
// up to 18 times longer.
const MAX_INPUT_CHARS = 1000;
const MAX_NORMALISED_CHARS = 4000;
const MAX_TOKENS = 300;

type Group = 'strongAction' | 'weakAction' | 'strongObject' | 'weakObject' | 'channel' | 'target';

// When a strong action is aimed at someone, it means raising something with them: "report a
// teacher". Its other senses (raise money, report cards) are handled as negative contexts. Weak
// actions such as speak, tell and email turn up in everyday logistics, so they only count when the
// message also has a concern object.
const LEXICON: ReadonlyArray<readonly [Group, string, string]> = [
  ['strongAction', 'action:raise', 'raise raised raises raising'],
  ['strongAction', 'action:report', 'report reported reporting'],
  ['strongAction', 'action:complain', 'complain complains complained complaining'],
  ['strongAction', 'action:escalate', 'escalate escalated escalating'],
  ['strongAction', 'action:flag', 'flag flagged flagging'],
  ['strongAction', 'action:lodge', 'lodge lodged lodging'],
  ['weakAction', 'action:contact', 'contact contacted contacting'],
  ['weakAction', 'action:speak', 'speak speaking spoke'],
  ['weakAction', 'action:talk', 'talk talking'],
  ['weakAction', 'action:tell', 'tell telling told'],
  ['weakAction', 'action:email', 'email emailed emailing'],
  ['weakAction', 'action:send', 'send sending write writing'],
  ['weakAction', 'action:make', 'make making file submit'],
  ['weakAction', 'action:handle', 'handle handles handled handling deal deals dealing'],
  ['strongObject', 'object:concern', 'concern concerns'],
  ['strongObject', 'object:complaint', 'complaint complaints'],
  ['strongObject', 'object:bullying', 'bully bullies bullying bullied'],
  ['strongObject', 'object:inappropriate', 'inappropriate'],
  ['strongObject', 'object:abuse', 'abuse abused abusive harassment harassed harassing'],
  ['strongObject', 'object:safeguarding', 'safeguarding welfare safety'],
  ['strongObject', 'object:racism', 'racism racist discrimination'],
  ['strongObject', 'object:incident', 'incident incidents'],
  ['strongObject', 'object:grievance', 'grievance grievances whistleblowing'],
  ['weakObject', 'object:issue', 'issue issues'],
  ['weakObject', 'object:problem', 'problem problems'],
  ['weakObject', 'object:worry', 'worried worry worrying concerned'],
  ['weakObject', 'object:distress', 'upset unhappy hurt hit shouting shouted'],
  ['channel', 'channel:process', 'procedure procedures process policy form steps way'],
  ['channel', 'channel:person', 'lead person line responsible'],
  ['target', 'target:staff', 'teacher teachers headteacher head staff senco governors'],
  ['target', 'target:school', 'school office'],
  ['target', 'target:someone', 'someone somebody parent parents'],
  ['target', 'target:content', 'something this it message post'],
];

const LEX = new Map<string, { group: Group; signal: string }>();
for (const [group, signal, words] of LEXICON) for (const w of words.split(' ')) LEX.set(w, { group, signal });

// Words of four letters or fewer (tell, talk, form, head) sit one edit away from too many ordinary
// words (well, walk, from, heat), and 'staff' and 'speak' are one edit from 'stuff' and 'steak',
// so only longer key words are targets for typo correction. People rarely get the first letter
// wrong, and requiring it to match stops ordinary words being pulled in ("training" is two edits
// from "raising", "meals" one from "deals"). It also means each token is compared with only a
// handful of key words.
const FUZZY_BY_FIRST = new Map<string, string[]>();
for (const w of LEX.keys()) {
  if (w.length < 5 || w === 'staff' || w === 'speak') continue;
  const bucket = FUZZY_BY_FIRST.get(w[0]!) ?? [];
  bucket.push(w);
  FUZZY_BY_FIRST.set(w[0]!, bucket);
}

// Real words one or two edits from a key word. Correcting them would invent signals ("the spring
// concert" is not a "concern", and "how's his progress" is not a "process").
const PROTECTED = new Set(('reports flags concert concerts contract contracts progress princess police ' +
  'praise praised tissue tissues fully amuse amused resort deport accident accidents dodge sorry ' +
  'taking baking walking selling waiting safely shooting logging').split(' '));

// Text-speak seen in the group, expanded before typo correction so that "wat" is never mistaken
// for a misspelt key word. A Map, not an object literal, so tokens like "__proto__" stay harmless.
const TEXT_SPEAK = new Map<string, string>(Object.entries({
  u: 'you', ur: 'your', r: 'are', pls: 'please', plz: 'please', wat: 'what', wot: 'what', wht: 'what',
  whats: 'what', whos: 'who', wheres: 'where', hows: 'how', whom: 'who', '2': 'to', '4': 'for',
  any1: 'anyone', ne1: 'anyone', some1: 'someone', sum1: 'someone', skool: 'school', skl: 'school',
  sch: 'school', wiv: 'with', wid: 'with', abt: 'about', re: 'about', ppl: 'people',
}));
// In this group "hw" means "how" ("hw do i") or "homework" ("hw is due friday"). The next word tells them apart.
const HOW_FOLLOWERS = new Set(['do', 'can', 'to', '2', 'would', 'should', 'does', 'did', 'could']);

const WH_WORDS = new Set(['how', 'who', 'where', 'what', 'which']);
const INTENT_RE = / (?:anyone|anybody|someone|somebody) (?:know|knows|advise|tell)| (?:does|do|can|could) (?:anyone|anybody|someone|somebody|i|we|you) | is there | advi[cs]e /;
const CHANNEL_RE = / who (?:do|does|should|can|could|would|to|will|shall|must|need) | where (?:do|does|can|should|to|would|could) | what (?:do|should|can|would) (?:i|we) do | in charge /;
const FUND_WORDS = new Set(['fundraising', 'fundraiser', 'donate', 'donated', 'donation', 'donations', 'sponsor', 'sponsored']);
const MONEY_WORDS = new Set(['money', 'funds', 'fund', 'pounds', 'quid', 'cash', 'loads', 'total']);
const WEATHER = new Set(['rain', 'raining', 'rainy', 'weather', 'sunshine', 'sunny', 'snow', 'snowing',
  'heat', 'heatwave', 'forecast', 'storm', 'thunder', 'drizzle', 'wellies', 'umbrella']);
const ABSENCE = new Set(['absent', 'absence', 'sick', 'poorly', 'dentist', 'holiday', 'holidays']);
// An appointment is an absence note when it is a doctor's; one with the head is how a concern is raised.
const MEDICAL = new Set(['doctor', 'doctors', 'gp', 'hospital', 'clinic', 'optician', 'opticians', 'orthodontist', 'nurse', 'vaccination', 'jab', 'jabs']);
const LAUGH_RE = /^(?:(?:ha){2,}h?|(?:he){2,}|lo+l|lmf?ao|rofl)$/;
const LAUGH_EMOJI_RE = /[\u{1F602}\u{1F923}\u{1F605}\u{1F606}\u{1F639}]/u;


// Chat repeats the same words all day: each unknown word's correction is worked out once. The
// cache starts again when full, so a flood of made-up words cannot grow it.
const corrections = new Map<string, string | undefined>();
function cachedCorrection(token: string): string | undefined {
  if (corrections.has(token)) return corrections.get(token);
  if (corrections.size >= 5000) corrections.clear();
  const fixed = correctTypo(token);
  corrections.set(token, fixed);
  return fixed;
}

function correctTypo(token: string): string | undefined {
  if (token.length < 4 || token.length > 24 || !/^[a-z]+$/.test(token)) return undefined;
  const max = token.length <= 7 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = max + 1;
  for (const word of FUZZY_BY_FIRST.get(token[0]!) ?? []) {
    const d = editDistance(token, word, Math.min(max, bestDistance - 1));
    if (d < bestDistance) { best = word; bestDistance = d; }
  }
  return best;
}

function normalise(input: string): { prepared: string; tokens: string[]; typos: string[] } {
  let s = input.slice(0, MAX_INPUT_CHARS);
  // Lone surrogates, including a pair the slice cut in half, would make NFKC and the /u regexes
  // unpredictable, so they go first.
  s = s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, ' ');
  s = s.normalize('NFKC').slice(0, MAX_NORMALISED_CHARS).toLowerCase();
  s = s.normalize('NFD').replace(/\p{M}+/gu, '');
  s = s.replace(/\p{Cf}+/gu, '').replace(/\p{Cc}+/gu, ' ');
  s = s.replace(/(\p{L})\1{2,}/gu, '$1$1');
  // Apostrophes join words rather than split them, so "what's" and "who's" stay one token for the
  // text-speak table. Every other punctuation mark becomes a space.
  const raw = s.replace(/['\u2018\u2019`]/g, '').split(/[^\p{L}\p{N}]+/u).filter(Boolean).slice(0, MAX_TOKENS);
  const tokens: string[] = [];
  const typos: string[] = [];
  raw.forEach((tok, i) => {
    let t = tok === 'hw' ? (HOW_FOLLOWERS.has(raw[i + 1] ?? '') ? 'how' : 'homework') : tok;
    t = TEXT_SPEAK.get(t) ?? t;
    if (!LEX.has(t) && !PROTECTED.has(t)) {
      const fixed = cachedCorrection(t);
      if (fixed !== undefined) { t = fixed; typos.push(`typo:${fixed}`); }
    }
    tokens.push(t);
  });
  return { prepared: s, tokens, typos };
}

function negativeContexts(prepared: string, tokens: string[], joined: string): string[] {
  const out: string[] = [];
  const isRaise = (t: string) => LEX.get(t)?.signal === 'action:raise';
  const moneyNearRaise = tokens.some((t, i) => isRaise(t) && tokens.slice(i + 1, i + 5).some((n) => MONEY_WORDS.has(n)));
  const currency = /[£$€]\s?\d|\d\s?(?:k|quid|pounds)\b/.test(prepared);
  if (tokens.some((t) => FUND_WORDS.has(t)) || moneyNearRaise || (currency && tokens.some(isRaise))) out.push('negative:fundraising');
  if (/ (?:school|book|weather|progress|annual|year|termly) reports? | reports? (?:card|cards|book) /.test(joined)) out.push('negative:school-report');
  if (/ (?:raise|raised|raises|raising) (?:\S+ ){0,2}(?:hand|hands|arm|arms) | hands up /.test(joined)) out.push('negative:raise-hand');
  if (tokens.some((t) => WEATHER.has(t))) out.push('negative:weather');
  if (tokens.some((t) => LAUGH_RE.test(t)) || LAUGH_EMOJI_RE.test(prepared)) out.push('negative:joke');
  if (/ (?:no|not|none|zero) (?:\S+ )?(?:concerns?|complaints?|problems?|issues?|worries|bother) | none (?:from|for) (?:me|us) | none here /.test(joined)) out.push('negative:negated');
  const medicalAppointment = tokens.includes('appointment') && tokens.some((t) => MEDICAL.has(t));
  if (tokens.some((t) => ABSENCE.has(t)) || medicalAppointment || joined.includes(' off school ')) out.push('negative:absence');
  return out;
}

function decide(text: string): ConcernMatch {
  const { prepared, tokens, typos } = normalise(text);
  const joined = ` ${tokens.join(' ')} `;
  const reasons = new Set<string>();
  const fired = new Set<Group>();
  const fire = (group: Group, signal: string) => { fired.add(group); reasons.add(signal); };

  const question = /[?\u061F]/.test(prepared);
  if (question) reasons.add('question');
  if (!question && (tokens.some((t) => WH_WORDS.has(t)) || INTENT_RE.test(joined))) reasons.add('intent');
  const intent = reasons.size > 0;

  // A target only counts just after a strong action: "report a teacher" is a concern, while
  // "the teacher's name" is not.
  const aimAt = (from: number, to: number) => {
    for (const t of tokens.slice(Math.max(0, from), to)) {
      const e = LEX.get(t);
      if (e?.group === 'target') { fire('target', e.signal); return; }
    }
  };
  tokens.forEach((t, i) => {
    const e = LEX.get(t);
    if (e?.group === 'strongAction') {
      // "Report to the hall at 9" sends children to a place; nobody is raising anything.
      if (e.signal === 'action:report' && tokens[i + 1] === 'to') return;
      fire('strongAction', e.signal);
      // Complaining needs no separate object, because the complaint is the object.
      if (e.signal === 'action:complain') fire('strongObject', 'object:complaint');
      aimAt(i + 1, i + 7);
    } else if (e !== undefined && e.group !== 'target') {
      fire(e.group, e.signal);
      if (e.signal === 'action:email') fire('channel', 'channel:email');
    }
    // Idioms that raise a concern without one of the verbs: "take this up with", "make the school aware".
    if (t === 'up' && tokens.slice(Math.max(0, i - 3), i).includes('take')) { fire('strongAction', 'action:take-up'); aimAt(i - 3, i + 6); }
    if (t === 'aware' && tokens.slice(Math.max(0, i - 4), i).includes('make')) { fire('strongAction', 'action:make-aware'); aimAt(i - 4, i + 6); }
  });
  if (/ picked on /.test(joined)) fire('strongObject', 'object:bullying');
  if (/ at risk /.test(joined)) fire('strongObject', 'object:safeguarding');
  if (/ not happy /.test(joined)) fire('weakObject', 'object:unhappy');
  if (/ get in touch | get hold of /.test(joined)) fire('weakAction', 'action:contact');
  if (CHANNEL_RE.test(joined)) fire('channel', 'channel:who-where');
  for (const typo of typos) reasons.add(typo);

  const negatives = negativeContexts(prepared, tokens, joined);
  for (const n of negatives) reasons.add(n);

  const object = fired.has('strongObject') || fired.has('weakObject');
  const action = fired.has('strongAction') || fired.has('weakAction');
  const isConcern = intent && negatives.length === 0 &&
    ((object && (action || fired.has('channel'))) || (fired.has('strongAction') && fired.has('target')));

  // The score measures how much evidence there is and is there for logs and ranking. The rule
  // above makes the decision, and a negative context sets the score to zero.
  const evidence = (intent ? 0.2 : 0)
    + (fired.has('strongObject') ? 0.3 : fired.has('weakObject') ? 0.15 : 0)
    + (fired.has('strongAction') ? 0.3 : fired.has('weakAction') ? 0.15 : 0)
    + (fired.has('channel') ? 0.1 : 0) + (fired.has('target') ? 0.1 : 0);
  const score = negatives.length > 0 ? 0 : Math.round(Math.min(1, evidence) * 100) / 100;
  return { isConcern, score, reasons: [...reasons] };
}

export function matchConcern(text: string): ConcernMatch {
  // The bot feeds this every message in the group, so a bug here must never take the bot down.
  try {
    return decide(typeof text === 'string' ? text : '');
  } catch {
    return { isConcern: false, score: 0, reasons: ['error'] };
  }
}
