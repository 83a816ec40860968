import type { ReportCategory, School } from '../config/schema.js';
import { COMMON_WORDS } from './redact-words.js';
import {
  aboutTheTopic, accident, askingWhatAge, carer, child, childNouns, dramatic, elsewhere, friendly, gap,
  givenOpenly, hereAndNow, hyperbolicHarm, inEarnest, injuryOutcome, isOrHas, jokey, kindness, mishap,
  movingAway, notAChild, notReal, online, re, resolved, routineKnown, schoolRun, scratchedInPlay, self,
  stranger, talk, textSpeak, victim, violence, weapon, worried, young, yourChild,
} from './triage-words.js';
import { RULE_OVERRULED_BELOW, URGENT_SCORE, urgencyScore } from './urgency-score.js';

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
// A report is URGENT when its words suggest a child may be at risk. Rather than one pattern per
// phrasing seen, the rules below name the CONCEPTS such reports are made of, one section each: the
// reporter saying so, a threat aimed at a child, a child talking of ending their life, a disclosure
// of abuse or neglect, an adult courting a child, criminal exploitation, a missing child, a child
// left in danger, a weapon among children. Each combines word classes (triage-words.ts): who (a
// child; an adult; a carer; the child of the person addressed), what (harm, menace, reward, secrecy,
// absence) and how it is framed (a threat's future, a disclosure, a joke, news from elsewhere).
//
// Parents write quickly: contractions without apostrophes, text-speak, all caps. The patterns run on
// the words alone, lower case, with a "." token where a sentence ends so that a gap of a few words
// never reaches into the next sentence. Every gap is bounded and follows a literal word, so each
// pattern is linear in the length of the text (no catastrophic backtracking on hostile input).
// Labelled phrasings, and the precision and recall they give: test/data/safeguarding-tune.jsonl;
// every rule there has new phrasings it must catch and near misses it must not.

function urgentWords(texts: Array<string | undefined>): string {
  const words = normalise(texts)
    // Ages and years in one spelling: "10yo", "10 yrs old", "yr 6", "y7" → "10 year old", "year 6".
    // "3:15" and "3.15" are a time, not two sentences.
    .replace(/(\d)[:.](\d)/g, '$1$2')
    .replace(/\b(\d{1,2}) ?(?:yo|y\/o|yrs? old|years? old|year-old|years-old)\b/g, '$1 year old')
    .replace(/\b(?:yr|y|year)(?: ?)(\d{1,2})(s?)\b/g, 'year $1$2')
    // "I'll", "she'll", "I'd": the modal a threat turns on, spelt out.
    .replace(/\b(\w+)'ll\b/g, '$1 will')
    .replace(/\b(i|you|he|she|we|they)'d\b/g, '$1 would')
    // "your son's jumper" is about the jumper: a child's possessive must not read as the child.
    .replace(new RegExp(`\\b(${childNouns})'s\\b(?! (?:${isOrHas})\\b)`, 'g'), '$1_s')
    .replace(/'/g, '')
    .replace(/[.!?;:\n]+/g, ' . ')
    .replace(/[^a-z0-9._£]+/g, ' ')
    // "2" is "to" in "going 2 school", but a number in "year 2", "2 year old" and "2 hours ago".
    .replace(/\b(?:u|ur|yr|ya|gonna|wanna|gotta|lil|n|coz|cos|bc|pls|plz|tmrw|2moro|2nite|tonite|bf|gf|ppl|sum1|some1|any1|no1|wiv|ded)\b|(?<!year |\d |£)\b2\b(?! (?:year|years|hours?|hrs?|mins?|minutes|days?|weeks?|months?|pm|am|oclock)\b)/g, (word) => textSpeak[word]!);
  return ` ${words} `.replace(/ +/g, ' ');
}

/** A report's words, read once, as every rule below sees them. */
interface Reading {
  /** What the reporter and the reported messages said, as given (names keep their capitals). */
  texts: Array<string | undefined>;
  /** The same words through urgentWords. */
  text: string;
  /** A "lol" or a laughing face: hyperbole is likelier than harm. */
  joking: boolean;
}

// Who: a child named by a noun, an age or a pronoun.
const children = re(String.raw` (?:${child}|${young})(?:_s)?\b| (?:hes|shes|he is|she is|theyre|aged) (?:only |just )?(?:[4-9]|1[0-7])\b(?! (?:am|pm|oclock|minutes|mins|hours))`);
const childOrPronoun = re(String.raw` (?:${child}|him|her|them|he|she|his|hes|shes)(?:_s)?\b`);

/** "Your Musa", "ur Ayaan": the person addressed, by their child's name. */
function yourNamedChild(texts: Array<string | undefined>): boolean {
  for (const text of texts) {
    for (const [, name] of (text ?? '').slice(0, 20_000).matchAll(/\b(?:[Yy]our|[Uu]r) (\p{Lu}\p{Ll}{2,})\b/gu)) {
      if (!COMMON_WORDS.has(name!.toLowerCase())) return true;
    }
  }
  return false;
}

/** A capitalised word that is not an ordinary word: most often a child's name ("Layla", "Oliver"). */
function namesSomeone(texts: Array<string | undefined>): boolean {
  for (const text of texts) {
    for (const word of (text ?? '').slice(0, 20_000).match(/\b\p{Lu}\p{Ll}{2,}\b/gu) ?? []) {
      if (!COMMON_WORDS.has(word.toLowerCase())) return true;
    }
  }
  return false;
}

// ---- News from elsewhere, or a talk ---------------------------------------------------------------
// A post about a stabbing in another city, a documentary, an assembly or a policy names safeguarding
// without a child here at risk; unless it also says a child here needs help now.
const aboutElsewhere = re(` ${elsewhere}`);
const aboutATalk = re(` ${talk}\\b`);
const happeningHere = re(` ${hereAndNow}\\b`);

// ---- 1. The reporter says so ---------------------------------------------------------------------
// Whoever wrote the report (or its reason) says a child is in danger, names the matter outright, or
// says someone is barred from the child: a message from that person is urgent however it sounds.
const reporterPatterns: RegExp[] = [
  re(String.raw` (?:in (?:immediate |real |serious |grave )?danger|at (?:serious |real |immediate |high )?risk)\b(?! of (?:\w+ )?(?:missing|losing|failing|burnout|exclusion))| not safe (?:at home|with|around|there)\b| (?:wont|will not|isnt|is not|arent|are not|never) (?:be )?safe (?:at home|with (?:him|her|them|his|her|their))\b`),
  re(String.raw` safeguarding (?:concern|issue|risk|matter|problem|referral|alert|emergency|lead|\.|$)| police (?:have been|were|are|has been) (?:called|involved|on (?:their|the) way)| (?:worried|concerned|scared|afraid|frightened|fear|fearful|terrified) (?:about|for) (?:\w+ ){0,3}(?:safety|life|wellbeing|welfare)\b| (?:concerned|worried|scared|frightened|fears?) (?:about|for) (?:a|this|that|the) (?:little |young )?(?:child|girl|boy|kid|pupil|toddler|baby)(?= \.| $)| fear for (?:his|her|their|the|this|that) (?:\w+ )?(?:safety|life|welfare)\b| needs? protect(?:ing|ion)\b| (?:child|girl|boy|kid|${child}) (?:\w+ ){0,2}(?:is being|being|getting|gets) (?:hurt|harmed|abused|exploited|groomed|neglected|beaten|hit)\b| (?:being|getting) (?:hurt|harmed) (?:at home|by)\b`),
  re(String.raw` threat(?:s|en|ens|ening|ened)? (?:to |against |towards )?(?:(?:a|my|the|our|your|this|that|his|her|their) (?:\w+ )?)?(?:${childNouns})\b(?! with)| threat(?:s|en|ens|ening|ened)? (?:to (?:hurt|harm|kill|stab|beat|hit) )(?:a |my |the |our |your |this |that )?(?:\w+ )?(?:${childNouns})\b`),
];
// "Parking on the zigzags is putting our children in danger": a complaint about everyone's children.
const puttingChildrenAtRisk = / (?:putting|puts|put|places|placing) (?:our |the |all |local |these )?(?:children|kids|pupils|everyone|lives|young people) (?:in danger|at risk)\b/;
// "Call the police" is the reporter's alarm, unless it is a joke about a nativity rehearsal.
const policeCalled = / (?:call|called|calling|ring|rang|rung|phoned|phone|contact|contacted) (?:the )?(?:police|999)\b/;
// Words that name a safeguarding matter outright: urgent in a report, not in a fundraiser or a talk.
const topic = re(String.raw` (?:suicid\w*|self ?harm\w*|overdos\w*|noose|(?:child|sexual|physical|emotional|domestic) abuse|rape|raped|raping|molest\w*|sexually (?:assault|abus|touch)\w*|sexual assault|fgm|paedo\w*|pedo|pedos|pedophile\w*|indecent\w*|nudes?|sexting|sextort\w*|(?<!dog |dogs |pet |well |horse |cat |poodle |self |hair |fur |good )groom(?:ed|ing|er|ers|s)?|county lines|cuckoo\w*|drug (?:runner|running|mule|dealer\w*)|exploit(?:ed|ing|ation)|trafficked|trafficking|social services|childline|nspcc|child protection)\b`);
// The reporter is worried about a child and says it cannot wait.
const worriedAboutAChild = / (?:worried|concerned|worries|concerns) (?:about|for) (?:a|this|that|the|one) (?:little |young )?(?:child|girl|boy|kid|pupil|toddler|baby)\b/;
const cannotWait = / (?:urgent\w*|asap|please pass on|welfare|safety|at home|(?:hasnt|has not|not) been in|not answering|not safe)\b/;
// Someone barred from the child: a court order, no contact, not allowed to collect, a conviction.
const barredPatterns: RegExp[] = [
  re(String.raw` (?:not|isnt|arent|is not|are not|never|no longer) (?:allowed|permitted|supposed|meant) (?:to )?(?:near|anywhere near|around|contact|have contact|have unsupervised|be unsupervised|see (?:him|her|them|the kids|the children|my|our)|come (?:near|to the school|to school)|go near|be near|be around|be alone with|collect\b(?! (?:their|his|her|the) (?:phones?|bags?|coats?|kit|things|stuff|tickets?|prizes?|certificates?|reports?))|pick (?:him|her|them|\w+) up|pick up(?= \.| $| (?:him|her|them|my|our|the kids|the children|from))|know where (?:they|she|he|the kids|the children) (?:are|is|live|go)|take (?:him|her|them|the kids|the children|my|our))\b| (?:has |have )?(?:no|non) contact\b(?! (?:lenses|details|number|sport|info))| injunction\b| (?:into|in) hiding\b| (?:a |womens )?refuge\b| (?:fled|fleeing) (?:from )?(?:him|her|them|this)\b| (?:convicted|conviction|convictions|prison|jail|served time|sentenced)${gap(4)} (?:for )?(?:offences|crimes|abuse|assault|grooming|indecent|sexual|child)| (?:offences|crimes) against (?:children|kids|a child|minors)| (?:un)?supervised contact| lost custody| social workers? (?:are |is |have been )?involved| (?:police|court|social services|social workers?|a judge)${gap(6)} (?:stay|keep) away from\b| bail conditions| sex offender| abusers?\b| banned from (?:the school|school|coming|seeing|contact|going near|being near)`),
];
const courtOrder = / (?:court|restraining|non ?molestation|protection|prohibited steps|occupation) orders?\b/;
const courtOrderReach = / (?:near|collect\w*|pick\w*|contact|school|gates?|police|stop (?:him|her)|allowed|banned|see (?:him|her|them|my|the))\b/;

/** Someone the reporter says is barred from the child is urgent even when the message is a joke. */
function barredFromChild({ text }: Reading): boolean {
  return barredPatterns.some((pattern) => pattern.test(text)) || (courtOrder.test(text) && courtOrderReach.test(text));
}

function reporterSaysSo({ text, joking }: Reading): boolean {
  const saysSo = reporterPatterns.some((pattern) => pattern.test(text)) && !puttingChildrenAtRisk.test(text);
  if (saysSo && (!joking || inEarnest.test(text))) return true;
  if (!joking && policeCalled.test(text)) return true;
  if (topic.test(text) && !aboutTheTopic.test(text) && (!joking || inEarnest.test(text))) return true;
  return worriedAboutAChild.test(text) && cannotWait.test(text);
}

// ---- 2. A threat aimed at a child ------------------------------------------------------------------
// A child addressed ("your son", "that boy of yours", "your Musa") plus a harm in the future tense, a
// stock menace phrase, or a hint of watching them; or a demand of the parent that the child will pay
// for ("pull the complaint or ..."), or menace at the school run ("enjoy the school run x").
const aimed = re(String.raw` (?:(?:your|that|this|those|these) (?:little |precious |darling |lovely |youngest |eldest |oldest |baby |two |three )?(?:${childNouns}|lot|rat|runt|toerag|scrote|scumbag|madam|missy)\b|\w+ of yours\b|(?:your|that|this) (?:little )?(?:${childNouns})_s days\b|(?:mum|dad|mother|father|parents?|mams?)(?: \w+){0,3} (?:her|his|their) (?:little )?(?:${childNouns})\b|(?:your|that|this) (?:little )?(?:${childNouns})_s (?:face|nose|legs?|arms?|head|neck|teeth|jaw|fingers?|life)\b|(?:hes|shes|he is|she is) (?:only )?(?:[1-9]|1[0-5])\b(?! (?:am|pm|oclock|minutes|mins)))`);
const harmFuture = re(String.raw`(?<!(?:someone|somebody|a kid|a child|one of them|nobody|kid|child)(?: will| is going to| could| might| is gonna)?) (?:will|ill|shall|would|going to|is getting|are getting|gets|get|getting|better|or|if|wont|will not|about to|next time|want to|wants to|gonna|should|might|do|could|i|im)(?: \w+){0,3} (?:hurt|harm|kill|murder|stab\w*|shoot|batter\w*|beat(?:en)? (?:up|him|her|them)|beat\b|beating|smash|smack\w*|slap\w*|punch\w*|kick\w*|drown\w*|strangl\w*|throttl\w*|chok\w*|wring|break|snap|burn|cut|sort|deal with|regret|pay|suffer|be sorry|regrets|knife|knifed|shank\w*|bury|finish|get what|sorted|dealt with|hospital|hurt\w*)\b(?! (?:me|us|it|the (?:game|race|test|competition|record))\b)`);
const strongMenace = re(String.raw` (?:dead (?:man|meat|boy|girl)|(?:is|are) next\b|whats? (?:is )?coming to|gets? whats? coming|something (?:bad )?(?:happen\w*|happened)|a shame if|see what happens|watch what happens|(?:watch|mind) (?:your|his|her|their) back|watch (?:him|her|them|your)sel\w*|sleep with one eye open|if i (?:was|were) you|bad day|end up in (?:hospital|a box|a and e|a wheelchair)|in (?:hospital|a wheelchair|a box) (?:by|if|when|next)|a kicking|a beating|a hiding|(?:head|face|teeth) (?:kicked|smashed|punched|bashed) in|waiting for (?:him|her|them|your \w+|that \w+)|(?:ill|i will|we will|im|well) be (?:at|outside|by|waiting)(?: \w+){0,3} (?:gates?|school|bus stop|park|class)\b(?: \w+){0,4} for|been watching|make sure of it|make (?:him|her|them) pay|teach${gap(4)} lesson|learn the hard way|learn (?:his|her|their) lesson|sort (?:your \w+|that \w+|this \w+) out|deal with (?:him|her|them)(?: myself| ourselves)?\b|(?:wont|will not|not|never) (?:be )?(?:safe|so brave|so tough)\b|(?:wont|will not|not|never) (?:make it|walk away|get away|feels? safe)|how (?:brave|tough|hard|safe) (?:he|she|they) (?:feels?|is|are)|gets it(?= \.| $)|(?:get|getting|gets|got) (?:done in|jumped|done over|shanked|stabbed|sliced|merked|bodied|rushed|leathered|sparked|battered|dropped(?! off| at| home| round| back))|days are numbered|(?:when|once|if|till|until) (?:i|we|my \w+) (?:get|gets|catch|find|see|get hold of|gets hold of|catch up with) (?:hold of )?(?:him|her|them)\b|(?:coming|come|came) (?:for|after) (?:him|her|them|your)\b|(?:coming|come|came) (?:down|over|round|up)(?: \w+){0,6} (?:for|after) (?:your|ur) (?:\w+ )?(?:${childNouns})\b|enjoys? (?:\w+ )?(?:walking|the walk|walk) home|walking home alone|anything (?:could|can|might|will) happen|(?:nobody|no one|noones|nobodys)(?: \w+){0,2} (?:around|there|about) to (?:protect|help|save|look after)|(?:going|go|end up|ends up) in the (?:canal|river|ground|ditch|bin|hospital)|well see how (?:clever|brave|tough|hard|smart|funny|cocky)|watch it\b(?! (?:on|at|tonight|later|with|together|again))|going to (?:get hurt|regret)|will regret|regret it|accidents? (?:happen|can happen)|keep (?:him|her|them|your \w+) (?:\w+ )?(?:indoors|inside|at home|in the house|off the streets|away from (?:the )?(?:park|school|gates))|(?:cousins|brothers|boys|lads|mates|friends) (?:will|to|are going to|going to) (?:sort|deal|get|find|visit|pay)|(?:break|smash|snap) (?:his|her) (?:legs?|arms?|neck|face|head|nose|teeth|jaw|fingers))\b`);
const weakMenace = / (?:(?:i|we) know (?:where|which|what)|ive seen where|weve seen where|seen where (?:he|she|they)|just saying|think about that|(?:should|better) (?:be careful|watch)|what time (?:you|your|they|he|she) (?:pick|finish|leave|walk|get)|know (?:\w+ ){0,2}(?:lives|walks|plays)\b)/g;
// "Accidents happen to children who walk home alone", "I've been watching your son".
const menacePatterns: RegExp[] = [
  re(String.raw` accidents? (?:happen|can happen|will happen) to (?:children|kids|your|little|boys|girls)| (?:ive|i have|weve|we have|been) been watching (?:your|that|this) (?:little )?${child}\b`),
];
const addressedChild = re(` ${yourChild}`);
// Menace aimed at a child through their parent: a warning, a consequence or a hint of watching
// ("would be a shame", "see how safe", "pay for it"). Two of them need no child named.
const obliqueMenace = re(String.raw` (?:(?:hate|shame|pity) (?:for|if) (?:anything|something) (?:to happen|happened|happens)|(?:start|starting) with (?:your|ur|him|her|them)\b|(?:easy|not hard) to find|(?:a )?(?:visit|word|chat) from (?:my|the|our) (?:brothers|cousins|boys|lads|family|mates|friends|uncles|people)|(?:how )?easy it is to (?:get to|reach|find|get hold of)|ruin (?:yours|your life|your family)|start(?:ing)? with the school run|(?:be|is|are) the ones? (?:paying|suffering|getting hurt|who pays|who suffers)|(?:hes|shes|youve|youre|theyve|theyre|has|have) (?:been )?warned\b|next time (?:it|i) (?:wont|will not) be\b|looking over (?:his|her|their|your) shoulders?|(?:second|another|last|final) warning|something to cry about|regrets? the day|make sure (?:\w+ ){0,3}(?:regrets?|pays?|suffers?|learns?|never|cant|cannot|wont)\b|nothing to lose|think on\b|you think (?:youre|you are|theyre|they are) safe|(?:sometime|eventually|at some point|sooner or later)(?= \.| $)|just remember|remember (?:who|what|that|this)\b|without you(?= \.| $| there| around| watching)|(?:a few|some|a couple|loads|all|lots) of us\b|(?:because|cos|coz|cause) (?:i|we) will be(?= \.| $)|take (?:it|this) (?:up )?with (?:his|her|their|your|the) (?:kids|children|${childNouns})\b|put (?:\w+ ){1,3}in (?:his|her|their) place|(?:its|it is|thats) (?:going to|gonna) happen|(?:would|itd|it would|could) be a (?:real )?pity|shut (?:it|her mouth|his mouth|them up) for (?:him|her|them)|(?:done|finished) with (?:him|her|them)|dont say (?:i|we) didnt warn you|before someone else does|if you want (?:\w+ ){0,3}to (?:stay|be|keep|remain) (?:safe|ok|okay|in one piece|alive)|something of yours|(?:wont|will not) be you (?:that|who)|(?:the )?ones? (?:who|that) (?:suffer|suffers|pays?|get hurt)|(?:would|itd|it would|could) be a (?:real )?shame|(?:lets|well|youll|you will) see how\b|without you (?:there|around|watching)|be a shame|see (?:how|what) (?:safe|brave|tough|clever|hard|far|long|happens|else)|(?:find out|learn) what happens|(?:pay|suffer) for (?:it|this|that|what)|pays? for it|while (?:you|he|she|they) (?:still )?can|think (?:before|twice|about (?:that|it|them|this))|remember that|(?:be|better be|should be) careful\b|careful (?:who|what|where|now|\.)|(?:know|seen|found out|worked out) (?:where|which|what|when) (?:\w+ ){0,2}(?:lives|goes|walks|plays|gets|does|finishes|is|school|bus|class)|(?:done|finished) with (?:him|her|them)\b|picking (?:his|her|their) teeth|(?:put|throw|push) (?:him|her|them) (?:through|into|under|down)|hope (?:i|we) (?:dont|never) (?:see|catch|meet)|(?:getting|get|gets) it (?:after|at|tomorrow|on|when|next|from)|keep (?:his|her|their) heads? down|take (?:it )?out on|(?:can|will|could) (?:still )?get to (?:your|them|him|her)|starting with|(?:what|who) you love (?:most|the most)|one thing you (?:\w+ )?(?:care|love)|wring (?:his|her) neck|(?:happens|happen) to (?:snitches|grasses|rats)|(?:cant|can not|wont) stop me|(?:never|wont) see (?:them|him|her) again|(?:wont|will not) be (?:able to (?:walk|see|talk)|walking|smiling|laughing|coming home|so (?:brave|clever|cocky|tough|mouthy)))`);
const obliqueMenaceAll = new RegExp(obliqueMenace.source, 'g');
// "You go to the police and your kids pay for it": a demand of the parent, paid for by the child.
const coercion = re(String.raw` (?:keep (?:pushing|going on|on about)|(?:you|u) ruined my|(?:stop|quit) (?:telling|talking|posting|spreading|saying|messaging|reporting|slagging)|keep (?:your|her|his) nose out|keep your (?:mouth|gob|trap) shut|(?:now )?(?:its|it is) my turn|(?:youve|you have) had your say|you took my|(?:keep|carry on|go on|continue)(?: \w+)? (?:posting|talking|reporting|complaining|slagging|running your mouth|messaging|chatting)|report(?:ing|ed)? me|(?:pull|drop|withdraw|take back|delete) (?:the|your|that|this) (?:complaint|report|statement|comment|post|message)|(?:go|going|run|running|went) to (?:the )?(?:police|school|head|council|office)|you think you can|(?:got|had) me (?:sacked|fired|banned|kicked out|reported|arrested)|(?:owes?|pay (?:back|what|up|me)) |if you (?:dont|do not|ever|keep)|unless you|you (?:will|would) (?:regret|be sorry)|im not going to touch you|(?:cant|wont|not going to) touch you|last warning|final warning)`);
// Where a threat says it will find a child: "see what happens when you drop Maryam off".
const atTheSchoolRun = re(String.raw` (?:(?:when|while|after|before|where) you (?:drop|pick|collect|walk|take)|(?:enjoy|see you at) (?:the |your )?(?:school run|pick ?up|drop ?off|gates?)|how (?:your|the) \w+ (?:gets?|get) home|${schoolRun} (?:tomorrow|today|on (?:monday|tuesday|wednesday|thursday|friday)))\b`);
const reachesChild = re(String.raw` (?:${yourChild}|(?:a|any) (?:kid|child) at (?:that|your|the) school|(?:his|her|their) (?:kids|children)|the kids|the children|(?:lovely|nice|cute|beautiful|sweet|pretty) (?:kids|children|little ones?|family)|your (?:husbands|wifes|partners) kids|(?:at|outside|by) (?:the )?(?:school )?gates?\b)`);
// Once a threat has isolated the child: "a word with your son on his own at the bus stop".
const isolating = / (?:such a (?:sweet|lovely|pretty|cute|nice|gorgeous) (?:little )?\w+ (?:youve|you have) got|be the one (?:collecting|picking up|taking|meeting|waiting for)|on (?:his|her|their) own|alone|without you|(?:have|having|had) a (?:little )?word with|(?:ill|i will|well|we will) (?:see|find|catch|get|visit|meet|wait for) (?:your|ur|the) \w+)\b/;
// Menace that needs no child named: an ambulance home, "tell him he's getting it".
const plainMenace = re(String.raw` (?:hell|shell|he will|she will|they will|theyll|youll|you will) (?:be )?(?:going|go|leave|leaving|come|coming|end up|ending up|carried) (?:home |out )?in (?:an ambulance|a body bag|a box|a wheelchair)\b| tell (?:\w+ ){1,2}(?:hes|shes|he is|she is|theyre|they are) (?:getting it|dead|next|done for|finished|getting (?:done|jumped|battered|smashed|beaten|stabbed)|going to (?:get it|regret|pay))\b`);
// A threat that promises the child hurt: a future or a condition, and the child's body after it.
const promisedInjury = re(String.raw` (?:find (?:him|her|them)sel(?:f|ves)|will|wont|going to|going|goes|or|if|next time|one more|needs?|get|gets|getting|end up|be|by the time) (?:\w+ ){0,6}${injuryOutcome}\b`);
const someoneAddressed = re(String.raw` (?:${yourChild}|(?:he|she|hes|shes|hell|shell|he will|she will) )`);
// Knowing the child's routine, said to their parent: "funny how your son walks home on his own".
// "Your kids come out at 3:15 don't they": their times, said to their parent.
const timesKnown = / (?:come|comes|coming|get|gets|finish|finishes|leave|leaves|walk|walks)(?: out| home| back)? (?:at|about|around) \d{1,4}\b/;
const knowsRoutine = re(` ${routineKnown}\\b`);

function threatened({ text, texts, joking }: Reading): boolean {
  if (menacePatterns.some((pattern) => pattern.test(text)) && (!joking || inEarnest.test(text))) return true;
  const weak = text.match(weakMenace)?.length ?? 0;
  const aimedAtChild = aimed.test(text) || yourNamedChild(texts);
  if (aimedAtChild && harmFuture.test(text) && !(joking && hyperbolicHarm.test(text))) return true;
  if (strongMenace.test(text) && (aimedAtChild || weak > 0 || (addressedChild.test(text) && !joking))) return true;
  if (!joking && !friendly.test(text)) {
    if (plainMenace.test(text)) return true;
    if (promisedInjury.test(text) && (aimedAtChild || someoneAddressed.test(text)) && !mishap.test(text)) return true;
    if ((knowsRoutine.test(text) || timesKnown.test(text)) && addressedChild.test(text)) return true;
    const oblique = text.match(obliqueMenaceAll)?.length ?? 0;
    if (oblique >= 2 || (oblique > 0 && (addressedChild.test(text) || atTheSchoolRun.test(text)))) return true;
    const menace = oblique > 0 || weak > 0 || strongMenace.test(text) || harmFuture.test(text) || isolating.test(text);
    if (coercion.test(text) && (reachesChild.test(text) || atTheSchoolRun.test(text)) && menace) return true;
  }
  return aimedAtChild && weak > 0 && !friendly.test(text);
}

// ---- 3. A child talking of ending their life or hurting themself ----------------------------------
// In so many words ("wants to die"), indirectly (the point of it all, being a burden, everyone better
// off), or by what they do: letters for everyone, pills stored up, a farewell and a phone switched off.
const selfHarmPatterns: RegExp[] = [
  re(String.raw` (?:khudkushi|marna chaht\w*|mar jana chaht\w*|mar jaun\w*|jaan de\w*)`),
  re(String.raw` (?:wants?|wanted|wanting|wish|wishes|wished|would like|going) (?:to |(?:he|she|i|they) )?(?:die\b(?! (?:his|her|my|their|your) hair| of (?:embarrassment|boredom|laughing|shame))|be dead|(?:was|were) dead|(?:was|were) gone|disappear (?:forever|for good|and never))`),
  re(String.raw` (?:kill|killing|killed|kills|hang|hanging|hanged|hangs|starving|starves|starved|burning|burns|cutting|cuts|hurting|hurts|harming|harms|harmed|scratching|scratches|punching|hitting|poisoning|drowning) ${self}\b(?! laughing| with laughter)`),
  re(String.raw` (?:how to|ways to|want to|wants to|wanted to|going to|will|would|might|may|could|try to|tries to|trying to|tried to|threaten\w* to|plans? to|planning to|about to|told \w+ to|telling \w+ to|telling \w+ how to) (?:\w+ )?(?:harm|kill|hurt|cut|starve|hang|burn|drown|poison|strangle|end) ${self}\b(?! laughing| with laughter)`),
  re(String.raw` worried (?:\w+ ){0,4}(?:will|might|may|could|going to) (?:hurt|harm|kill|cut) ${self}\b`),
  re(String.raw` (?:will|ill|going to|im|shall) (?:\w+ ){0,2}(?:deal with|sort|hurt|batter|slap|smack|punch|thump|kick) (?:him|her|them) (?:out )?(?:myself|ourselves)\b`),
  re(String.raw` (?:cuts|cutting|cut|scars|scratches|scratching|slashes|self inflicted|burns) (?:\w+ ){0,4}(?:on|all over|up|down|into) (?:his|her|their) (?:arms?|legs?|wrists?|thighs?|stomach|tummy|skin)|(?: cuts| cutting| scratching| scratches| slashes) (?:his|her|their) (?:arms?|legs?|wrists?|thighs?|skin)`),
  re(String.raw` (?:been|keeps|started|still|back to|is|was|caught (?:her|him)) cutting(?: again\b| ${self}|(?= \.| $| and| but| with))`),
  re(String.raw` end (?:it all|(?:his|her|my|their) (?:own )?life|everything)\b| (?:going to|will|want to|wants to|wanted to|planning to|plans to|about to|gonna|i|im|shes|hes) end(?:ing)? it\b(?! with)| (?:the night|tonight|today) (?:i|she|he) ends? it\b`),
  re(String.raw` (?:this is|its|it is|thats) the end\b(?! of)| (?:giv\w*|gave|gives) (?:away )?(?:all )?(?:\w+ ){0,2}(?:stuff|things|belongings|possessions|toys|clothes)(?: away)?\b(?= (?:\w+ ){0,8}(?:goodbye|bye))`),
  re(String.raw` better off (?:dead|gone|without (?:me|him|her|us|them)|not (?:existing|alive|here|being here|born))| (?:everyone|everybody|they|people|the world) (?:would be|would|will be|are|is) better (?:off )?without (?:me|him|her)\b`),
  re(String.raw` jump(?:ing|ed)? (?:off|in front of|from) (?:a |the )?(?:bridge|train|roof|building|cliff|balcony|window|tower|car park|bus)`),
  re(String.raw` point (?:in |of )?(?:living|being alive|going on)\b| want to (?:be alive|exist|live|be here) (?:anymore|any more)| (?:doesnt|dont|does not|do not|didnt|did not) (?:want|wanna) to (?:be alive|exist|live|be here|wake up)\b(?! (?:in|with|at|near|there|on|without)\b)`),
  re(String.raw` cant (?:go on|take it|do this|cope) (?:anymore|any more|living)| (?:goodbye|suicide) (?:note|letter|message|video)| if i (?:was|were) (?:gone|dead|not here)\b| (?:never|not) (?:wake|waking) up (?:again|ever)| sleep and (?:never|not) wake`),
  re(String.raw` take (?:all|a load of|loads of|a bottle of|a whole|a handful of|lots of|every)(?: \w+){0,3} (?:pills|tablets|paracetamol|meds|medication|medicine)| how many (?:\w+ ){0,2}(?:paracetamol|pills|tablets|meds)\b| how (?:\w+ ){0,3}to (?:die|kill ${self}|overdose|tie a)\b`),
  re(String.raw` (?:hates|hate|hated|hating) ${self}\b| wants? (?:it|everything) (?:all )?to (?:stop|end)\b| (?:made|making|makes) ${self} sick\b| (?:stopped|stopping|refuses|refusing|not) eating(?: \w+){0,6} (?:faint\w*|collaps\w*|skin and bone)`),
  re(String.raw` (?:note|letter|message|text|voice note)s? (?:saying|that says|said|with)(?: \w+){0,3} (?:goodbye|bye forever)\b| (?:tonight|today) (?:is|will be|would be) (?:his|her|my|their) last (?:night|day)\b| end (?:things|everything)\b| (?:never|not) (?:been|being) born\b| (?:was|were) never born\b`),
  re(String.raw` (?:take|taken|took|taking|swallow\w*)(?: \w+){0,2} (?:all|a load of|loads of|lots of|a bunch of|a handful of|a whole|a packet of|a box of|a bottle of|\d+|twenty|ten) (?:of )?(?:\w+ ){0,2}(?:pills|tablets|paracetamol|meds|medication|sleeping pills)\b`),
  re(String.raw` (?:nothing|no reason|no point) (?:left )?to live for\b| (?:nobody|no one|noone) would (?:\w+ )?(?:miss|care about|notice) (?:me|him|her|if)\b| (?:wouldnt|would not|wont) (?:\w+ )?miss (?:me|him|her) if| (?:sleep|go to sleep|go away|disappear) (?:forever|for ever|and never come back)\b| (?:doesnt|dont|does not|do not) deserve (?:to live|to be alive|to be here|to eat|food|to exist)\b| (?:talking|talks|talked|thinking|thinks|writing|writes|wrote|drawing|draws|obsessed) about (?:dying|death|being dead|killing ${self}|ending (?:it|things|his life|her life))\b(?! (?:\w+ ){0,4}since (?:his|her|their|my|our) (?:\w+ )?(?:died|passed|death))`),
  re(String.raw` (?:stopped|stopping|not|isnt|refuses|refusing|refused|barely|wont|hardly) (?:\w+ )?eating\b(?= (?:\w+ ){0,8}(?:weight|faint\w*|collaps\w*|skin and bone|deserve|fat|body|hiding food|sick|thin|bones)\b)| (?:starving|starves|starved) ${self}| (?:throwing|throws|threw|being|makes ${self}) (?:up|sick) after (?:every )?(?:meals?|eating|food|dinner|lunch)\b`),
];
const indirectSelfHarm: RegExp[] = [
  re(String.raw` what(?:s| is) (?:even )?the point (?:of |in )?(?:anything|it all|any of it|me|living|life|trying|going on|being here|being alive|everything|anymore|any more)\b| (?:sees?|seeing) no point (?:in|to|of)\b| (?:no|any) point (?:in|to) (?:anything|living|life|trying|going on|being here|carrying on)\b`),
  re(String.raw` (?:happier|easier|better|simpler)(?: for (?:everyone|everybody|us all|all of us|them|the family))? (?:if|when) (?:i|she|he) (?:wasnt|werent|was not|were not|wasnt here|am not|isnt|is not|was gone|were gone|died|disappeared|never existed|wasnt around|werent around)\b| (?:thinking about|think about|thought about|wants?|wanting|wish\w*) (?:\w+ )?not (?:being )?(?:here|around|alive) (?:anymore|any more)\b| (?:feels? like|says (?:shes|hes|she is|he is)|(?:im|shes|hes|i am|she is|he is)) (?:such |just |nothing but )?a burden\b`),
  re(String.raw` sorry for everything\b(?! (?:i|we|you|that|he|she) (?:said|did|caused|put))| (?:nobody|no one|noone) (?:would|will|wud) (?:\w+ )?(?:care|miss|notice) (?:if|when|me|him|her)\b`),
  re(String.raw` (?:long sleeves|hiding (?:his|her|their) (?:arms|wrists|legs))\b(?= (?:\w+ ){0,12}(?:marks|cuts|scars|scratches|plasters|blood|bleeding))| (?:marks|cuts|scars|scratches)(?: \w+){0,3} fresh\b| plasters (?:all )?(?:up|on|over|down) (?:his|her|their) (?:arms?|wrists?|legs?|thighs?)| (?:razor |sharpener |pencil sharpener )?blades? (?:hidden|hid|taped|stashed)| (?:hid|hides|hiding|found|finding) (?:\w+ ){0,2}(?:razor |sharpener )?blades\b`),
  re(String.raw` (?:googl\w*|search\w*|looked up|looking up|look up|research\w*)(?: \w+){0,5} (?:ways to (?:die|go|end)|how to (?:die|end it|disappear)|painless|overdose|how many (?:\w+ ){0,2}(?:pills|tablets|paracetamol)|suicide|lethal)| painless (?:way|ways|death)\b| make it painless\b`),
  re(String.raw` (?:stood|standing|sat|sitting|climbed|climbing|found (?:him|her)) (?:on|at|by|over) (?:the )?(?:edge of (?:the |a )?)?(?:bridge|railway|train tracks?|tracks|ledge|roof|cliff|viaduct|flyover|platform edge)\b(?= (?:\w+ ){0,12}(?:pull\w*|talk\w* (?:him|her|them) down|for ages|for hours|crying|alone|wouldnt|wont|jump\w*|tonight|goodbye|drag\w*))| (?:going|gone|went|heading|head|walked) (?:down |off )?to (?:the )?(?:railway|train tracks?|tracks|bridge|cliff|viaduct)\b(?= (?:\w+ ){0,8}(?:tonight|no one|nobody|stop (?:him|her|me)|goodbye|end|never))`),
  re(String.raw` (?:take|taking|took|tried to take|end|ended|ending) (?:his|her|their|my) own life\b| (?:jeena|jina|zinda) (?:nahi|nahin|nai|nhi) (?:hai|chahta|chahti|rehna|rahna)\b| locked (?:him|her|them)sel(?:f|ves) in\b(?= (?:\w+ ){0,10}(?:for (?:an? |two |three )?hours?|all (?:day|night)|wont (?:come out|answer|talk|open)|crying|sobbing|not eaten|blades?))`),
];
const selfHarmSigns: RegExp[] = [
  re(String.raw` (?:giv\w*|gave) away\b(?= (?:\w+ ){0,12}(?:wont|will not|doesnt|does not) need)| (?:wants?|wanted|wanting) to stop feeling\b| no reason (?:for (?:her|him|me|them) )?to (?:be alive|live|exist|be here)\b`),
  re(String.raw` (?:by the time|when) (?:you|u) read this\b| (?:tallest|highest) (?:bridge|building|cliff|car park|block)\b| what (?:would )?happens? if (?:someone|you|i|a person) (?:fell|jumped|took|stopped breathing)\b| (?:only|best) way (?:she|he|they|i) (?:can )?cope\b| (?:tablets|pills|paracetamol|painkillers|meds)${gap(6)} (?:to )?make (?:it|everything|the pain) (?:all )?(?:stop|go away|end)\b(?! hurting)`),
  re(String.raw` (?:arms?|wrists?|legs?|thighs?) (?:all |were |was |is |are )?(?:cut up|cut to (?:bits|pieces)|slashed|sliced)\b| cant stop (?:cutting|hurting (?:my|him|her)self|scratching)\b| (?:scratch\w*|pick\w*|cut\w*|bit\w*|bang\w*|hit\w*|pull\w*)(?: at)? (?:his|her|their) (?:own )?(?:arms?|legs?|skin|wrists?|thighs?|face|hair|head)(?: \w+){0,3} (?:until|till|til) (?:it|they|she|he) (?:bleeds?|bled|bleeding|hurts?)\b| (?:says|said|thinks|feels) (?:she|he|they) deserves? (?:it|to be hurt|pain|to hurt|to suffer)\b`),
  re(String.raw` (?:burn\w*|cut\w*|scratch\w*|carv\w*|slash\w*) (?:his|her|their) (?:own )?(?:arms?|legs?|wrists?|skin|thighs?|stomach)\b(?= (?:\w+ ){0,4}(?:with|on purpose|using))| (?:standing|stood|sat|sitting) on the edge of (?:the |a )?(?:\w+ )?(?:roof|car park|bridge|cliff|building|tower|flats|block)\b`),
  re(String.raw` (?:tried|tries|trying|attempted) to (?:take|swallow) (?:\w+ ){0,3}(?:pills|tablets|paracetamol|overdose)\b| (?:tried|tries|trying|attempted) to overdose\b| (?:shes|hes|im|she is|he is|i am|(?:says|thinks) (?:she|he) is|calls? (?:her|him)self) (?:a |just a |such a )?(?:waste of space|worthless|a failure|a disappointment)\b| (?:going to|gonna|wants? to|will|plans? to|planning to) (?:walk|jump|throw (?:him|her)self) (?:into|in|in front of|off) (?:the )?(?:sea|river|canal|lake|traffic|a car|a bus|a train|the road|a bridge)\b`),
  re(String.raw` (?:letters|notes|goodbyes?|messages) (?:for|to) (?:all of us|each of us|us all|all (?:his|her|their) family|each of (?:his|her|their) (?:family|friends))\b| goodbye (?:letters|notes|messages)\b`),
  re(String.raw` (?:hope[sd]?|hoping|wish\w*|wants?|wanted|wanting|pray\w*|written|writes|wrote|talks?|talking)${gap(4)} (?:wouldnt|wont|would not|will not|didnt|doesnt|not|never) (?:wake|waking) up\b| (?:fall asleep|go to sleep|sleep) and (?:not|never) wake\b| ways to (?:die|end (?:it|my life|her life|his life))\b`),
  re(String.raw` (?:wrists?|arms?|thighs?|legs?|stomach)(?: \w+){0,8} (?:covered in|full of|all) (?:fresh |new |deep )?(?:cuts|scars|scratches|slashes)\b(?! (?:\w+ ){0,3}(?:from|cat|brambles?|nettles|football|climbing))| (?:bang\w*|hit\w*|punch\w*|smash\w*) (?:his|her|their) (?:head|fists?|hands?) (?:on|against|into) (?:the )?(?:wall|walls|floor|door|desk)\b(?= (?:\w+ ){0,6}(?:until|till|bleed\w*|when (?:she|he|they)(?:s| is| are| gets?)? (?:upset|angry|cross|sad)|again|over and over))`),
  re(String.raw` (?:collect\w*|stockpil\w*|saving|saved|stash\w*|hoard\w*|hiding|hidden|hid)(?: \w+){0,4} (?:pills|tablets|paracetamol|painkillers|meds|medication|ibuprofen)\b(?! from)| (?:stash|stockpile|pile|load|collection|box) of (?:pills|tablets|paracetamol|painkillers)\b`),
  re(String.raw` (?:wont|will not|not going to|isnt going to) be (?:here|around|alive|a problem|a burden|in the way|bothering anyone) (?:by|for|at|next|much longer|for (?:much )?long(?:er)?|anymore|any more|to see)\b(?! (?:\w+ ){0,6}(?:moving|move|holiday|trip|away|abroad|leaving|new school|new job|visiting))| (?:life|lifes|living|it all)(?: is| isnt| is not)? not worth (?:living|it)\b| not worth living\b`),
  re(String.raw` (?:wants?|wanting|wish\w*|asking|asked|asks|talks? about|talking about) (?:\w+ )?(?:to )?(?:go(?:ing)? to heaven|be(?:ing)? in heaven|be(?:ing)? with (?:her|his|their|my) (?:\w+ )?(?:nan|nana|nani|nanny|dadi|grandad|grandma|granddad|grandpa|mum|dad|mummy|daddy|brother|sister|baby)\b(?= (?:\w+ ){0,4}(?:heaven|who died|whos dead|in the sky|up there)))| how (?:people|you|to) (?:get|go) to heaven\b`),
];
// A farewell is only alarming with a second sign: "been nice knowing you all" and a phone switched off.
const farewell = / (?:tell (?:mum|mummy|dad|daddy|my \w+|everyone) (?:im|i am) sorry|im sorry for (?:everything|being)|(?:been |its been )?nice knowing (?:you|everyone|ya)|(?:goodbye|bye) (?:everyone|all|forever|for ever|world)|see you (?:all )?on the other side|this is (?:my )?goodbye|my last (?:message|post))\b/;
const goneQuiet = / (?:turned (?:his|her|their) (?:location|phone|snap ?map) off|location (?:is )?off|phones? (?:is |s )?off|not answering|no reply|wont answer|forever|sorry for|love you all)\b/;
// A blade hidden in a bedroom, and blood.
const bladeHidden = / (?:scissors|blades?|razors?|sharpeners?|compass)\b(?= (?:\w+ ){0,6}(?:hidden|hid|under (?:his|her|their) (?:bed|pillow|mattress)|in (?:his|her) (?:drawer|pencil case|sock drawer)))| (?:hidden|found|hid) (?:\w+ ){0,3}(?:scissors|blades?|razors?)\b/;
const blood = / (?:blood\w*|bloody (?:tissues|plasters|towels?|sheets|sleeves))\b/;

function talksOfSelfHarm({ text, joking }: Reading): boolean {
  const said = selfHarmPatterns.some((pattern) => pattern.test(text)) || indirectSelfHarm.some((pattern) => pattern.test(text));
  const shown =
    (selfHarmSigns.some((pattern) => pattern.test(text)) && !movingAway.test(text)) ||
    (farewell.test(text) && goneQuiet.test(text)) ||
    (bladeHidden.test(text) && blood.test(text));
  return (said || shown) && (!(joking || dramatic.test(text)) || worried.test(text)) && !scratchedInPlay.test(text);
}

// ---- 4. Abuse and neglect -------------------------------------------------------------------------
// A child says, or shows, that someone hurts them: a carer's violence, a punishment, food withheld, an
// intrusion on a bath, a "special game", marks with the usual excuse, a plea heard through a wall, or
// two signs of a child not cared for.
const abusePatterns: RegExp[] = [
  re(String.raw` (?:being|been|was|were|is|are|sexually|physically|emotionally|get|gets|getting) abused\b| abus(?:e|ed|ing|es) (?:at home|him|her|them|the kids|the children)\b`),
  re(String.raw` (?:exposed (?:him|her)self|flash(?:ed|ing|es) (?:at )?(?:the |some |my )?${child})\b| touch\w*${gap(2)} (?:inappropriately|in a bad way|where (?:he|she|they) (?:shouldnt|should not))| (?:private|privates|private parts|private bits|down there)\b(?= (?:\w+ ){0,6}(?:touch\w*|show\w*|pictures?|photos?))| touch\w* (?:\w+ ){0,2}(?:private|privates|private parts|private bits)\b`),
  re(String.raw` ${carer}${gap(6)} ${violence} (?:(?:things|stuff|objects|plates|cups|shoes|toys|chairs|\w+) at )?(?:${victim}|(?:and \w+ )?(?=\.|$|and |when |if |every |at night))`),
  re(String.raw` ${carer}${gap(6)} (?:slams?|slammed|slamming|yank(?:s|ed)?|pinch(?:es|ed)?|headbutt\w*|stamp(?:s|ed) on|bangs?|banged|pulls?|pulled|drags?|dragged) (?:him|her|them|(?:his|her|their) (?:head|hair|ears?))\b| ${carer}${gap(4)} (?:calls|called|calling|tells|told) (?:him|her|them) (?:\w+ )?(?:is |was |are )?(?:worthless|a mistake|useless|disgusting|evil|unwanted|a waste of space)\b| (?:makes|made|making|forces|forced) (?:him|her|them) (?:to )?(?:take (?:his|her|their) clothes off|stay (?:in|outside)(?: \w+){0,3} (?:all night|for hours|all day|overnight))`),
  re(String.raw` (?:as (?:a )?punishment|when (?:he|she|they) (?:is|are|was|were|gets?|got) (?:naughty|bad|in trouble)|for being (?:naughty|bad))\b(?= (?:\w+ ){0,8}(?:cold|shower|garden|shed|outside|cupboard|locked|belt|hit|hits|beat|no food|no dinner|starv\w*|kneel|burn\w*))| (?:cold|freezing) (?:shower|bath|water)(?: \w+){0,4} (?:punishment|naughty|holds|held|makes|made|forces)| (?:puts|put|locks|locked|makes|made|leaves|left|sends|sent) (?:him|her|them) (?:\w+ ){0,2}(?:in the garden|outside in the cold|in the shed|in the cold shower|in a cold bath|in the cupboard)(?= (?:\w+ ){0,6}(?:punishment|naughty|bad|night|hours|all day))(?! (?:\w+ ){0,3}for (?:a |two |five |ten |\d+ )?(?:few |couple of )?(?:minutes|mins))`),
  re(String.raw` (?:delete|deletes|deleting|deleted|hide|hides|hiding) (?:the |them|these|those|his |her |our |all )?(?:messages|texts|chats|pictures|photos|snaps|them)\b(?= (?:\w+ ){0,8}(?:secret|parents|mum|dad|tell))| (?:to|told (?:him|her|them) to|asks? (?:him|her|them) to|make sure (?:she|he|they)) delete(?: (?:the|them|these|those|his|our|all))?(?: \w+)?\b| (?:his|her|my|our) (?:special|little) (?:girl|boy|friend|princess|secret)\b(?! (?:is|was)? ?(?:turning|birthday))`),
  re(String.raw` (?:heard|hear|hearing|hears)(?: \w+){0,4} (?:${child}|little one|someone)(?: \w+){0,3} (?:screaming|crying|begging|pleading|yelling|shouting|sobbing)(?: \w+){0,6} (?:please stop|stop it|help|no more|bangs|banging|hitting|smack\w*|slap\w*|thud\w*)\b| (?:screaming|crying|begging|pleading) (?:for (?:help|mummy|mum|daddy|dad) |please )?(?:stop|help me|dont hit)\b`),
  re(String.raw` (?:keeps|kept|always|constantly|was) (?:hugging|kissing|touching|tickling|stroking|cuddling|grooming)(?: (?:the|my|our|those|some|young|little))? (?:\w+ )?(?:girls|boys|kids|children|pupils)\b| (?:sit|sitting|sits) on (?:his|her) (?:knee|lap)\b`),
  re(String.raw` ${violence}${gap(4)} by (?:his|her|their|a|the|my) (?:\w+ )?${carer}\b`),
  re(String.raw` (?:being|been|gets|getting|got|was|were|is|are) (?:\w+ )?(?:hit|beaten|battered|slapped|smacked|punched|kicked|hurt|burnt|burned|whipped|strangled|choked|starved|thrown|belted|locked (?:in|up)|tied up)(?: \w+){0,4} (?:at home|by (?:his|her|their|the|a) (?:\w+ )?${carer}|every (?:night|day|morning|weekend)|when (?:he|she|they) (?:is|are|gets|get|misbehave|cries|cry|is naughty|are naughty|wet))\b`),
  re(String.raw` (?:saw|seen|see|watched|heard|hear|witnessed|caught|spotted)(?: \w+){0,6} (?:hit|hitting|slap\w*|smack\w*|punch\w*|kick\w*|beat|beating|shak\w*|shook|drag\w*|throttl\w*|chok\w*|strangl\w*|batter\w*|whack\w*|thump\w*|throw\w*|threw|shov\w*|grab\w*) (?:a |the |his |her |their |that |this )?(?:\w+ )?${child}\b`),
  re(String.raw` (?:comes|came|coming|goes|went|creeps|crept|sneaks|gets) into (?:her|his|their|my) (?:room|bedroom|bed)\b| (?:makes|made|making|forces|forced|force|forcing) (?:him|her|them|\w+ ${child}) (?:to )?(?:do (?:stuff|things|sexual)|touch|undress|strip|sleep (?:in|with)|get (?:in|into) (?:his|her|their) bed|shower|bath|watch (?:porn|videos|adult)|sit on (?:his|her) lap|keep (?:secrets|it secret|quiet))\b| shower(?:s|ing)? with (?:him|her|them|the (?:boys|girls|kids|children))\b`),
  re(String.raw` (?:pictures|photos|pics|videos|films?|filming|filmed|photographs?|photographing) (?:of )?(?:him|her|them|\w+ ${child}|the ${child}) (?:in|without|with no|getting) (?:the bath|the shower|bath|shower|bed|the toilet|(?:his|her|their) (?:underwear|pants|knickers|pyjamas|pjs|bath|bed))\b`),
  re(String.raw` (?:black eyes?|bruises|bruised|marks|burns|welts|injuries)(?: \w+){0,4} (?:again|always|every (?:week|monday|weekend|day)|on mondays|after weekends?)\b| (?:always|often|keeps|constantly|regularly|every week|again|been) (?:has|having|got|gets|getting|coming in with|comes in with|came in with|turns up with|turning up with|turning up to school with|coming to school with|covered in)(?: \w+){0,2} (?:bruises|black eyes?|marks|burns|injuries|a black eye|cuts)\b| flinch\w*`),
  re(String.raw` (?:never|not|isnt|doesnt|hasnt|not being|never being|rarely) (?:getting |get |gets |been |being )?fed\b| (?:eating|eats|ate) (?:\w+ ){0,2}(?:out of|from) (?:the )?bins?\b| (?:no|not enough|no proper) food (?:at home|in the house)| nothing to eat (?:at home|in the house)| left (?:with )?no food| not allowed (?:to )?(?:eat|any food|food|dinner|to drink)\b| (?:always|constantly) (?:starving|hungry)(?: \w+){0,6} (?:filthy|dirty|smells|same clothes|no coat)| (?:filthy|dirty|smelly|same clothes)(?: \w+){0,6} (?:always|constantly) (?:starving|hungry)\b`),
  re(String.raw` (?:scared|afraid|frightened|terrified|petrified) (?:to go|of going|to be|of being) (?:back )?home| (?:scared|afraid|frightened|terrified|petrified) of (?:his|her|their) (?:\w+ )?${carer}\b`),
  re(String.raw` (?:${child}|he|she|they|him|her|them) (?:is |are |was |were |been |is being |are being |being )?neglected\b| (?:child|children) neglect\b| (?:maarte|maarta|maarti|peet(?:te|ta|ti)) (?:hain|hai|tha|thi)\b| (?:ko|ku) (?:\w+ ){0,3}(?:maarte|maarta|maarti|maara|maari|marte|marta|peet\w*|pit\w*) (?:hain|hai|he|tha|thi)\b`),
  re(String.raw` makes? (?:her|him|them) do things| (?:${child}|he|she|they|him|her|them) (?:\w+ )?(?:is |was |were |are |gets |got |get |been |being |kept )?locked (?:in|up in|inside) (?:his|her|their|the|a) (?:\w+ )?(?:room|shed|cupboard|cellar|garage|box|cage|bathroom|toilet)`),
  re(String.raw` ${carer} (?:\w+ ){0,2}(?:will|would|is going to|going to|threatened to|threatens to|said (?:he|she) would|says (?:he|she) will) (?:\w+ )?(?:kill|hurt|beat|batter|hit|punch|kick|belt|smack) (?:him|her|them)\b(?: \w+){0,2} if (?:he|she|they) (?:tells?|told|says? anything|speaks?|talks?|says)`),
];
const disclosurePatterns: RegExp[] = [
  re(String.raw` (?:not|isnt|arent|wasnt|werent|never|is not) (?:allowed|let) (?:to )?(?:eat|any food|food|dinner|breakfast|lunch|tea|a drink|to drink|water)\b| (?:has|have|had|made|makes|forced|forces|make|making) (?:him|her|them|\w+ ${child} )?(?:to )?sleep (?:on the floor|outside|in the (?:garden|shed|car|cold|garage|bath|hallway|cupboard))\b`),
  re(String.raw` (?:begging|begged|pleading|pleaded) (?!me\b|us\b)(?:\w+ )?(?:to stop|stop|for (?:help|it to stop|mercy)|please|not to)\b`),
  re(String.raw` (?:puts?|putting|holds?|held|holding|press(?:es|ed|ing)?|shov(?:es|ed|ing)) (?:his|her|their) (?:hands?|fingers?|arms?|face|head) (?:on|in|under|against|onto|into) (?:the )?(?:cooker|hob|oven|iron|stove|kettle|radiator|fire|heater|boiling|hot|toilet|freezing|cold water)\b`),
  re(String.raw` (?:special|secret|private|naughty|grown ?up|tickling|tickle) games?\b(?= (?:\w+ ){0,10}(?:tell|secret|mummy|mum|daddy|dad|nobody|no one|anyone|bedroom|bed|clothes|touch\w*))| (?:cant|can not|cannot|mustnt|must not|not allowed to|isnt allowed to|told not to) tell (?:mummy|mum|mommy|daddy|her mum|his mum|her parents|his parents|her dad|his dad)\b(?! (?:about )?(?:the |her |his |my |our )?(?:surprise|present|gift|party|secret santa|birthday|card))`),
  re(String.raw` (?:${carer}|man|men|bloke|guy|lodger|husband)${gap(4)} (?:walks|walking|walked|comes|coming|came|barges|barging|barged|keeps (?:walking|coming|barging)) in (?:when|while|whenever|on)${gap(5)} (?:in the (?:bath|shower)|getting (?:changed|dressed|undressed)|changing|undressed|naked|on the toilet)\b`),
  re(String.raw` (?:makes?|made|making|forces?|forced|forcing) (?:them|him|her|the (?:kids|children|girls|boys)|\w+ ${child}) (?:to )?(?:watch|look at) (?:things|stuff|rude|porn|adult|grown ?up|naked|sexual|dirty)\b`),
];
const abuseToldPatterns: RegExp[] = [
  re(String.raw` ${carer}s?${gap(4)} (?:pushed|pushes|shoved|shoves|threw|throws) (?:him|her|them) (?:down|into|against|off|over|through)\b| (?:had to|has to|told (?:him|her|them) to|made (?:him|her|them)) lie (?:to|about)\b`),
  re(String.raw` ${carer}s?${gap(4)} (?:watches|watched|watching|films|filmed|filming|photographs|spies on) (?:him|her|them) (?:\w+ )?(?:get(?:ting)? (?:changed|dressed|undressed)|in the (?:bath|shower)|changing|undress\w*|naked)\b`),
  re(String.raw` (?:only|just) (?:given|fed|gets?|allowed) (?:bread|bread and water|water|scraps|leftovers)\b| (?:made|forced|has|have) to stay in (?:his|her|their) room (?:all|for) (?:the )?(?:weekend|day|days|week)\b`),
  re(String.raw` (?:a )?(?:new|different|fresh) (?:bruise|mark|injury|cut|burn)s? (?:\w+ )?(?:every|each) (?:week|day|monday|time)\b| (?:wont|doesnt|cant|will not) (?:look at|go near|go to) (?:him|her)\b(?= (?:\w+ ){0,3}(?:scared|\.|$))`),
  re(String.raw` (?:take|takes|taking|have|has|having) (?:a )?(?:baths?|showers?) with (?:him|her|them)\b| (?:does|did|doing|do) (?:things|stuff|bad things|rude things|horrible things) to (?:her|him|them|me)\b`),
  re(String.raw` (?:only|never|rarely|hardly|hardly ever) (?:feeds|fed|gets fed|feeding)\b(?= (?:\w+ ){0,4}(?:when|if|once))| (?:hadnt|hasnt|had not|has not|not) (?:eaten|had food|had anything to eat) (?:for|in) (?:days|ages|a week)\b`),
  re(String.raw` ${carer}${gap(6)} (?:squeez\w*|twist\w*|yank\w*|pinch\w*|chok\w*|grips?|gripped) (?:it|(?:his|her|their) (?:neck|throat|arms?|wrists?|face|head|hair|ears?))\b`),
  re(String.raw` (?:pictures?|photos?|pics?|videos?|sends?|sent|show\w*|touch\w*)(?: \w+){0,4} (?:private|privates|private parts|private bits|willy|penis)\b| touch\w*${gap(3)} (?:under|inside|beneath) (?:his|her|their) (?:clothes|pants|knickers|underwear|top|skirt|shorts|pyjamas|nightie)\b`),
  re(String.raw` (?:every time|whenever|when) (?:his|her|their) (?:\w+ )?${carer}${gap(6)} (?:he|she|they) (?:\w+ )?(?:wets|wet|hides|hid|shakes|shook|trembles|freezes|froze|screams|panics|flinches|cowers)\b`),
  re(String.raw` (?:doesnt|dont|wont|not|never) (?:let|allow) (?:him|her|them) (?:to )?(?:sleep|eat|drink|go to the toilet|use the toilet|wash|come (?:in|inside|home))\b(?! (?:sweets|chocolate|junk|crisps|fizzy|snacks|in (?:his|her|their) room|on the sofa|late|with))| (?:stand|kneel|sit) (?:in the corner |outside |on the step |in the garden |in the hall )?(?:all night|for hours|all day|overnight)\b`),
  re(String.raw` (?:comes?|came|coming|walks?|walked|walking|barges?|barged|goes|went|keeps (?:coming|walking|going)) (?:in|into (?:the |her |his )?(?:bathroom|bedroom|room|shower))\b(?= (?:\w+ ){0,6}(?:when|while|whenever) (?:\w+ )?(?:shes |hes |is |are )?(?:showering|bathing|in the (?:bath|shower)|getting (?:changed|dressed)|changing|undressed|naked)\b)`),
  re(String.raw` (?:${carer})s?${gap(4)} (?:lost (?:his|her|their) temper|did (?:it|that|this|them)|gets? (?:really )?angry|got (?:really )?angry|was (?:really )?angry)\b`),
];
// Marks on a child's body, unless the post says how they came by them in play or sport.
const injuryPatterns: RegExp[] = [
  re(String.raw` (?:bruis\w*|black eyes?|marks|burn marks|cigarette burns|belt marks|hand ?prints?|finger ?marks|welts|burns)(?: \w+){0,3} (?:on|all over|up|down|round|around|across) (?:his|her|their|the) (?:\w+ )?(?:face|neck|arms?|legs?|back|body|hands?|cheeks?|chest|bum|bottom|thighs?|wrists?|eyes?|throat|ribs)\b`),
];
const injuryNoun = / (?:split lip|black eye|bruis\w*|cuts?|burns?|marks|broken \w+|swollen \w+|bald patch|limp\w*|plaster cast)\b/;
// The excuse that comes with repeated injuries: "says he falls down the stairs a lot".
const stockExcuse = / (?:says|said|claims|claimed|always says) (?:he|she|they) (?:\w+ )?(?:falls?|fell|walked into|walks into|bumped into|trips?|tripped)\b(?= (?:\w+ ){0,6}(?:a lot|all the time|again|stairs|door))/;
// A reporter who says it cannot wait, about marks on a child, is not put off by "always falling over".
const actNow = / (?:please act|act now|act (?:quickly|fast|urgently)|needs? (?:urgent|immediate) (?:action|attention)|urgently|immediately|asap)\b/;
// A child's plea heard through a wall, and the sound of blows.
const pleaHeard = / (?:screams?|screaming|cries|crying|begging|yelling|shouting|sobbing) (?:\w+ )?(?:please dont|please stop|stop it|dont hit|no more|leave me alone|help me)\b/;
const blowsHeard = / (?:slap\w*|hit\w*|bang\w*|thud\w*|smack\w*|thump\w*|most nights|every night|next door|upstairs|downstairs)\b/;
// Punished for wetting the bed or crying with cold water, a locked room or no food.
const punishedFor = / (?:when|if|whenever|because) (?:he|she|they) (?:wets?|wet|is naughty|are naughty|misbehaves?|cries|cry|cried|answers? back|talks? back|gets? (?:\w+ )?wrong|spills?|spilt|forgets?|says no|is bad|was bad|wees?)\b/;
const cruelty = / (?:cold (?:water|bath|shower)|in the (?:bath|shower|shed|garden|cupboard|cellar)|locks?|locked|no (?:food|dinner|tea)|stand\w*|kneel\w*|outside|on the floor|belt|hits?|smacks?|burns?|starv\w*|all night|for hours)\b/;
const carerNamed = re(String.raw` (?:${carer})s?\b`);
// Neglect: two signs of a child not cared for.
const neglectSigns: RegExp[] = [
  / same (?:dirty |smelly |old )?clothes\b/,
  / (?:stinks|smells|smelly|filthy|dirty|unwashed|grubby|nits|lice|wet nappy)\b/,
  / (?:steals|stealing|stole|takes|taking|begs for|begging for|asks for|asking for|scavenging|hoards|hoarding) (?:\w+ ){0,3}(?:food|lunch|snacks|lunchboxes|sandwich\w*)\b/,
  / (?:always|constantly|so|really|desperately) (?:hungry|starving|thin|tired|cold)\b/,
  / no (?:coat|shoes|socks|lunch|breakfast|food|dinner)\b| (?:never|not|isnt|hasnt been) (?:fed|washed|bathed|collected|picked up)\b| forgot (?:again|to feed)/,
  / (?:mum|mummy|dad|daddy|parents|nobody|no one)(?: \w+){0,2} (?:forgot|forgets|never|doesnt|didnt)(?: \w+){0,2} (?:again|feed|fed|pick|collect|wash)\b/,
  / (?:curtains|blinds) (?:\w+ )?(?:shut|closed|drawn|down)\b/,
  / (?:havent|hasnt|not|wasnt|werent|never) (?:been )?(?:sent )?(?:to|in|at) school (?:all|for|since|in)\b/,
  / crying for food\b| (?:eating|eats|ate) (?:\w+ ){0,2}(?:out of|from) (?:the |our |their |a |next doors )?bins?\b/,
  / (?:outside|out) in the (?:cold|rain|snow|dark)\b| in (?:just )?(?:a |her |his )?(?:t ?shirt|vest|nappy|pyjamas)\b(?= (?:\w+ ){0,6}(?:cold|rain|snow|freezing|outside))/,
  / (?:locked|locks) (?:the door|(?:him|her|them) out)\b| (?:knocks|knocking|banging)(?: \w+){0,3} (?:nobody|no one|noone) (?:answers|comes)\b/,
  / (?:not|never|arent|isnt|wont be) (?:let|allowed) (?:back )?in(?:side)?\b| (?:sent|put|kicked|locked) out (?:of the house )?(?:at|till|until|all)\b/,
];

function disclosesAbuse({ text, joking }: Reading): boolean {
  if (abusePatterns.some((pattern) => pattern.test(text)) && (!joking || inEarnest.test(text))) return true;
  if (!joking && disclosurePatterns.some((pattern) => pattern.test(text))) return true;
  if ((!accident.test(text) || actNow.test(text) || stockExcuse.test(text)) && injuryPatterns.some((pattern) => pattern.test(text))) return true;
  if (stockExcuse.test(text) && injuryNoun.test(text)) return true;
  if (!joking && pleaHeard.test(text) && blowsHeard.test(text)) return true;
  if (!joking && abuseToldPatterns.some((pattern) => pattern.test(text)) && (!accident.test(text) || !injuryNoun.test(text))) return true;
  if (!joking && carerNamed.test(text) && punishedFor.test(text) && cruelty.test(text)) return true;
  return neglectSigns.filter((sign) => sign.test(text)).length >= 2 && childOrPronoun.test(text);
}

// ---- 5. An adult courting a child -----------------------------------------------------------------
// Secrecy asked of a child, intimate pictures, an adult offering a child something for something,
// flattery and a private channel, messages late at night, one-to-one at the adult's home, a stranger
// loitering where children are, a lure of modelling or money. Meant as a kindness it is not urgent.
const groomingWords: RegExp[] = [
  re(String.raw` (?:told|tells|telling|asked|asks|asking|made|makes|making|warned|warns|begged|begs) (?:(?:him|her|them|the \w+|my \w+|\w+ ${child}) ){1,2}(?:\w+ ){0,2}(?:to )?keep (?:it|this|that|things|everything|stuff|them|the \w+) (?:a )?(?:secret|quiet|between (?:them|us))| (?:our|their) (?:little |special )?secret\b(?! santa)| (?:a|our|their) (?:little |special )?secret (?:between|just between)`),
  re(String.raw` (?:told|tells|telling|asked|asks|asking|warned|warns|made|makes|making) (?:him|her|them|my \w+|the \w+|\w+ ${child}) (?:\w+ ){0,12}not (?:to )?tell (?:me|us|you|anyone|anybody|(?:his|her|their|your|my) (?:mum|dad|parents|mother|father|family|teachers?|friends))\b| (?:dont|do not|never|no need to|wont) tell (?:your|his|her|their) (?:mum|dad|parents|mother|father|family)\b| no (?:parents|mums|dads|adults) (?:needed|allowed|required|involved)\b`),
  re(String.raw` naked (?:\w+ )?(?:pictures?|photos?|pics?|videos?|selfies?)| (?:no|without) clothes on\b| (?:sexual|sexy|dirty|rude|explicit|inappropriate) (?:\w+ )?(?:pictures?|photos?|pics?|messages?|texts?|videos?|chat|snaps?)\b`),
  re(String.raw` (?:send|sent|sending|see|show|photos?|pictures?|pics?|videos?|selfies?|snaps?)${gap(3)} (?:in|of) (?:his|her|their) (?:pyjamas|pjs|underwear|pants|knickers|boxers|bra|bikini|swimsuit|swimming costume|towel|body|school uniform|uniform|bedroom|bed)\b| (?:told|telling|tells) (?:him|her) (?:hes|shes|he is|she is) (?:so |very |really )?(?:mature|grown up) for| mature for (?:his|her|their) age`),
  re(String.raw` (?:getting|got|get|gets|giving|gave|gives)(?: \w+){0,3} (?:${child}|them|him|her) (?:really |so )?(?:drunk|high|stoned|wasted|pissed)\b| secret (?:account|snapchat|snap|instagram|insta|phone|number|chat|profile)\b(?= (?:\w+ ){0,10}(?:coach|man|adult|older|teacher|tutor|leader|someone|buys|gifts?|money))`),
  re(String.raw` pretending to be (?:a |an )?(?:\d+ year old|${child}|kid|teen)| (?:1[89]|[2-9]\d) year old${gap(8)} (?:dating|seeing|going out with|picking up|picks up|taking|takes|collecting|meeting|meets|messaging|texting|in a relationship with|sleeping with|kissing)${gap(2)} (?:a |an |the )?(?:year (?:[1-9]|1[01])|(?:[1-9]|1[0-5]) year old|${child})`),
  re(String.raw` (?:hes|shes|whos|he is|she is|who is|aged) (?:1[89]|[2-6]\d)\b${gap(3)} (?:and )?(?:hes|shes|she is|he is|her|him) (?:only )?(?:[5-9]|1[0-5])\b| (?:hes|shes|he is|she is) (?:only )?(?:[5-9]|1[0-5])\b${gap(3)} (?:and )?(?:hes|shes|he is|she is|him|her|who is|whos) (?:1[89]|[2-6]\d)\b| (?:secret|older|adult|grown up) (?:boyfriend|girlfriend)\b(?! (?:\w+ ){0,5}(?:in (?:her|his|their) class|same (?:age|year|class)))`),
  re(String.raw` (?:ask\w*|invit\w*|told|tell\w*|begg?\w*|persuad\w*|convinc\w*|pressur\w*|get\w*|got|trying to get)${gap(4)} to (?:meet(?: up)?|come|go|get in|visit|sneak out|stay|run away)${gap(8)} (?:alone|on (?:his|her|their) own|secretly|in secret|without (?:telling|anyone|(?:his|her|their) (?:mum|dad|parents))|dont tell|not (?:to )?tell)\b`),
  re(String.raw` ${online}${gap(14)} (?:meet (?:up|him|her|them|in person|in real life|irl)|meeting up|meet\w* in (?:person|real life)|come (?:to|over to|round to) (?:his|her|their) (?:house|flat|place)|(?:home |school )?address|what school|which school|where (?:he|she|they) (?:lives?|goes to school))\b`),
];
// An adult or someone online offering a child something, for something.
const reward = / (?:buys (?:him|her|them)|bought (?:him|her|them)|buying (?:him|her|them)|money|cash|robux|v ?bucks|vbucks|gift ?cards?|gifts?|presents?|sweets|vapes?|weed|drugs|alcohol|booze|cigarettes|fags|new phone|a phone|trainers|free food|free stuff|lifts?|credit|top ?ups?|£\d+|\d+ quid|paying|pays|paid|pay|offering|offered|bribe\w*)\b/;
const ask = / (?:pics?|pictures?|photos?|videos?|selfies?|snaps?|video ?chat\w*|facetime|cam|camera|webcam|meet|meeting|meet up|come (?:to|round|over|back)|(?:his|her|their) (?:flat|house|place|car|van)|get in|keep (?:it |this )?(?:a )?secret|not (?:to )?tell|in private|alone|carry|carrying|deliver\w*|drop off|hold (?:stuff|things|it|packages|bags)|packages|parcels|bags|errands|sit in|disappear\w*|going missing|goes missing|stays? out|staying out|out (?:all night|late|till)|at night|late at night|(?:wont|doesnt|will not|does not) say (?:where|who)|cant explain|secret|secretly|filming|films)\b/;
const actor = re(String.raw` ${stranger}\b| ${online}\b| (?:older|grown|adult|tutor|coach|instructor|driver|teacher|leader|\d\d year old)\b`);
const courtingPatterns: RegExp[] = [
  re(String.raw` ${stranger}${gap(8)} (?:offer\w*|giv(?:es|ing|en)|gave|buy(?:s|ing)|bought|messag\w*|dm\w*|asking|asked|asks|chatting|texting|talking to|follow\w*|photograph\w*|(?:taking|took|takes|taken) (?:a |some )?(?:photos?|pictures?|pics?|videos?) of|filming|films|watching|watches|approach\w*|grabb\w*|touch\w*|waiting for|waiting (?:outside|near|by|around)|hanging (?:about|around) (?:outside|near|by)|lurking (?:outside|near|by|around)|parked (?:outside|near|by)|hanging around|loitering (?:near|around|by)|lur\w*|pick\w* up|picked up|picking up|expos\w*|stalk\w*|sen(?:d|ds|t|ding))${gap(3)} (?:the |my |a |our |two |three |some |young |little |small |school |year \d+ |\d+ year old )*(?:${child}|\d+ year old)\b`),
  re(String.raw` ${stranger}${gap(8)} (?:offer\w*|giv(?:es|ing|en)|gave|buy(?:s|ing)|bought|sen(?:d|ds|t|ding)) (?:him|her|them) (?:\w+ ){0,2}(?:lifts?|rides?|sweets|money|cash|gifts?|presents?|vapes?|alcohol|drugs|weed|phones?|a phone|cigarettes)\b`),
];
// A stranger offering a named child a lift or a treat (the kindness guard excuses the neighbour).
const offersChild = re(String.raw` (?:offer\w*|giv(?:es|ing|en)|gave|buy(?:s|ing)|bought) (?:(?:my|the|a|two|some|our|his|her) )?(?:\w+ )?${child}(?: and (?:her|his|their|a) \w+)? (?:a |some |free )?(?:lifts?|rides?|sweets|money|cash|vapes?|alcohol|drugs|weed|cigarettes|phones?)\b`);
const strangerNear = re(` ${stranger}\\b`);
// Someone the child should be able to trust, or a stranger: a private channel, flattery, a lure.
const adultActor = re(String.raw` ${stranger}\b| ${online}\b| (?:older|grown|adult|tutor|coach|instructor|driver|teacher|leader|youth worker|worker|staff|supervisor|helper|assistant|nanny|babysitter|caretaker|lodger|neighbour|volunteer|\d\d year old|in (?:his|her) (?:twenties|thirties|forties|fifties|[2-6]0s))\b`);
const trustedRole = / (?:teacher|tutor|coach|instructor|youth worker|leader|volunteer|driver|imam|qari|molvi|maulana|caretaker|lifeguard|helper|assistant|ta|priest|vicar|scout leader|cadet leader|sir|mentor)\b/;
const groomingPatterns: RegExp[] = [
  re(String.raw`${trustedRole.source}${gap(6)} (?:gave|given|gives|giving|bought|buys|buying) (?:\w+ ){0,3}(?:a |his |her )?(?:new |secret |second )?(?:phone|mobile|sim(?: card)?)\b(?= (?:\w+ ){0,12}(?:message|messages|text|texts|call|secret|only|contact|dont tell|not to tell))`),
  re(String.raw`${trustedRole.source}${gap(8)} (?:invit\w*|ask\w*|tak\w*|took|bring\w*|brought) (?:\w+ ){0,3}(?:${child}|kids|them) (?:back |round )?(?:to|into) (?:his|her) (?:flat|house|place|home|car|van)\b`),
  re(String.raw` (?:takes?|taking|took|keeps taking) (?:one|a particular|the same|this|that) (?:\w+ )?(?:boy|girl|child|kid|pupil)${gap(3)} (?:on (?:his|her|their) own|alone|away|camping|overnight|to (?:his|her) (?:house|flat|home))\b`),
  re(String.raw` (?:messag\w*|text\w*|dm\w*|whatsapp\w*|snap\w*|calls?|calling|called|video call\w*|facetime\w*|adds|added|follows)${gap(3)} (?:(?:my|our|his|her|the|a|one of the|some of the|year \d+) )?(?:\w+ )?(?:${childNouns}|students?|pupils?)\b(?= (?:\w+ ){0,12}(?:at (?:midnight|night|[1-4] ?am|\d{3,4} ?am)|late at night|goodnight|good night|in the night|secret|delete|special|dont tell|not to tell|private|alone))`),
  re(String.raw` (?:one ?to ?one|private|alone|on (?:her|his|their) own|just the two of them|by (?:her|him)sel(?:f|ves))(?: \w+){0,6} (?:at|to|in|round|back to|into) (?:his|her) (?:house|flat|place|home|car|van|office|room)\b| (?:drives?|driving|drove|takes?|taking|took|gives?|giving|gave) (?:one|a|the same|this|that) (?:particular )?(?:girl|boy|child|pupil|student|kid) (?:a lift )?(?:home )?alone\b`),
  re(String.raw` (?:never|not|wont|doesnt|refuses to|hasnt) (?:ever )?(?:shown?|showing|show|turn(?:ed|s)? on|put on) (?:his|her|their) (?:face|camera|cam)\b| (?:video ?call\w*|facetim\w*|on (?:the )?phone|calling|calls)${gap(6)} (?:at (?:midnight|[1-4] ?am|\d{3,4} ?am)|in the middle of the night|late at night)\b(?= (?:\w+ ){0,8}(?:room|bed|never met|online|boy from|man from|someone))`),
];
const flattery = / (?:(?:his|her|their) favourite|favourite (?:girl|boy|pupil|student)|prettier|pretty|beautiful|gorgeous|sexy|hot|fit|stunning|special|mature|grown up|perfect|understands? (?:him|her|them)|best (?:mates?|friends?)|only one who|nobody else understands|soulmate|loves? (?:him|her|you))\b/;
const privateChannel = re(String.raw` (?:messag\w*|dm\w*|text\w*|snap\w*|chat\w*)(?: \w+){0,4} on (?:snapchat|snap|instagram|insta|whatsapp|tiktok|discord|facebook|kik|telegram)\b| (?:asked|asks|asking|wants?|wanted|keeps asking)(?: \w+){0,3} (?:for )?(?:her|his|their) (?:snapchat|snap|number|insta|instagram|address|whatsapp|tiktok|location|kik|discord)\b| (?:add|added|adding) (?:him|her|them) on\b| private account| secret account| (?:his|her) (?:personal|private) (?:number|phone|account)`);
const adultAged = / (?:in (?:his|her) (?:twenties|thirties|forties|fifties|[2-6]0s)|grown (?:man|woman|adult)|(?:[2-6]\d) year old (?:man|bloke|guy|lad|woman))\b/;
// A lure: a modelling job, fame or money for pictures; and what groomers say to set a child against home.
const lure = / (?:(?:want|wanted|like|liked) to earn|earn (?:some )?(?:money|cash|£\d+)|make £\d+|make some (?:money|cash)|could be a model|be a model|modelling (?:job|work|contract|agency)|model scout|talent scout|agent|casting|test shots|be famous|make (?:you|her|him) famous)\b/;
const sendsPictures = / (?:send|sends|sending|sent)(?: \w+){0,3} (?:pics?|pictures?|photos?|shots|selfies?|videos?)\b| (?:test shots|photos? of (?:her|him)self)\b/;
const groomerTalk = / (?:what (?:shes|hes|she is|he is|youre|you are|are you) wearing|(?:dont|not to|never) trust (?:his|her|your|their) (?:mum|dad|parents|family)|(?:is|hes|shes|he is|she is) (?:his|her|their) real (?:dad|mum|father|mother)|loves? (?:him|her|you)\b|in love with (?:him|her|you)|(?:parents|mum|dad|mums|dads) (?:dont|doesnt|do not|does not|never) (?:understand|get|care about) (?:him|her|you)|only one who (?:understands|gets|cares)|soulmate|mature for (?:his|her) age)/;
// A stranger loitering where children are: the changing rooms, the toilets, the gates, a car outside.
const loitering = re(String.raw` ${stranger}\b${gap(8)} (?:hanging|hangs|loitering|lurking|waiting|parked|sitting|sits|standing|stands) (?:around |about |outside |near |by |in |at )(?:the )?(?:\w+ )?(?:changing rooms?|toilets|school|primary|gates?|playground|park|nursery|swimming baths|pool)\b`);
const watchingChildren = / (?:watching|filming|photographing|taking (?:photos|pictures|videos)|photos|asked (?:my \w+|him|her|them|the \w+)|talking to|approach\w*|(?:wanted|want) to see something|show (?:him|her|them) something)\b/;
// An adult who asks a child where they get off the bus, or older men who collect a child.
const asksWhereChild = / (?:asked|asks|asking|wanted to know|wants to know|keeps asking)(?: \w+){0,3} (?:which|what|where) (?:stop|school|bus|street|road|house|address|time|way|(?:she|he|they) (?:lives?|goes|gets off|walks))\b/;
const olderAdult = re(String.raw` (?:in (?:his|her|their) (?:twenties|thirties|forties|fifties|[2-6]0s)|grown (?:man|men|woman|adult)|older (?:man|men|guy|guys)|(?:[2-6]\d) year old (?:man|men|bloke|guy|lad|woman)|(?:hes|shes|he is|she is|theyre|they are) (?:about |around |like |at least |maybe )?(?:[2-6]\d)\b)`);
const collectsChild = / (?:paid|paying|pays|gifts|presents|alcohol|drinks?|drunk|parties|hotel|flat|car|van|lifts?|picks? (?:him|her|them) up|picked (?:him|her|them) up|gets in|got in|drives? (?:him|her|them)|waits? for (?:him|her|them|my \w+))\b/;

function courtsAChild({ text }: Reading): boolean {
  if (groomingWords.some((pattern) => pattern.test(text))) return true;
  if (!kindness.test(text)) {
    if (courtingPatterns.some((pattern) => pattern.test(text))) return true;
    if (reward.test(text) && ask.test(text) && actor.test(text) && childOrPronoun.test(text)) return true;
    if (offersChild.test(text) && strangerNear.test(text)) return true;
    if (lure.test(text) && (sendsPictures.test(text) || strangerNear.test(text)) && childOrPronoun.test(text)) return true;
    if (loitering.test(text) && watchingChildren.test(text)) return true;
  }
  if (groomingPatterns.some((pattern) => pattern.test(text))) return true;
  if ((strangerNear.test(text) || olderAdult.test(text)) && asksWhereChild.test(text) && childOrPronoun.test(text)) return true;
  if (groomerTalk.test(text) && adultActor.test(text) && children.test(text)) return true;
  if (olderAdult.test(text) && collectsChild.test(text) && childOrPronoun.test(text)) return true;
  const courted = flattery.test(text) || adultAged.test(text);
  return courted && adultActor.test(text) && privateChannel.test(text) && childOrPronoun.test(text);
}

// ---- 6. Criminal exploitation (county lines) ------------------------------------------------------
// A child carrying or holding for older people, a debt to work off, the trade's own words, or money
// and goods a child cannot explain alongside absence: missing school, out at night, sent to other towns.
const carryingForOlder: RegExp[] = [
  re(String.raw` (?:carry|carrying|carried|deliver\w*|drop\w* off|hold|holding|held|hide|hiding|stash\w*|sell\w*|run\w*|move|moving)(?: \w+){0,2} (?:packages|parcels|packets|bags|drugs|weed|stuff|things|gear|phones)(?: \w+){0,2} for (?:him|them|older|a man|some|the (?:older|man|men|lads|gang))\b`),
];
const exploitationPatterns: RegExp[] = [
  re(String.raw` (?:make|earn|making|earning) (?:£\d+|\d+ quid|money|cash|easy money)(?: a (?:week|day|night))? (?:\w+ )?(?:working|work|doing (?:jobs|runs|errands)) for\b`),
  re(String.raw` (?:given|handed) (?:a )?(?:phone|mobile|sim|burner)\b(?= (?:\w+ ){0,3}(?:by|from) (?:some|older|the|these|a group of)\b)| (?:has to|have to|must|made to) answer (?:it|the phone|that phone)\b`),
  re(String.raw` (?:give|gives|giving|gave|given) (?:\w+ ){1,4}(?:weed|drugs|stuff|packages?|bags?|vapes|pills)\b(?= (?:\w+ ){0,8}(?:to (?:sell|hold|carry|deliver|hide|stash)|owes?|sell for))`),
  re(String.raw` (?:has to|have to|had to|made to|told to|forced to|got to|must) (?:\w+ ){0,2}(?:drop (?:something|stuff|things|it|a bag|a package|a parcel) off|deliver|carry (?:something|stuff|a bag|a package)|take (?:something|a bag|a package|stuff)|hold (?:something|stuff|a bag)|hide (?:something|stuff)|do (?:a job|jobs|a run|runs))\b(?= (?:\w+ ){0,12}(?:or|hurt|else|owe\w*|older|lads|men|gang|they))`),
  re(String.raw` owes? (?:them|him|some (?:older )?\w+|older \w+|the (?:older )?(?:lads|boys|men|gang|dealers?)|someone|people|a gang|a dealer|dealers)\b(?= (?:[\w£]+ ){0,16}(?:run|runs|package|parcel|work|job|jobs|hurt|sell|has to|have to|made to|or else|if (?:he|she) (?:doesnt|dont)|threat\w*|scared))| (?:work|working|pay) (?:it|the debt|that) off\b| (?:clear|pay off|paying off) (?:his|her|their|the) debt\b| in debt to (?:some|older|them|a)\b| lost (?:a |the |their )?(?:package|parcel|stash|gear|drugs)\b`),
  re(String.raw` (?:getting|got|get|gets|making|made|makes|paying|paid|pays|using|used|uses|asking|asked|asks|telling|told|tells|forcing|forced|pressuring|pressured|recruiting|recruited)(?: (?:the |some |younger |little |our |my )?(?:${child}|kids|younger ones?|little ones?|them|him|her))(?: \w+){0,2} (?:to )?(?:carry|deliver|hold|hide|stash|sell|stand (?:lookout|watch)|keep (?:watch|lookout|a lookout)|be (?:a )?lookouts?|drop|take|run|move)\b(?= (?:\w+ ){0,14}(?:older|lads|gang|men|dealers?|£|cash|money|paid|drugs|weed|packages?|parcels?|lookout|scared|estate|bags?|for (?:them|him)|say no|refuse\w*|beat\w*|hurt))`),
  re(String.raw` (?:runners|doing runs|do (?:a |another |some )?runs?\b|(?:a|the|another) run (?:for|to)\b|going country|trap ?house|lookouts?\b|shotting|(?:jobs|work) (?:out of town|in another town)|out of town (?:jobs|work)|easy money|quick cash|fast cash)(?= (?:\w+ ){0,14}(?:money|cash|£|paid|pay|owe\w*|older|lads|package|parcel|hurt|drugs|weed|group|address|messag\w*))`),
  re(String.raw` (?:carry|carrying|carried|deliver\w*|drop\w* off|hold|holding|held|hide|hiding|stash\w*|sell\w*|move|moving) (?:a |the |some )?(?:packages?|parcels?|packets?|bags?|drugs|weed|gear)(?: \w+){0,2} for (?:him|them|older|a man|some|the (?:older|man|men|lads|gang))\b`),
];
const unexplainedGoods = / (?:(?:coming|comes|came|come) (?:back|home) with (?:\w+ )?(?:money|cash)|wads? of (?:cash|money|notes)|(?:loads|lots|rolls?|bundles?|stacks?) of (?:cash|money|notes)|cash|£\d+|(?:a |two |three |\d )?(?:new|second|another|extra|burner|spare|different) (?:phones?|iphones?|mobiles?|sims?)|(?:\d|two|three|four) (?:new )?phones|designer|gucci|louis vuitton|canada goose|north face|moncler|stone island|nike tech|new (?:trainers|clothes|jacket|coat|bike)|expensive (?:trainers|clothes|stuff|things|jacket)|train tickets?)\b/;
const unexplained = / (?:hidden|hiding|stashed|withheld number|private number|unknown number|(?:runs|goes|rushes|ran|went) (?:straight )?out (?:the door )?(?:whenever|when|after|as soon)|(?:wont|doesnt|will not|does not|didnt|cant|refuses to|not) (?:say|tell (?:me|us)|explain)|cant explain|no idea where|(?:says|said) (?:(?:its|it is|theyre|they are|is|are) )?(?:a |his |her )?(?:mates?|friends?)\b|where (?:it|the money|the cash|they|he got|she got|he gets|she gets) (?:came|come|got|gets|from)|(?:works?|working) for (?:someone|some|a man|them|an older|older)|(?:missing|skipping|bunking|not at|off) school|school days|(?:late|out) at night|all night|(?:[1-5]|1[0-2]) ?am|taxis?|ubers?|trains? to|out of town|cars? (?:i|we) (?:dont|do not|didnt) (?:know|recognise)|(?:didnt|did not|never) (?:buy|pay for))\b/;
const sentAway = / (?:gets?|getting|got|been|keeps getting) (?:sent|taken|driven) (?:to|off to|away)\b| (?:other|another|different) towns?\b| (?:disappears|disappearing|goes missing|going missing|vanishes) for (?:days|hours|nights|the weekend|two|three|\d+)\b/;
// Drugs found on a child, or held "for someone".
const drugsHeld = / (?:with (?:drugs|weed|cocaine|coke|crack|heroin|class as?) on (?:him|her)|(?:made|forced|told) to (?:go|travel|take it)\b(?= (?:\w+ ){0,6}(?:drugs|police|town|city)))| (?:found|finding|had|has|carrying|selling|dealing|holding|keeps|bags of|wraps of)(?: \w+){0,5} (?:weed|cannabis|cocaine|coke|crack|heroin|white powder|powder|ket|ketamine|mdma|drugs)\b| (?:holding|keeping|minding|looking after|hiding|stashing) (?:them|it|this|these|stuff|things|bags?|a bag|packages?|a package) for (?:someone|somebody|a mate|a friend|older|some \w+|them|him|a man)\b/;

function exploitsAChild({ text, joking }: Reading): boolean {
  if (carryingForOlder.some((pattern) => pattern.test(text)) && (!joking || inEarnest.test(text))) return true;
  if (exploitationPatterns.some((pattern) => pattern.test(text))) return true;
  const unexplainedMoney = unexplainedGoods.test(text) && (unexplained.test(text) || sentAway.test(text));
  if (unexplainedMoney && childOrPronoun.test(text) && !joking && !givenOpenly.test(text)) return true;
  return drugsHeld.test(text) && children.test(text);
}

// ---- 7. A missing child ----------------------------------------------------------------------------
// One strong sign (missing, last seen, ran away, marked absent after being dropped off, gone with
// someone nobody knows), or two weaker ones with a child or a name (phone off, not home, it's dark).
const missingPatterns: RegExp[] = [
  re(String.raw` (?:${child}|he|she|hes|shes|\d+ year old) (?:is|has gone|has been|had gone|went|gone|was|been|are|have gone|reported|still) missing\b(?! (?:in action|his|her|their|school|lessons?|a|an|the|out|anything|you|my|our|some|classes|class|lunch|breakfast|swimming|football|training|practice|(?:\w+ )?(?:kit|book|bottle|jumper|coat|shoe|shoes|hat|bag|homework))\b)`),
  re(String.raw` missing (?:\. )?(?:a |an |our |my )?(?:\d+ year old )?(?:child|boy|girl|pupil|kid|teenager|teen|toddler|son|daughter)\b(?! post| poster| alert| scam| hoax)| missing \. \d+ year old\b| (?:\d+ year old|${child}|he|she) missing since\b`),
  re(String.raw` (?:${child}|he|she|hes|shes|they|\d+ year old) (?:\w+ )?(?:hasnt|has not|didnt|did not|not|havent|have not|never|still not|still hasnt|isnt|wasnt) (?:come|came|got|arrived|returned|been|made it|turned up|shown up|showed up) (?:back )?(?:home|back)\b| (?:never|didnt|did not|hasnt|has not) (?:arrived|made it|turned up|turn up|showed up|shown up|showed|show up|get off (?:the )?(?:\w+ )?(?:bus|train|coach)|got off (?:the )?(?:\w+ )?(?:bus|train|coach))\b(?! (?:yet )?(?:for|to) (?:his|her|the) (?:lesson|class|appointment|shift|practice|training|match))`),
  re(String.raw` (?:nobody|no one|noone|we|i|school|staff|teachers?|police) (?:can|could|cant|cannot|couldnt|still cant|have not|havent|has not|hasnt) (?:find|found|locate|trace) (?:him|her|them)\b`),
  re(String.raw` (?:last seen|wandered off|runaway)\b| (?:ran|run|running|runs|has run|bhaag) away from (?:home|school|care)\b| bhaag gay\w*| (?:ghar|gher) (?:nahi|nahin|nai|nhi) (?:aay\w*|aaya|aayi|aai|pahunch\w*|lauta|lauti|aya|ayi)\b| lapata\b| gum ho gay\w*`),
  re(String.raw` (?:cant|can not|cannot|couldnt|could not|still cant) find (?:(?:our|my|the|her|his|their) (?:little |youngest |eldest )?(?:son|daughter|boy|girl|child|kid|baby|toddler|\d+ year old)\b(?! \w+ (?:coat|bag|shoes|kit|book|phone|jumper|bottle))|(?:him|her)(?= (?:\.|anywhere|and|since|at|in|its|it is)\b| $))`),
  re(String.raw` lost (?:my|our) (?:little )?(?:son|daughter|boy|girl|child|kid|baby|toddler)\b(?! \w+ (?:coat|bag|shoes|kit|book|phone|jumper|bottle))`),
  re(String.raw` (?:nobody|no one|noone) (?:has |have )?(?:seen|knows where|heard from) (?:him|her|them|he|she)\b| (?:he|she|they|${child}) (?:hasnt|has not|not|havent|have not) been seen\b| (?:doesnt|dont|does not|do not|didnt|did not|nobody|no one) knows? where (?:he|she|they|the \w+|my \w+) (?:is|are|went|has gone|have gone|was)\b`),
  re(String.raw` (?:been gone|gone missing|been missing|vanished|disappeared|ran off|run off|not been seen|not seen (?:him|her|them)|not heard from (?:him|her|them)) since\b| (?:${child}|he|she|${young}) (?:has |have |had |just )?(?:disappeared|vanished|slipped out|got out|escaped|been taken|was taken|got taken|been snatched|was snatched)\b(?! (?:into|to (?:his|her|their) room|upstairs|off to|with (?:his|her) (?:book|phone|tablet|ipad)))`),
  re(String.raw` (?:any(?:one|body)|some(?:one|body)|you|u) (?:\w+ )?seen (?:a |my |our |this |the |\w+ )?(?:little |young |small )?(?:boy|girl|child|kid|toddler|son|daughter|\d+ year old)\b(?! \w* ?(?:coat|bag|shoes|kit|book|phone|jumper|bottle|hoodie|scooter|bike|hat))| separated from (?:us|me|his|her|their|the group|the class)\b`),
];
const missingMorePatterns: RegExp[] = [
  re(String.raw` (?:running|run|ran|runs|sneak\w*|going|gone|went|getting (?:a |the )?(?:train|bus|coach)|got (?:a |the )?(?:train|bus|coach)|talked (?:her|him|them) into \w+)${gap(6)} to meet (?:up with )?(?:someone|somebody|a (?:man|boy|guy|girl|friend|lad)|him|her|this \w+|an? \w+ (?:friend|boy|man)|\w+ (?:she|he) met)\b(?= (?:\w+ ){0,10}(?:online|on (?:snap\w*|tiktok|insta\w*|discord|roblox|a game|the game|whatsapp|the internet)|never met|from (?:snap\w*|tiktok|insta\w*|discord|roblox|online)|talking to))| (?:gone|left|run off|ran off|going|went) (?:to )?(?:be with|live with|stay with|see|meet) (?:her|his|an older|a|this) (?:older )?(?:boyfriend|girlfriend|man|bloke|guy)\b(?= (?:\w+ ){0,8}(?:only|shes|hes|she is|he is) (?:only )?(?:[5-9]|1[0-5])\b)`),
];
const missingToldPatterns: RegExp[] = [
  re(String.raw` left (?:us |me )?(?:a|a little) (?:note|letter|message) (?:saying|that says|to say) (?:hes|shes|he is|she is|they are|theyre|he was|she was) (?:going|gone|leaving|running|not coming)\b`),
  re(String.raw` (?:nobody|no one|noone|neither of us|none of us|we) (?:has |have |hasnt |havent |had |hadnt )?(?:seen|heard from) (?:him|her|them)(?: \w+){0,3} since\b`),
];
const missingSigns: RegExp[] = [
  / (?:phones?|mobiles?)(?: \w+){0,3} (?:off|dead|switched off|turned off|going to voicemail|goes to voicemail|straight to voicemail)\b| (?:not|isnt|wont|hasnt been|hes not|shes not) (?:answering|picking up|replying)\b| (?:straight to|goes to|going to) voicemail| phone band\b/,
  / (?:not|isnt|still not|hasnt come|hasnt got|not come|not got|wasnt) (?:home|back)(?: yet)?\b| (?:should|shouldve|should have|should of) (?:\w+ )?(?:been|be) (?:home|back)\b| never (?:made it|got) to\b| wasnt at (?:madrasa|mosque|club|school|brownies|scouts|cubs|guides|practice|training|football|swimming|after school)\b(?! (?:\w+ ){0,4}(?:ill|sick|poorly|unwell|dentist|doctor|appointment|off))/,
  / (?:its|it is|gone|past|after|since) (?:\d{1,2}(?: ?pm)?|midnight|dark|getting dark|late)\b| (?:getting|its|it is) dark\b| all night\b| overnight\b| since (?:last night|yesterday|this morning|lunch|breakfast|school|friday|saturday|sunday|monday|tuesday|wednesday|thursday)\b/,
  / (?:frantic|worried sick|terrified|petrified|beside (?:my|our)sel\w*|panicking|desperate|please share|please help|please look out|look out for (?:him|her|my|our)|share (?:this|please))\b/,
  / (?:not|wasnt|isnt) with (?:\w+ )?(?:friends|mates|his dad|her dad|his mum|her mum)\b| (?:friends|mates) (?:dont|do not|didnt) know where| checked (?:with )?(?:all )?(?:his|her|their) (?:friends|mates)| no sign of (?:him|her|them)\b/,
  / (?:hasnt|has not|havent|have not|still hasnt|still not|never|didnt|did not) (?:come|came|got|been|gone) (?:back|home)\b| (?:(?:not|isnt|is not|wasnt) like (?:him|her|them)|out of character)\b/,
  / (?:an? |two |three |four |\d+ |few |several )?(?:hours?|hrs?) ago\b| (?:was|is|were) (?:meant|supposed|due) to (?:be|go|arrive)\b/,
  / bed (?:wasnt|was not|hasnt been|not|had not been|hadnt been) slept in\b| (?:his|her) bed (?:is |was )?empty\b/,
  / (?:looked|searched|been|driving|driven) (?:\w+ )?(?:everywhere|around looking|all over)\b| police\b/,
  / (?:wandered|walked|ran|slipped|got|went) (?:out|away|off) (?:of|from) (?:the )?(?:playground|school|gates?|garden|house|park|nursery|shop|centre|fair|class|home)\b/,
  / (?:ran|run|running|runs) (?:off|away)\b| (?:went|gone|walked|wandered) off\b| (?:cant|cannot|can not|couldnt|could not) (?:get hold of|reach|contact|get through to|get in touch with) (?:him|her|them|my \w+|our \w+)\b| (?:has )?any(?:one|body) seen (?!(?:a|my|the|our|this|his|her) (?:\w+ )?(?:coat|bag|shoes|kit|book|phone|jumper|bottle|hoodie|scooter|bike|hat|glove|lunchbox|cat|dog)\b)\w+/,
];
const missingMoreSigns: RegExp[] = [
  / (?:wasnt|was not|werent|were not|isnt|is not) on (?:the |it\b|her |his |their )?(?:\w+ )?(?:bus|coach|minibus|train|it)\b| never got (?:on|off)\b/,
  / (?:bus |coach )?driver (?:says|said|doesnt know|didnt see|hasnt seen)\b/,
  / (?:nobody|no one|noone|none of them|school|staff) (?:can|could|will) (?:tell|say) (?:me|us) where\b| (?:out|were out|are out|been out) (?:looking|searching)| searching for (?:him|her|them)| (?:lifeguards|staff|security) (?:are )?(?:searching|looking)\b/,
  / (?:isnt|is not) anywhere| nowhere to be (?:found|seen)| (?:still )?(?:dont|do not|cant) know where \w+ (?:is|has gone|went|are)\b| where is (?:she|he)\b/,
  / not in (?:her|his|their) (?:bed|room)\b| (?:back |front )?(?:door|window) (?:was |is )?(?:wide )?open\b/,
  / (?:\d+|few|ten|twenty|thirty|forty) (?:minutes|mins) ago\b| (?:an|two|three|\d+) hours? now\b/,
];
const missingToldSigns: RegExp[] = [
  / (?:her|his|their) (?:bag|passport|clothes|suitcase) (?:and \w+ )?(?:is |are |has |have )?(?:gone|missing)\b| (?:hes|shes|he has|she has|has) gone(?= \.| $)/,
  / (?:cant|cannot|couldnt|can not) account for\b| (?:came|come|got) back without (?:him|her|them)\b| (?:left|lost) behind\b/,
  / packed (?:a |her |his )?bags?\b/,
  / talking to (?:someone|somebody|a man|an older \w+|some \w+)(?: \w+)? (?:older|online)\b/,
  / (?:been )?gone (?:for )?(?:an hour|\d+ hours|hours|ages|all night|two hours|three hours)\b/,
  / check (?:your )?(?:sheds|gardens|garages|cameras|cctv|ring doorbells?|doorbells?|bins)\b/,
];
// Marked absent after being dropped at the gate.
const droppedOff = / (?:dropped|drop|walked|took|saw) (?:her|him|them|\w+) (?:off |at |to |into )(?:the )?(?:gate|gates|school|door|class|playground|bus|classroom)\b| (?:put|saw) (?:her|him|them) (?:on|onto) (?:the )?(?:bus|coach)\b| (?:left|leaving) (?:for|to) school\b/;
const absentFrom = / (?:marked (?:as )?absent|absent|not (?:in|at) (?:school|class|registration|the register)|not registered|never (?:arrived|got) (?:at|to|in) (?:school|class))\b/;
// Gone with, or collected by, someone the family does not know.
const goneWith = / (?:left|went|gone|walked off|drove off|got in a car|ran off)(?: off| away)? with (?:a |an |some |her |his |this )?(?:older )?(?:man|men|woman|stranger|someone|somebody|uncle|aunt|auntie|adult|person|lady|bloke|lad|lads|boy|guy)\b| (?:was|been|got|were) (?:collected|picked up|taken)\b/;
const notKnown = / (?:older|not by (?:me|us|his|her|their)|wasnt (?:me|us)|we didnt|i didnt|dont know|didnt know|no (?:uncle|aunt|auntie)|not (?:her|his) (?:real )?(?:uncle|aunt|dad|mum)|nobody knows|didnt recognise|not on the (?:list|collection list)|unknown|has no|hasnt got)\b/;

function childMissing({ text, texts }: Reading): boolean {
  if (missingPatterns.some((pattern) => pattern.test(text))) return true;
  if (missingMorePatterns.some((pattern) => pattern.test(text))) return true;
  if (missingToldPatterns.some((pattern) => pattern.test(text))) return true;
  if (absentFrom.test(text) && droppedOff.test(text)) return true;
  if (goneWith.test(text) && (notKnown.test(text) || missingSigns[0]!.test(text))) return true;
  const signs = [...missingSigns, ...missingMoreSigns, ...missingToldSigns].filter((sign) => sign.test(text)).length;
  return signs >= 2 && (childOrPronoun.test(text) || namesSomeone(texts));
}

// ---- 8. A child left in danger --------------------------------------------------------------------
// Left alone (at home, in a car in the heat, out at night), near a drop or water with no adult, shut
// out in the cold, or with a carer too drunk or high to look after them.
const leftUnsafePatterns: RegExp[] = [
  re(String.raw` left (?:them |him |her |kids |children |the \w+ |\w+ ${child} |a ${young} )?(?:alone|on (?:their|his|her) own|by ${self}|unattended|home alone|in (?:a|the) (?:locked |hot )?(?:car|van))\b(?! (?:\w+ ){0,2}for (?:a |two |five |ten |\d+ )?(?:few |couple of )?(?:minutes|mins|seconds|secs))`),
  re(String.raw` ${young}${gap(8)} (?:alone|unattended|unsupervised|on (?:his|her|their) own|by ${self}|no adult|nobody with|no one with|without (?:an adult|a grown ?up|anyone))\b| no (?:adult|grown ?up|parent) (?:in sight|around|with|about|anywhere)`),
  re(String.raw` ${young}${gap(6)} (?:wandering|playing|running|crawling|walking|sitting|standing|out|climbing|hanging|toddling)${gap(4)} (?:in|on|near|into|onto|across|by|along|towards) (?:the |a )?(?:main |busy )?(?:road|roads|street|dual carriageway|motorway|balcony|window ledge|ledge|roof|pond|river|canal|lake|railway|train tracks?|tracks|car park|water)\b`),
  re(String.raw` (?:${child}|${young}|they|he|she)${gap(6)} (?<!(?:sit|sat|sitting|work|working|play|playing|eat|eating|read|reading) )(?:alone|on (?:their|his|her) own|by ${self}|home alone|unsupervised|left)${gap(3)} (?:since (?:\w+)|for (?:days|hours|ages|the weekend|two days|three days|a week|the night)|all (?:day|night|weekend)|overnight|every (?:night|day|evening))\b| (?:no one|nobody|noone|no adult|no grown ?up)(?:s| is| has been)? (?:with|watching|looking after|supervising) (?:him|her|them)\b| (?:window ledge|windowsill|window sill|balcony|ledge|roof|railway|train tracks?|motorway|dual carriageway|canal|river|quarry)\b(?= (?:\w+ ){0,12}(?:alone|no one|nobody|noones|own|unsupervised|no adult|climbing|hanging|dangling))`),
  re(String.raw` home alone (?:all|for (?:days|the weekend|hours|a week|the night)|overnight|every|again)\b| (?:${child}|he|she|they) (?:was|were|is|are|got|been|gets) locked out\b(?! of (?:the )?(?:class|classroom|hall|playground|app|account|ipad|game))`),
  re(String.raw` (?:${young}|kids|children)${gap(6)} (?:crying|screaming|sobbing)${gap(3)} (?:for hours|all night|all day|for ages|every night)\b(?= (?:\w+ ){0,10}(?:next door|neighbours?|upstairs|downstairs|alone|own|nobody|no one|left))| (?:alone|on (?:their|his|her) own) again\b(?= (?:\w+ ){0,8}(?:crying|screaming|baby|toddler|kids))| (?:no one|nobody|noone) (?:has |had )?(?:picked|collected|come for|came for|turned up for) (?:him|her|them|the \w+|\w+ ${child})\b(?= (?:\w+ ){0,8}(?:dark|crying|hours|still|late|night))`),
];
const dangerPatterns: RegExp[] = [
  re(String.raw` (?:left|leaves|leaving) (?:them|him|her|the (?:kids|children)|(?:her|his|their) (?:kids|children)) (?:on their own |alone )?(?:to go|and (?:gone|went|go)) (?:on holiday|away|abroad|out|clubbing|to the pub|for the weekend)\b`),
  re(String.raw` ${young}${gap(6)} (?:left|been left|abandoned)${gap(4)} (?:outside|in (?:the|a) (?:car|pram|buggy|street|rain|cold|dark))\b`),
  re(String.raw` ${young}${gap(6)} (?:hanging|leaning|climbing|dangling|sitting) (?:out of|over|on|onto) (?:the |an |a )?(?:open )?(?:window|balcony|railings?|ledge|windowsill)\b`),
  re(String.raw` (?:${young}|${child})${gap(8)} (?:in (?:just )?(?:a |his |her |their )?(?:nappy|nappies|pyjamas|pjs|vest|underwear|pants)|barefoot|no shoes)\b(?= (?:\w+ ){0,12}(?:road|street|pavement|car park|high street|pond|outside|front door|door (?:is |was )?(?:wide )?open|alone|own|nobody|no one|no adult))`),
  re(String.raw` (?:${young}|${child}|kids?|little \w+)${gap(6)} locked out\b(?= (?:\w+ ){0,12}(?:night|dark|cold|rain|raining|snow|freezing|(?:9|10|11|12) ?pm|midnight|hours|crying))`),
  re(String.raw` (?:leaves|leaving|left|leave) (?:(?:the|her|his|their|two|three|both|a) )?(?:\w+ ){0,4}(?:${child}|${young}|kids|children)(?: \w+){0,3} (?:alone|on (?:their|his|her) own|by (?:them|him|her)sel(?:f|ves)|home alone|unattended|unsupervised|with (?:nobody|no one|noone))\b`),
  re(String.raw` (?:cant|can not|cannot|couldnt|could not) (?:wake|rouse|wake up) (?:her|him|them|mum|mummy|dad|daddy|nan|his mum|her mum|his dad|her dad)\b`),
  re(String.raw` (?:${child}|${young}|little \w+)${gap(10)} (?:alone|on (?:his|her|their) own|by (?:him|her|them)sel(?:f|ves))${gap(6)} (?:at )?(?:(?:9|10|11|12) ?pm|midnight|[1-5] ?am|the middle of the night|in the dark)\b`),
];
const leftAgainPatterns: RegExp[] = [
  re(String.raw` (?:not seen|no sign of|havent seen|never see|not been) (?:an? |any )?(?:adult|parent|grown ?ups?)(?: \w+){0,3} (?:since|for (?:days|a week|two days|the weekend))\b`),
  re(String.raw` (?:${child}|${young}|kids)${gap(4)} (?<!(?:sit|sat|sitting|work|working|play|playing|eat|eating|read|reading) )(?:alone|on (?:their|his|her) own|by themselves|home alone) (?:again|every (?:night|day|evening|weekend)|all (?:night|day|weekend)|overnight|at night|since)\b`),
];
// In a car, left there, and in the heat or for a long time.
const inCar = re(String.raw` (?:${child}|${young}|kids|little ones?|little \w+)${gap(8)} (?:in|inside) (?:a|the|her|his|their) (?:locked |hot )?(?:car|van|4x4|motor)\b`);
const leftThere = / (?:leave|left|leaves|leaving|alone|on (?:his|her|their) own|by (?:them|him|her)sel(?:f|ves)|unattended|no (?:sign of|adult|parent)|nobody|no one|noone|crying|screaming)\b/;
const heatOrTime = / (?:heat|hot|boiling|roasting|sweltering|windows? (?:up|shut|closed)|\d\d degrees|locked|for (?:ages|an hour|half an hour|over an hour|\d+ (?:mins|minutes|hours))|(?:\d+|twenty|ten) (?:mins|minutes)|been (?:there|here|in there) (?:for )?(?:ages|\d+))\b/;
// A toddler by a drop or water, or crying for hours, with no adult around.
const youngAtHazard = re(String.raw` ${young}${gap(6)} (?:on|onto|in|near|by|at the edge of|up on) (?:the |a )?(?:roof|balcony|window ledge|ledge|windowsill|road|main road|dual carriageway|motorway|railway|tracks|canal|river|pond|lake|water|cliff|scaffolding)\b`);
const youngDistress = re(String.raw` ${young}${gap(6)} (?:crying|screaming|sobbing|wailing)${gap(3)} (?:for hours|all night|all day|for ages|since)\b`);
const noAdultAround = / (?:no adult|nobody|no one|noone|alone|on (?:his|her|their) own|cant see (?:any|an) (?:adult|parent|grown ?up)|no parent|unsupervised|999|no answer|not answering|cars? gone)\b/;
// Someone too drunk or high to look after the children with them.
const impaired = / (?:too drunk|so drunk|really drunk|blind drunk|drunk (?:driving|driver|dad|mum|parent|again|behind|in charge|at (?:the )?(?:gate|gates|pickup|pick up|school))|(?:was|is|were|are|been|got|getting) drunk\b(?= (?:\w+ ){0,8}(?:kids|children|baby|toddler|car|drive|drove|driving|pickup|pick up))|passed out|off (?:his|her|their) (?:face|head|heads|faces)|on drugs|high on|stoned|out of (?:it|his face|her face)|drink driving|over the limit|under the influence|smel\w* (?:of|like) (?:alcohol|booze|drink|weed|cannabis)|stank of (?:alcohol|booze|weed)|swerving|paralytic|comatose)\b/;
const impairedMore = / (?:sway\w*|unsteady|(?:could|can) barely (?:stand|walk|talk|speak)|couldnt (?:stand|walk) (?:up|straight)|slurr\w*|stumbl\w*|stagger\w*|(?:been )?drinking (?:since|all day|all morning|from)|stink\w* of (?:weed|booze|drink|alcohol|cannabis)|reek\w* of|smashed|off (?:his|her|their) (?:face|head|tits|nut))\b/;
const anAdult = re(String.raw` (?:${carer}|man|woman|lady|bloke|adult|driver)s?\b`);
const impairedSlang = / (?:hammered|wasted|steaming|legless|plastered|sloshed|pissed|trollied|off (?:his|her|their) nut|stoned|high|drunk|tipsy|smelled of drink|reeked of \w+)\b/;
const inCharge = / (?:car|cars|drive|drove|driving|driven|pick ?up|picking up|picked up|collect\w*|in charge|looking after|babysitting|on (?:his|her) own with)\b/;

/** `turnedUp`: the post says it was for a minute or two, or the child is fine, or it is a joke. */
function leftInDanger({ text, joking }: Reading, turnedUp: boolean): boolean {
  if (leftUnsafePatterns.some((pattern) => pattern.test(text)) && (!joking || inEarnest.test(text))) return true;
  if ((impaired.test(text) || (impairedMore.test(text) && anAdult.test(text))) && (children.test(text) || inCharge.test(text))) return true;
  if (impairedSlang.test(text) && children.test(text) && inCharge.test(text)) return true;
  if (turnedUp) return false;
  if (dangerPatterns.some((pattern) => pattern.test(text)) && !askingWhatAge.test(text)) return true;
  if (inCar.test(text) && leftThere.test(text) && heatOrTime.test(text)) return true;
  if (leftAgainPatterns.some((pattern) => pattern.test(text))) return true;
  return (youngAtHazard.test(text) || youngDistress.test(text)) && noAdultAround.test(text);
}

// ---- 9. A weapon among children --------------------------------------------------------------------
// A weapon, someone or somewhere it is at, and no costume, game, lesson or kitchen.
const weaponPatterns: RegExp[] = [
  re(String.raw` (?:brought|bring|bringing|brings|carry|carrying|carries|carried|has|had|got|hiding|hidden|hid|hides|wave|waving|waved|pulled|pulling|pointed|pointing|showed|showing|shown|found|threatened|threatening|flashed|flashing|posing|posed|keeps|kept|holding|held|selling|sold|buying|bought)((?: (?!toy\b|plastic\b|fake\b|nerf\b|water\b|butter\b|bloody\b|play\b|pretend\b|foam\b|cardboard\b|glue\b)\w+){0,4}) ${weapon}(?! and fork| for (?:the )?(?:pumpkin|carving|cooking|baking|cake|costume|play))`),
  re(String.raw` (?:man|men|boy|boys|lad|lads|kid|kids|someone|somebody|teenagers?|teens?|girl|girls|person|guy|guys|bloke|gang|year \d+s?) (?:\w+ )?(?:with|had|has|carrying|holding) (?:a |an |two |some )?(?:\w+ )?${weapon}`),
  re(String.raw` (?:going to|will|wants? to|to|would|gonna|threatened to|threatening to|threatens to) (?:\w+ )?(?:stab|shoot)\b(?! (?:up )?(?:some|a|the) (?:hoops|photos?|video|film|goal|ball|breeze))| shoot (?:up )?(?:the |our |a )?school\b| (?:stabbed|shot|knifed)(?: \w+){0,3} (?:near|outside|by|at|on the way (?:to|from)) (?:the |our |a )?(?:school|gates?|park|bus stop|playground|field)`),
];
const weaponAtHand = re(String.raw`${weapon}| (?:stabbed|stabbing|knifed|shot at|shooting at|got shot|been shot|was shot)\b`);
const weaponPeople = re(String.raw` (?:${childNouns}|he|she|they|him|her|someone|somebody|man|men|lad|lads|teens?|bloke|guy|guys|person|gang)\b`);
const weaponPlaces = / (?:school|gates?|bus stop|bus|park|field|playground|class|classroom|bag|blazer|pocket|locker|toilets?|snapchat|story|tiktok|corridor|lunch|break|walk home|way home|estate|alley)\b/;
// Anything swung or pointed at someone: a bar, a bottle, a brick.
const brandished = / (?:swing\w*|waving|waved|wave|brandish\w*) (?:a |an |some )?(?:\w+ )?(?:bar|bars|bat|pole|pipe|stick|chain|bottle|brick|hammer|crowbar|screwdriver|knife|blade)\b(?: \w+){0,3} at\b| threaten\w* (?:\w+ ){1,3}with (?:a |an |his |her )?(?:\w+ )?(?:bottle|bar|bat|pole|pipe|stick|chain|brick|hammer|crowbar|screwdriver|scissors|compass|lighter|needle|syringe)\b/;

function weaponNearChildren({ text }: Reading): boolean {
  if (notReal.test(text)) return false;
  if (weaponPatterns.some((pattern) => pattern.test(text))) return true;
  if (weaponAtHand.test(text) && (weaponPeople.test(text) || weaponPlaces.test(text))) return true;
  return brandished.test(text) && children.test(text);
}

/**
 * URGENT when the score learnt from the labelled phrasings says so; when the reporter says in so
 * many words that a child is at risk (or barred from one); or when a rule names the danger and the
 * score does not find the words plainly ordinary. The rules are precise on what they were written
 * for, the score reaches wording they never saw and overrules a rule's match on everyday talk, but
 * never a reporter's own plain words: those are what the README tells reporters to write.
 */
export function looksUrgent(texts: Array<string | undefined>): boolean {
  const score = urgencyScore(texts);
  if (score >= URGENT_SCORE) return true;
  const rules = whatTheRulesSay(texts);
  return rules === 'told' || (rules === 'matched' && score >= RULE_OVERRULED_BELOW);
}

/** `told`: the reporter says a child is at risk; `matched`: a rule found a danger in the words. */
function whatTheRulesSay(texts: Array<string | undefined>): 'told' | 'matched' | undefined {
  const text = urgentWords(texts);
  const joking = jokey.test(texts.filter(Boolean).join('\n').slice(0, 20_000).toLowerCase());
  const reading: Reading = { texts, text, joking };
  if ((aboutElsewhere.test(text) || aboutATalk.test(text)) && !happeningHere.test(text)) return undefined;
  if (barredFromChild(reading) || reporterSaysSo(reading)) return 'told';
  // A missing child or one left alone is not urgent once they turned up, or it was for a minute.
  const turnedUp = resolved.test(text) || joking || notAChild.test(text);
  const matched =
    threatened(reading) ||
    talksOfSelfHarm(reading) ||
    disclosesAbuse(reading) ||
    courtsAChild(reading) ||
    exploitsAChild(reading) ||
    weaponNearChildren(reading) ||
    (!turnedUp && childMissing(reading)) ||
    leftInDanger(reading, turnedUp);
  return matched ? 'matched' : undefined;
}
