import type { ReportCategory, School } from '../config/schema.js';

/**
 * Offline first look at a report: which part of the code of conduct it may concern, and whether
 * its words suggest a child may be at risk. It only labels the email for the school; it never
 * decides whether a report is sent or to whom.
 */

function normalise(texts: Array<string | undefined>): string {
  return texts
    .filter(Boolean)
    .join('\n')
    .slice(0, 20_000)
    .toLowerCase()
    .replace(/[’‘]/g, "'");
}

/**
 * The first configured category whose words appear, as the clause it names. The config's loader
 * has checked that every named clause exists, so renaming a clause cannot silently stop this.
 */
export function categorise(texts: Array<string | undefined>, school: School, categories: ReportCategory[]): string | undefined {
  const text = normalise(texts);
  const id = categories.find((category) => new RegExp(category.words).test(text))?.clause;
  if (!id) return undefined;
  const { guidelines, inappropriate } = school.policy;
  const guideline = guidelines.findIndex((c) => c.id === id);
  if (guideline >= 0) return `group guideline ${guideline + 1}: "${guidelines[guideline]!.text}"`;
  const activity = inappropriate.find((c) => c.id === id);
  return activity && `inappropriate online activity: "${activity.text}"`;
}

// ---- Whether a report looks URGENT -------------------------------------------------------------
// Parents write quickly: contractions without apostrophes, text-speak, all caps. The patterns run on
// the words alone, lower case, with a "." token where a sentence ends so that a gap of a few words
// never reaches into the next sentence. Every gap is bounded and follows a literal word, so each
// pattern is linear in the length of the text (no catastrophic backtracking on hostile input).
// Labelled phrasings, and the precision and recall they give: test/data/safeguarding-*.jsonl.

const textSpeak: Record<string, string> = {
  u: 'you', ur: 'your', yr: 'your', gonna: 'going to', wanna: 'want to', lil: 'little', n: 'and', '2': 'to', coz: 'because', cos: 'because',
};
const childNouns = 'child|children|kids?|sons?|daughters?|boys?|girls?|lads?|twins|toddlers?|baby|babies|bacha|bachay|bache|bachi|beti|beta|princess|brat|teenagers?|pupils?';

function urgentWords(texts: Array<string | undefined>): string {
  const words = normalise(texts)
    // "your son's jumper" is about the jumper: a child's possessive must not read as the child.
    .replace(new RegExp(`\\b(${childNouns})'s\\b`, 'g'), '$1_s')
    .replace(/'/g, '')
    .replace(/[.!?;:\n]+/g, ' . ')
    .replace(/[^a-z0-9._]+/g, ' ')
    .replace(/\b(?:u|ur|yr|gonna|wanna|lil|n|2|coz|cos)\b/g, (word) => textSpeak[word]!);
  return ` ${words} `.replace(/ +/g, ' ');
}

const gap = (most: number) => `(?: \\w+){0,${most}}`;
const child = `(?:${childNouns})`;
// Ages a child should not be out alone at: toddlers, infants, seven and under.
const young = String.raw`(?:toddlers?|baby|babies|infants?|tiny|little (?:one|ones|boy|girl|kids?|children)|(?:[1-7]|one|two|three|four|five|six|seven) ?(?:year old|years old|yr old|yo)s?)`;
const self = String.raw`(?:him|her|them|my|your|one)sel(?:f|ves)`;
// The adults a child discloses harm by: family, carers, and staff trusted with them.
const carer = String.raw`(?:dad|daddy|father|mum|mummy|mom|mother|stepdad|step dad|stepmum|step mum|parents?|uncle|aunt|auntie|grandad|grandma|nan|brother|sister|cousin|carer|boyfriend|girlfriend|partner|teacher|coach|ta|teaching assistant|tutor|someone at home)`;
const violence = String.raw`(?:hits?|hitting|beats?|beating|punch(?:es|ed|ing)?|kick(?:s|ed|ing)?|slap(?:s|ped|ping)?|smack(?:s|ed|ing)?|strangl\w*|chok(?:es|ed|ing)|burn(?:s|ed|t)|whip(?:s|ped)?|hurts?|hurting|touch(?:es|ed|ing)|lock(?:s|ed)?|drag(?:s|ged)?|pinned|throttl\w*)`;
// Whom the violence is done to: a person, not "the roof", "it off" or "her back".
const victim = String.raw`(?:(?:him|her|them|me|us)\b(?! (?:back|knee|hip|wrist|ankle|leg|arm|foot|shoulder|neck|feelings|head|own)\b)|(?:my|his|her|their|the|a) (?:\w+ )?${child}\b|kids|children|pupils)`;
const weapon = String.raw`(?:knife|knives|blades?|machetes?|guns?|pistols?|firearms?|air rifles?|crossbows?|knuckle ?dusters?)`;
const stranger = String.raw`(?<!lollipop |ice cream |delivery |bin )(?:man|men|adult|bloke|guy|stranger|older (?:man|men|lad|lads|boy|boys|guy)|grown (?:man|men))`;
const re = (source: string) => new RegExp(source);

/** Phrasings that on their own suggest a child may be at risk. */
const urgentPatterns: RegExp[] = [
  // Threats: someone means to hurt a child.
  re(String.raw` (?:will|ill|shall|going to|want to|im|i) (?:\w+ ){0,2}(?:hurt|kill|stab|batter|beat up|smash|slap|punch|break|deal with)${gap(3)} (?:(?:your|that|this) (?:little )?${child}|(?:him|her) (?:myself|ourselves))\b`),
  re(String.raw` threat(?:s|en|ens|ening|ened)? (?:to |against )?(?:a |my |the |our |your |this |that )?${child}\b(?! with)`),
  re(String.raw` accidents happen to (?:children|kids|your)| (?:ive|i have|weve|we have) been watching (?:your|that) (?:little )?${child}\b`),
  // Self-harm and suicidal talk.
  re(String.raw` (?:suicid\w*|self ?harm\w*|overdos\w*|khudkushi)`),
  re(String.raw` (?:wants?|wanted|wanting|wish|wishes|wished) (?:to |(?:he|she|i|they) )?(?:die\b(?! (?:his|her|my|their|your) hair)|be dead|(?:was|were) dead|disappear (?:forever|for good))`),
  re(String.raw` (?:kill|killing|killed|kills|hang|hanging|hanged|hangs|starving|starves|burning|burns|cutting|cuts|hurting|hurts|harming|harms) ${self}\b`),
  re(String.raw` (?:will|might|may|could|going to|try to|tried to|wants? to) (?:harm|kill) ${self}\b| worried (?:\w+ ){0,4}(?:will|might|may|could|going to) (?:hurt|harm|kill|cut) ${self}\b`),
  re(String.raw` cuts (?:on|all over|up) (?:his|her|their) (?:arms?|legs?|wrists?|thighs?)`),
  re(String.raw` end (?:it all|(?:his|her|my|their) (?:own )?life)\b| (?:going to|will|want to|wants to|planning to|about to) end it\b`),
  re(String.raw` better off (?:dead|without (?:me|him|her)|not (?:existing|alive|here|being here))`),
  re(String.raw` jump(?:ing)? (?:off|in front of|from) (?:a |the )?(?:bridge|train|roof|building|cliff|balcony|window|tower)`),
  re(String.raw` point (?:in |of )?(?:living|being alive)\b| want to (?:be alive|exist|live) (?:anymore|any more)| (?:doesnt|dont|does not|do not|didnt) want to (?:be alive|exist)\b`),
  re(String.raw` cant go on (?:anymore|any more|living)| (?:goodbye|suicide) note| if i (?:was|were) (?:gone|dead)\b`),
  re(String.raw` take (?:all|a load of|loads of|a bottle of) (?:\w+ ){0,2}(?:pills|tablets|paracetamol)`),
  // Abuse: a child says, or shows, that someone hurts them.
  re(String.raw` (?:being|been|was|were|is|are|sexually|physically|emotionally) abused\b| (?:child|sexual) abuse\b| abuse at home\b`),
  re(String.raw` (?:rape|raped|raping|molest\w*|sexually (?:assault|abus)\w*|sexual assault|fgm)\b| touch\w*${gap(2)} inappropriately`),
  re(String.raw` ${carer}${gap(2)} ${violence} ${victim}`),
  re(String.raw` ${violence}${gap(4)} by (?:his|her|their|a|the) ${carer}\b`),
  re(String.raw` (?:bruis\w*|marks|burn marks|black eyes?|welts) (?:on|all over) (?:his|her|their) (?:face|neck|arms?|legs?|back|body|hands?)`),
  re(String.raw` (?:scared|afraid|frightened|terrified) (?:to go|of going) home| no food (?:at home|in the house)| left (?:with )?no food| social services\b`),
  re(String.raw` (?:${child}|he|she|they|him|her|them) (?:is |are |was |were |been |is being |are being )?neglected\b| (?:child|children) neglect\b`),
  re(String.raw` makes? (?:her|him|them) do things| (?:${child}|he|she|they|him|her|them) (?:is |was |were |are |gets |got |get |been |being |kept )?locked (?:in|up in) (?:his|her|their|the|a) (?:room|shed|cupboard|cellar|garage)`),
  // Grooming and exploitation: secrecy asked of a child, intimate pictures, adults courting children.
  re(String.raw` (?:told|tells|telling|asked|asks|asking|made|makes) (?:\w+ ){1,3}(?:to )?keep (?:it|this|that) (?:a )?secret| (?:our|their) (?:little )?secret\b(?! santa)`),
  re(String.raw` (?:told|tells|telling|asked|asks|asking|warned) (?:\w+ ){0,12}not (?:to )?tell (?:me|anyone|anybody|(?:his|her|their|your) (?:mum|dad|parents))| (?:dont|do not|never|no need to) tell (?:your|his|her|their) (?:mum|dad|parents)`),
  re(String.raw` (?<!dog |dogs |pet |well )groom(?:ed|ing|er|s)?\b| nudes?\b| naked (?:\w+ )?(?:pictures?|photos?|pics?|videos?|selfies?)| (?:no|without) clothes on\b`),
  re(String.raw` (?:send|sent|sending|photos?|pictures?|pics?|videos?|selfies?)${gap(3)} in (?:his|her|their) (?:pyjamas|pjs|underwear)| (?:told|telling|tells) (?:him|her) (?:hes|shes|he is|she is) (?:so |very |really )?mature for`),
  re(String.raw` ${stranger}${gap(8)} (?:offer\w*|giv(?:es|ing)|gave|buy(?:s|ing)|bought|messag\w*|dm\w*|asking|asked|asks|chatting|texting)${gap(3)} (?:the |my |a |our |two |some |year \d+ )*(?:${child}|\d+ ?(?:year old|yo))\b`),
  re(String.raw` pretending to be a \d+ year old| (?:1[89]|[2-9]\d) ?(?:year old|yo)${gap(2)} (?:dating|seeing|going out with|picking up) (?:a |an )?(?:year \d+|\d+ year old|${child})`),
  // A missing child.
  re(String.raw` (?:${child}|he|she|\d+ ?yo|year old) (?:is|has gone|has been|had gone|went|gone|was|been|are|have gone|reported) missing\b(?! (?:his|her|their|school|lessons?|a|an|the|out|anything|you|my|our)\b)`),
  re(String.raw` missing (?:\. )?(?:a |an )?(?:\d+ ?(?:year old|yo) )?(?:child|boy|girl|pupil|kid|teenager|toddler)\b| missing \. \d+ ?(?:year old|yo)\b`),
  re(String.raw` (?:${child}|he|she|hes|shes|they) (?:hasnt|has not|didnt|did not|not|havent|have not) (?:come|came|got|arrived|returned|been) (?:back )?(?:home|back)\b`),
  re(String.raw` (?:last seen|wandered off|runaway)\b| (?:ran|run|running) away from home\b`),
  re(String.raw` (?:cant|can not|cannot|couldnt|could not) find (?:(?:our|my|the|her|his) (?:little )?(?:son|daughter|boy|girl|child|kid|baby|toddler)\b|(?:him|her)(?= (?:\.|anywhere|and|since|at|in)\b| $))`),
  re(String.raw` lost (?:my|our) (?:little )?(?:son|daughter|boy|girl|child|kid|baby|toddler)\b| (?:ghar (?:nahi|nahin|nai) (?:aay\w*|aaya|aayi|pahunch\w*)|lapata|gum ho gay\w*)\b`),
  re(String.raw` (?:nobody|no one|noone) (?:has |have )?(?:seen|knows where) (?:him|her|them|he|she)\b| (?:he|she|they|${child}) (?:hasnt|has not|not|havent|have not) been seen\b`),
  // Weapons near children.
  re(String.raw` (?:brought|bring|bringing|brings|carry|carrying|carries|carried|has|had|got|hiding|hidden|hid|hides|wave|waving|waved|pulled|pulling|pointed|pointing|showed|showing|shown|found|threatened|threatening)((?: (?!toy\b|plastic\b|fake\b|nerf\b|water\b|butter\b|bloody\b|play\b)\w+){0,4}) ${weapon}\b(?! and fork| for (?:the )?(?:pumpkin|carving|cooking|baking|cake))`),
  re(String.raw` (?:man|men|boy|boys|lad|lads|kid|kids|someone|somebody|teenagers?|girl|girls|person|guy|bloke) with (?:a |an )?${weapon}\b`),
  re(String.raw` (?:going to|will|ill|wants? to|to) stab\b| shoot (?:up )?(?:the |our |a )?school\b| shoot (?:him|her|them|everyone|people)\b`),
  // A child left unsafe.
  re(String.raw` left (?:them |him |her |kids |children )?(?:alone|on (?:their|his|her) own|by ${self}|unattended|home alone|in (?:a|the) (?:locked |hot )?car)\b`),
  re(String.raw` ${young}${gap(6)} (?:alone|unattended)\b| ${young}${gap(4)} (?:walking|wandering|crying|playing|out)${gap(4)} (?:by ${self}|on (?:his|her|their) own)| no adult (?:in sight|around|with)`),
  re(String.raw` home alone (?:all|for (?:days|the weekend|hours|a week)|overnight|every)\b| (?:${child}|he|she|they) (?:was|were|is|are|got|been|gets) locked out\b`),
  // Whoever wrote it says so.
  re(String.raw` (?:in (?:immediate |real |serious )?danger|at (?:serious |real |immediate )?risk)\b(?! of)| not safe (?:at home|with|around)\b`),
  re(String.raw` safeguarding (?:concern|issue|risk|matter|problem|referral|\.|$)| police (?:have been|were|are|has been) (?:called|involved|on (?:their|the) way)| (?:call|called|calling|ring|rang|phoned) (?:the )?police\b`),
];

// Someone too drunk or high to look after the children with them.
const impaired = / (?:too drunk|passed out drunk|drunk driving|off (?:his|her|their) face|on drugs|high on)\b/;
const children = re(String.raw` (?:${child}|${young})\b`);
// Menace: veiled threats, which are threats when aimed at a child or when one backs another.
const strongMenace = re(String.raw` (?:watch (?:your|his|her|their) back|watch (?:him|her)self|sleep with one eye open|dead meat|gets it(?= \.| $)|going to (?:get hurt|regret)|will regret|regret it|wont be so brave|wont walk away|wont get away|end up in hospital|never feels? safe|see what happens|make (?:him|her|them) pay|teach${gap(4)} lesson|learn the hard way|how (?:brave|tough|hard) (?:he|she)|(?:break|smash|snap) (?:his|her) (?:legs?|arms?|neck|face|head|nose|teeth|jaw))\b`);
const weakMenace = / (?:(?:i|we) know (?:where|which|what)|ive seen where|waiting (?:for|outside)|just saying|think about that|(?:should|better) (?:be careful|watch)|what time (?:you|your|they|he|she) (?:pick|finish|leave|walk|get))\b/g;
const childAddressed = re(String.raw` (?:your|that|this) (?:little )?${child}\b`);

export function looksUrgent(texts: Array<string | undefined>): boolean {
  const text = urgentWords(texts);
  if (urgentPatterns.some((pattern) => pattern.test(text))) return true;
  if (impaired.test(text) && children.test(text)) return true;
  const weak = text.match(weakMenace)?.length ?? 0;
  const aimedAtChild = childAddressed.test(text);
  return strongMenace.test(text) ? weak > 0 || aimedAtChild : weak > 1 && aimedAtChild;
}
