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
// A report is URGENT when its words suggest a child may be at risk. Rather than one pattern per
// phrasing seen, the rules below name the CONCEPTS such reports are made of (a threat aimed at a
// child, a disclosure of harm, an adult courting a child, a child missing, a weapon among children,
// a child left unsafe, a child talking of ending their life, a reporter saying a child is at risk)
// and combine a few word classes for each: who (a child; an adult; a carer), what (harm, menace,
// reward, secrecy, absence) and how it is framed (a threat's future, a disclosure, a joke).
//
// Parents write quickly: contractions without apostrophes, text-speak, all caps. The patterns run on
// the words alone, lower case, with a "." token where a sentence ends so that a gap of a few words
// never reaches into the next sentence. Every gap is bounded and follows a literal word, so each
// pattern is linear in the length of the text (no catastrophic backtracking on hostile input).
// Labelled phrasings, and the precision and recall they give: test/data/safeguarding-tune.jsonl.

const textSpeak: Record<string, string> = {
  u: 'you', ur: 'your', yr: 'your', ya: 'you', gonna: 'going to', wanna: 'want to', gotta: 'got to', lil: 'little', n: 'and', '2': 'to',
  coz: 'because', cos: 'because', bc: 'because', pls: 'please', plz: 'please', tmrw: 'tomorrow', '2moro': 'tomorrow', '2nite': 'tonight', tonite: 'tonight',
  bf: 'boyfriend', gf: 'girlfriend', ppl: 'people', sum1: 'someone', some1: 'someone', any1: 'anyone', no1: 'no one', wiv: 'with', ded: 'dead',
};
const childNouns = 'child|children|kids?|kiddos?|sons?|daughters?|boys?|girls?|lads?|twins|toddlers?|baby|babies|infants?|bacha|bachay|bache|bachi|bachon|bachche|beti|beta|princess|brat|teens?|teenagers?|pupils?|students?|youngsters?|schoolboys?|schoolgirls?|minors?';
// After "your son's", these words mean "your son is/has"; any other word means the son owns it.
const isOrHas = 'going|gonna|getting|got|gone|been|not|never|next|dead|a|an|the|in|at|on|always|so|too|very|really|just|still|about|out|off|done|finished|missing|being|had|safe|scared|terrified';

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
    .replace(/\b(?:u|ur|yr|ya|gonna|wanna|gotta|lil|n|2|coz|cos|bc|pls|plz|tmrw|2moro|2nite|tonite|bf|gf|ppl|sum1|some1|any1|no1|wiv|ded)\b/g, (word) => textSpeak[word]!);
  return ` ${words} `.replace(/ +/g, ' ');
}

const gap = (most: number) => `(?: \\w+){0,${most}}`;
const child = `(?:${childNouns}|little ones?|year (?:[1-9]|1[0-3])s?|reception (?:child|kids?|children|class)|(?:[1-9]|1[0-7]) year olds?)`;
// Ages a child should not be out alone at: toddlers, infants, seven and under.
const young = String.raw`(?:toddlers?|baby|babies|infants?|tiny (?:one|ones|boy|girl|kids?|child|children)|(?:little|small) (?:one|ones|boy|boys|girl|girls|kids?|child|children)|(?:[1-7]|one|two|three|four|five|six|seven) year olds?|nursery (?:child|kids?|children))`;
const self = String.raw`(?:him|her|them|my|your|one)sel(?:f|ves)`;
const pronoun = String.raw`(?:him|her|them)`;
// The adults a child discloses harm by: family, carers, staff trusted with them, neighbours.
const carer = String.raw`(?:dad|daddy|father|mum|mummy|mom|mother|stepdad|step dad|stepfather|step father|stepmum|step mum|stepmother|parents?|uncle|aunt|auntie|aunty|grandad|grandma|granddad|nan|nana|brother|sister|cousin|carer|foster \w+|boyfriend|girlfriend|partner|teacher|coach|ta|teaching assistant|tutor|staff|worker|instructor|leader|imam|molvi|qari|maulana|childminder|nanny|babysitter|lodger|neighbours?|someone at home|people at home|abba|ammi|papa|mama|chacha|mamu)`;
const violence = String.raw`(?:hits?|hitting|beats?|beating|beaten|batter(?:s|ed|ing)?|punch(?:es|ed|ing)?|kick(?:s|ed|ing)?|slap(?:s|ped|ping)?|smack(?:s|ed|ing)?|whack(?:s|ed|ing)?|thump(?:s|ed|ing)?|spank(?:s|ed|ing)?|strangl\w*|throttl\w*|chok(?:es|ed|ing)|burn(?:s|ed|t|ing)|whip(?:s|ped|ping)?|belts|belted|hurts?|hurting|touch(?:es|ed|ing)|lock(?:s|ed|ing)?|drag(?:s|ged|ging)?|pinned|pins|throws?|threw|throwing|shov(?:es|ed|ing)|shak(?:es|ing)|shook|bites|bit|starv(?:es|ed|ing)|ties|tied|grabs|grabbed|grabbing|takes (?:photos|pictures|pics|videos) of|films|filmed|filming)`;
// Whom the violence is done to: a person, not "the roof", "it off" or "her back".
const victim = String.raw`(?:(?:him|her|them|me|us)\b(?! (?:back|knee|hip|wrist|ankle|leg|arm|foot|shoulder|neck|feelings|head|own|hair|homework|phone|bag|up on|off|at (?:chess|cards|football|tennis|netball)|in (?:a |the )?(?:race|game|match|final))\b)|(?:my|his|her|their|the|a|an|that|this) (?:\w+ )?${child}\b|kids|children|pupils|toddlers|babies)`;
const weapon = String.raw`(?<!(?:toy|fake|plastic|nerf|water|foam|pretend|glue|cap|bubble|spud|paint|rubber|cardboard|wooden|squirt|massage|staple|butter|bread|palette|craft|pen|cake|pizza) )\b(?:knife|knives|blades?|machetes?|guns?|pistols?|firearms?|shotguns?|rifles?|air rifles?|bb guns?|crossbows?|knuckle ?dusters?|zombie knife|flick ?knife|swords?|axes?|hammers?|baseball bats?|acid)\b(?! (?:crime|skills|and fork|amnesty|awareness|arch|safety|sharpener|block|set|wound|law|fight in the play|emoji))`;
const stranger = String.raw`(?<!lollipop |ice cream |delivery |bin |post |weather |snow |dinner |best |police |fire |spider |iron |gingerbread |can |could |would |will |if |ask |asked )(?:man|men|adult|adults|bloke|blokes|guy|guys|stranger|strangers|older (?:man|men|lad|lads|boy|boys|guy|guys|girl|girls|woman|women|kids|teenagers?)|grown (?:man|men|woman|adult)|someone|somebody|a person|woman|women|creep|predator|account|profile|user)`;
const online = String.raw`(?:roblox|fortnite|minecraft|snapchat|snap|tiktok|tik tok|instagram|insta|discord|xbox|playstation|ps4|ps5|twitch|youtube|omegle|kik|telegram|online|a game|the game|games?|gaming|chat ?room|dms?|app)`;
const re = (source: string) => new RegExp(source);

/** Phrasings that on their own suggest a child may be at risk. */
const urgentPatterns: RegExp[] = [
  // ---- Abuse: a child says, or shows, that someone hurts them.
  re(String.raw` (?:being|been|was|were|is|are|sexually|physically|emotionally|get|gets|getting) abused\b| abus(?:e|ed|ing|es) (?:at home|him|her|them|the kids|the children)\b`),
  re(String.raw` (?:exposed (?:him|her)self|flash(?:ed|ing|es) (?:at )?(?:the |some |my )?${child})\b| touch\w*${gap(2)} (?:inappropriately|in a bad way|where (?:he|she|they) (?:shouldnt|should not))| (?:private|privates|private parts|private bits|down there)\b(?= (?:\w+ ){0,6}(?:touch\w*|show\w*|pictures?|photos?))| touch\w* (?:\w+ ){0,2}(?:private|privates|private parts|private bits)\b`),
  re(String.raw` ${carer}${gap(6)} ${violence} (?:${victim}|(?:and \w+ )?(?=\.|$|and |when |if |every |at night))`),
  re(String.raw` ${carer}${gap(6)} (?:slams?|slammed|slamming|yank(?:s|ed)?|pinch(?:es|ed)?|headbutt\w*|stamp(?:s|ed) on|bangs?|banged|pulls?|pulled|drags?|dragged) (?:him|her|them|(?:his|her|their) (?:head|hair|ears?))\b| ${carer}${gap(4)} (?:calls|called|calling|tells|told) (?:him|her|them) (?:\w+ )?(?:is |was |are )?(?:worthless|a mistake|useless|disgusting|evil|unwanted|a waste of space)\b| (?:makes|made|making|forces|forced) (?:him|her|them) (?:to )?(?:take (?:his|her|their) clothes off|stay (?:in|outside)(?: \w+){0,3} (?:all night|for hours|all day|overnight))`),
  re(String.raw` (?:as (?:a )?punishment|when (?:he|she|they) (?:is|are|was|were|gets?|got) (?:naughty|bad|in trouble)|for being (?:naughty|bad))\b(?= (?:\w+ ){0,8}(?:cold|shower|garden|shed|outside|cupboard|locked|belt|hit|hits|beat|no food|no dinner|starv\w*|kneel|burn\w*))| (?:cold|freezing) (?:shower|bath|water)(?: \w+){0,4} (?:punishment|naughty|holds|held|makes|made|forces)| (?:puts|put|locks|locked|makes|made|leaves|left|sends|sent) (?:him|her|them) (?:\w+ ){0,2}(?:in the garden|outside in the cold|in the shed|in the cold shower|in a cold bath|in the cupboard)(?= (?:\w+ ){0,6}(?:punishment|naughty|bad|night|hours|all day))`),
  re(String.raw` (?:delete|deletes|deleting|deleted|hide|hides|hiding) (?:the |them|these|those|his |her |our |all )?(?:messages|texts|chats|pictures|photos|snaps|them)\b(?= (?:\w+ ){0,8}(?:secret|parents|mum|dad|tell))| (?:to|told (?:him|her|them) to|asks? (?:him|her|them) to|make sure (?:she|he|they)) delete(?: (?:the|them|these|those|his|our|all))?(?: \w+)?\b| (?:his|her|my|our) (?:special|little) (?:girl|boy|friend|princess|secret)\b(?! (?:is|was)? ?(?:turning|birthday))`),
  re(String.raw` (?:heard|hear|hearing|hears)(?: \w+){0,4} (?:${child}|little one|someone)(?: \w+){0,3} (?:screaming|crying|begging|pleading|yelling|shouting|sobbing)(?: \w+){0,6} (?:please stop|stop it|help|no more|bangs|banging|hitting|smack\w*|slap\w*|thud\w*)\b| (?:screaming|crying|begging|pleading) (?:for (?:help|mummy|mum|daddy|dad) |please )?(?:stop|help me|dont hit)\b`),
  re(String.raw` (?:keeps|kept|always|constantly|was) (?:hugging|kissing|touching|tickling|stroking|cuddling|grooming)(?: (?:the|my|our|those|some|young|little))? (?:\w+ )?(?:girls|boys|kids|children|pupils)\b| (?:sit|sitting|sits) on (?:his|her) (?:knee|lap)\b`),
  re(String.raw` ${violence}${gap(4)} by (?:his|her|their|a|the|my) (?:\w+ )?${carer}\b`),
  re(String.raw` (?:being|been|gets|getting|got|was|were|is|are) (?:\w+ )?(?:hit|beaten|battered|slapped|smacked|punched|kicked|hurt|burnt|burned|whipped|strangled|choked|starved|thrown|belted|locked (?:in|up)|tied up)(?: \w+){0,4} (?:at home|by (?:his|her|their|the|a) (?:\w+ )?${carer}|every (?:night|day|morning|weekend)|when (?:he|she|they) (?:is|are|gets|get|misbehave|cries|cry|is naughty|are naughty|wet))\b`),
  re(String.raw` (?:saw|seen|see|watched|heard|hear|witnessed|caught|spotted)(?: \w+){0,6} (?:hit|hitting|slap\w*|smack\w*|punch\w*|kick\w*|beat|beating|shak\w*|shook|drag\w*|throttl\w*|chok\w*|strangl\w*|batter\w*|whack\w*|thump\w*|throw\w*|threw|shov\w*|grab\w*) (?:a |the |his |her |their |that |this )?(?:\w+ )?${child}\b`),
  re(String.raw` (?:comes|came|coming|goes|went|creeps|crept|sneaks|gets) into (?:her|his|their|my) (?:room|bedroom|bed)\b| (?:makes|made|making|forces|forced|force|forcing) (?:him|her|them|\w+ ${child}) (?:to )?(?:do (?:stuff|things|sexual)|touch|undress|strip|sleep (?:in|with)|get (?:in|into) (?:his|her|their) bed|shower|bath|watch (?:porn|videos|adult)|sit on (?:his|her) lap|keep (?:secrets|it secret|quiet))\b| shower(?:s|ing)? with (?:him|her|them|the (?:boys|girls|kids|children))\b`),
  re(String.raw` (?:pictures|photos|pics|videos|films?|filming|filmed|photographs?|photographing) (?:of )?(?:him|her|them|\w+ ${child}|the ${child}) (?:in|without|with no|getting) (?:the bath|the shower|bath|shower|bed|the toilet|(?:his|her|their) (?:underwear|pants|knickers|pyjamas|pjs|bath|bed))\b`),
  re(String.raw` (?:bruis\w*|black eyes?|marks|burn marks|cigarette burns|belt marks|hand ?prints?|finger ?marks|welts|burns)(?: \w+){0,3} (?:on|all over|up|down|round|around|across) (?:his|her|their|the) (?:\w+ )?(?:face|neck|arms?|legs?|back|body|hands?|cheeks?|chest|bum|bottom|thighs?|wrists?|eyes?|throat|ribs)\b`),
  re(String.raw` (?:black eyes?|bruises|bruised|marks|burns|welts|injuries)(?: \w+){0,4} (?:again|always|every (?:week|monday|weekend|day)|on mondays|after weekends?)\b| (?:always|often|keeps|constantly|regularly|every week|again) (?:has|having|got|gets|getting|coming in with|comes in with|came in with|turns up with|turning up with|covered in)(?: \w+){0,2} (?:bruises|black eyes?|marks|burns|injuries|a black eye)\b| flinch\w*`),
  re(String.raw` (?:never|not|isnt|doesnt|hasnt|not being|never being|rarely) (?:getting |get |gets |been |being )?fed\b| (?:eating|eats|ate) (?:\w+ ){0,2}(?:out of|from) (?:the )?bins?\b| (?:no|not enough|no proper) food (?:at home|in the house)| nothing to eat (?:at home|in the house)| left (?:with )?no food| not allowed (?:to )?(?:eat|any food|food|dinner|to drink)\b| (?:always|constantly) (?:starving|hungry)(?: \w+){0,6} (?:filthy|dirty|smells|same clothes|no coat)| (?:filthy|dirty|smelly|same clothes)(?: \w+){0,6} (?:always|constantly) (?:starving|hungry)\b`),
  re(String.raw` (?:scared|afraid|frightened|terrified|petrified) (?:to go|of going|to be|of being) (?:back )?home| (?:scared|afraid|frightened|terrified|petrified) of (?:his|her|their) (?:\w+ )?${carer}\b`),
  re(String.raw` (?:${child}|he|she|they|him|her|them) (?:is |are |was |were |been |is being |are being |being )?neglected\b| (?:child|children) neglect\b| (?:ko|ku) (?:\w+ ){0,3}(?:maarte|maarta|maarti|maara|maari|marte|marta|peet\w*|pit\w*) (?:hain|hai|he|tha|thi)\b`),
  re(String.raw` makes? (?:her|him|them) do things| (?:${child}|he|she|they|him|her|them) (?:\w+ )?(?:is |was |were |are |gets |got |get |been |being |kept )?locked (?:in|up in|inside) (?:his|her|their|the|a) (?:\w+ )?(?:room|shed|cupboard|cellar|garage|box|cage|bathroom|toilet)`),
  re(String.raw` ${carer} (?:\w+ ){0,2}(?:will|would|is going to|going to|threatened to|threatens to|said (?:he|she) would|says (?:he|she) will) (?:\w+ )?(?:kill|hurt|beat|batter|hit|punch|kick|belt|smack) (?:him|her|them)\b(?: \w+){0,2} if (?:he|she|they) (?:tells?|told|says? anything|speaks?|talks?|says)`),
  // ---- Grooming and exploitation: secrecy asked of a child, intimate pictures, adults courting children.
  re(String.raw` (?:told|tells|telling|asked|asks|asking|made|makes|making|warned|warns|begged|begs) (?:(?:him|her|them|the \w+|my \w+|\w+ ${child}) ){1,2}(?:\w+ ){0,2}(?:to )?keep (?:it|this|that|things|everything|stuff|them|the \w+) (?:a )?(?:secret|quiet|between (?:them|us))| (?:our|their) (?:little |special )?secret\b(?! santa)| (?:a|our|their) (?:little |special )?secret (?:between|just between)`),
  re(String.raw` (?:told|tells|telling|asked|asks|asking|warned|warns|made|makes|making) (?:him|her|them|my \w+|the \w+|\w+ ${child}) (?:\w+ ){0,12}not (?:to )?tell (?:me|us|you|anyone|anybody|(?:his|her|their|your|my) (?:mum|dad|parents|mother|father|family|teachers?|friends))\b| (?:dont|do not|never|no need to|wont) tell (?:your|his|her|their) (?:mum|dad|parents|mother|father|family)\b| no (?:parents|mums|dads|adults) (?:needed|allowed|required|involved)\b`),
  re(String.raw` naked (?:\w+ )?(?:pictures?|photos?|pics?|videos?|selfies?)| (?:no|without) clothes on\b| (?:sexual|sexy|dirty|rude|explicit|inappropriate) (?:\w+ )?(?:pictures?|photos?|pics?|messages?|texts?|videos?|chat|snaps?)\b`),
  re(String.raw` (?:send|sent|sending|photos?|pictures?|pics?|videos?|selfies?|snaps?)${gap(3)} (?:in|of) (?:his|her|their) (?:pyjamas|pjs|underwear|pants|knickers|bra|body|school uniform|uniform|bedroom|bed)\b| (?:told|telling|tells) (?:him|her) (?:hes|shes|he is|she is) (?:so |very |really )?(?:mature|grown up) for| mature for (?:his|her|their) age`),
  re(String.raw` (?:getting|got|get|gets|giving|gave|gives)(?: \w+){0,3} (?:${child}|them|him|her) (?:really |so )?(?:drunk|high|stoned|wasted|pissed)\b| secret (?:account|snapchat|snap|instagram|insta|phone|number|chat|profile)\b(?= (?:\w+ ){0,10}(?:coach|man|adult|older|teacher|tutor|leader|someone|buys|gifts?|money))`),
  re(String.raw` pretending to be (?:a |an )?(?:\d+ year old|${child}|kid|teen)| (?:1[89]|[2-9]\d) year old${gap(8)} (?:dating|seeing|going out with|picking up|picks up|taking|takes|collecting|meeting|meets|messaging|texting|in a relationship with|sleeping with|kissing)${gap(2)} (?:a |an |the )?(?:year (?:[1-9]|1[01])|(?:[1-9]|1[0-5]) year old|${child})`),
  re(String.raw` (?:hes|shes|whos|he is|she is|who is|aged) (?:1[89]|[2-6]\d)\b${gap(3)} (?:and )?(?:hes|shes|she is|he is|her|him) (?:only )?(?:[5-9]|1[0-5])\b| (?:hes|shes|he is|she is) (?:only )?(?:[5-9]|1[0-5])\b${gap(3)} (?:and )?(?:hes|shes|he is|she is|him|her|who is|whos) (?:1[89]|[2-6]\d)\b| (?:secret|older|adult|grown up) (?:boyfriend|girlfriend)\b`),
  re(String.raw` (?:carry|carrying|carried|deliver\w*|drop\w* off|hold|holding|held|hide|hiding|stash\w*|sell\w*|run\w*|move|moving)(?: \w+){0,2} (?:packages|parcels|packets|bags|drugs|weed|stuff|things|gear|phones)(?: \w+){0,2} for (?:him|them|older|a man|some|the (?:older|man|men|lads|gang))\b`),
  re(String.raw` (?:ask\w*|invit\w*|wants?|told|tell\w*|begg?\w*|persuad\w*|convinc\w*|pressur\w*|get\w*|got|trying to get)${gap(4)} to (?:meet(?: up)?|come|go|get in|visit|sneak out|stay|run away)${gap(8)} (?:alone|on (?:his|her|their) own|secretly|in secret|without (?:telling|anyone|(?:his|her|their) (?:mum|dad|parents))|dont tell|not (?:to )?tell)\b`),
  re(String.raw` ${online}${gap(10)} (?:meet (?:up|him|her|them|in person|in real life|irl)|meeting up|meet\w* in (?:person|real life)|come (?:to|over to|round to) (?:his|her|their) (?:house|flat|place)|(?:home |school )?address|what school|which school|where (?:he|she|they) (?:lives?|goes to school))\b`),
  // ---- A child left unsafe.
  re(String.raw` left (?:them |him |her |kids |children |the \w+ |\w+ ${child} |a ${young} )?(?:alone|on (?:their|his|her) own|by ${self}|unattended|home alone|in (?:a|the) (?:locked |hot )?(?:car|van))\b`),
  re(String.raw` ${young}${gap(8)} (?:alone|unattended|unsupervised|on (?:his|her|their) own|by ${self}|no adult|nobody with|no one with|without (?:an adult|a grown ?up|anyone))\b| no (?:adult|grown ?up|parent) (?:in sight|around|with|about|anywhere)`),
  re(String.raw` ${young}${gap(6)} (?:wandering|playing|running|crawling|walking|sitting|standing|out|climbing|hanging|toddling)${gap(4)} (?:in|on|near|into|onto|across|by|along|towards) (?:the |a )?(?:main |busy )?(?:road|roads|street|dual carriageway|motorway|balcony|window ledge|ledge|roof|pond|river|canal|lake|railway|train tracks?|tracks|car park|water)\b`),
  re(String.raw` (?:${child}|${young}|they|he|she)${gap(6)} (?:alone|on (?:their|his|her) own|by ${self}|home alone|unsupervised|left)${gap(3)} (?:since (?:\w+)|for (?:days|hours|ages|the weekend|two days|three days|a week|the night)|all (?:day|night|weekend)|overnight|every (?:night|day|evening))\b| (?:no one|nobody|noone|no adult|no grown ?up)(?:s| is| has been)? (?:with|watching|looking after|supervising) (?:him|her|them)\b| (?:window ledge|windowsill|window sill|balcony|ledge|roof|railway|train tracks?|motorway|dual carriageway|canal|river|quarry)\b(?= (?:\w+ ){0,12}(?:alone|no one|nobody|noones|own|unsupervised|no adult|climbing|hanging|dangling))`),
  re(String.raw` home alone (?:all|for (?:days|the weekend|hours|a week|the night)|overnight|every|again)\b| (?:${child}|he|she|they) (?:was|were|is|are|got|been|gets) locked out\b(?! of (?:the )?(?:class|classroom|hall|playground|app|account|ipad|game))`),
  re(String.raw` (?:${young}|kids|children)${gap(6)} (?:crying|screaming|sobbing)${gap(3)} (?:for hours|all night|all day|for ages|every night)\b(?= (?:\w+ ){0,10}(?:next door|neighbours?|upstairs|downstairs|alone|own|nobody|no one|left))| (?:alone|on (?:their|his|her) own) again\b(?= (?:\w+ ){0,8}(?:crying|screaming|baby|toddler|kids))| (?:no one|nobody|noone) (?:has |had )?(?:picked|collected|come for|came for|turned up for) (?:him|her|them|the \w+|\w+ ${child})\b(?= (?:\w+ ){0,8}(?:dark|crying|hours|still|late|night))`),
  // ---- Whoever wrote it says so.
  re(String.raw` (?:in (?:immediate |real |serious |grave )?danger|at (?:serious |real |immediate |high )?risk)\b(?! of (?:\w+ )?(?:missing|losing|failing|burnout|exclusion))| not safe (?:at home|with|around|there)\b| (?:wont|will not|isnt|is not|arent|are not|never) (?:be )?safe (?:at home|with (?:him|her|them|his|her|their))\b`),
  re(String.raw` safeguarding (?:concern|issue|risk|matter|problem|referral|alert|emergency|lead|\.|$)| police (?:have been|were|are|has been) (?:called|involved|on (?:their|the) way)| (?:call|called|calling|ring|rang|phoned|phone|contact|contacted) (?:the )?(?:police|999)\b| (?:worried|concerned|scared|afraid|frightened|fear|fearful|terrified) (?:about|for) (?:\w+ ){0,3}(?:safety|life|wellbeing|welfare)\b| (?:concerned|worried|scared|frightened|fears?) (?:about|for) (?:a|this|that|the) (?:little |young )?(?:child|girl|boy|kid|pupil|toddler|baby)(?= \.| $)| fear for (?:his|her|their|the|this|that) (?:\w+ )?(?:safety|life|welfare)\b| needs? protect(?:ing|ion)\b| (?:child|girl|boy|kid|${child}) (?:\w+ ){0,2}(?:is being|being|getting|gets) (?:hurt|harmed|abused|exploited|groomed|neglected|beaten|hit)\b| (?:being|getting) (?:hurt|harmed) (?:at home|by)\b`),
  re(String.raw` threat(?:s|en|ens|ening|ened)? (?:to |against |towards )?(?:(?:a|my|the|our|your|this|that|his|her|their) (?:\w+ )?)?(?:${childNouns})\b(?! with)| threat(?:s|en|ens|ening|ened)? (?:to (?:hurt|harm|kill|stab|beat|hit) )(?:a |my |the |our |your |this |that )?(?:\w+ )?(?:${childNouns})\b`),
  re(String.raw` accidents? (?:happen|can happen|will happen) to (?:children|kids|your|little|boys|girls)| (?:ive|i have|weve|we have|been) been watching (?:your|that|this) (?:little )?${child}\b`),
];

// Words that name a safeguarding matter outright: urgent in a report, not in news of a talk,
// a lesson, a policy or an awareness evening.
const topic = re(String.raw` (?:suicid\w*|self ?harm\w*|overdos\w*|noose|(?:child|sexual|physical|emotional|domestic) abuse|rape|raped|raping|molest\w*|sexually (?:assault|abus|touch)\w*|sexual assault|fgm|paedo\w*|pedo|pedos|pedophile\w*|indecent\w*|nudes?|sexting|sextort\w*|(?<!dog |dogs |pet |well |horse |cat |poodle |self |hair |fur |good )groom(?:ed|ing|er|ers|s)?|county lines|cuckoo\w*|drug (?:runner|running|mule|dealer\w*)|exploit(?:ed|ing|ation)|trafficked|trafficking|social services|childline|nspcc|child protection)\b`);
const aboutTheTopic = / (?:(?:a|the|an|their|our) (?:\w+ )?(?:talk|workshop|assembly|presentation|session|course|lesson|training|leaflet|documentary|article|programme|film|book|module|policy|poster)s?|awareness|prevention|training|workshops?|informative|documentary|policy|policies|news|bbc|itv|podcast|webinar|dbs|volunteers?|week|month|day|charity|fundraiser|fundraising|campaign|story ?line|drama|soap|series|episode|netflix|hoax|fake)\b/;

/** A child talking of ending their life or hurting themself. */
const selfHarmPatterns: RegExp[] = [
  re(String.raw` (?:khudkushi|marna chaht\w*|mar jana chaht\w*|mar jaun\w*|jaan de\w*)`),
  re(String.raw` (?:wants?|wanted|wanting|wish|wishes|wished|would like|going) (?:to |(?:he|she|i|they) )?(?:die\b(?! (?:his|her|my|their|your) hair| of (?:embarrassment|boredom|laughing|shame))|be dead|(?:was|were) dead|(?:was|were) gone|disappear (?:forever|for good|and never))`),
  re(String.raw` (?:kill|killing|killed|kills|hang|hanging|hanged|hangs|starving|starves|starved|burning|burns|cutting|cuts|hurting|hurts|harming|harms|harmed|scratching|scratches|punching|hitting|poisoning|drowning) ${self}\b`),
  re(String.raw` (?:how to|ways to|want to|wants to|wanted to|going to|will|would|might|may|could|try to|tries to|trying to|tried to|threaten\w* to|plans? to|planning to|about to|told \w+ to|telling \w+ to|telling \w+ how to) (?:\w+ )?(?:harm|kill|hurt|cut|starve|hang|burn|drown|poison|strangle|end) ${self}\b`),
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
  re(String.raw` (?:nothing|no reason|no point) (?:left )?to live for\b| (?:nobody|no one|noone) would (?:\w+ )?(?:miss|care about|notice) (?:me|him|her|if)\b| (?:wouldnt|would not|wont) (?:\w+ )?miss (?:me|him|her) if| (?:sleep|go to sleep|go away|disappear) (?:forever|for ever|and never come back)\b| (?:doesnt|dont|does not|do not) deserve (?:to live|to be alive|to be here|to eat|food|to exist)\b| (?:talking|talks|talked|thinking|thinks|writing|writes|wrote|drawing|draws|obsessed) about (?:dying|death|being dead|killing ${self}|ending (?:it|things|his life|her life))\b`),
  re(String.raw` (?:stopped|stopping|not|isnt|refuses|refusing|refused|barely|wont|hardly) (?:\w+ )?eating\b(?= (?:\w+ ){0,8}(?:weight|faint\w*|collaps\w*|skin and bone|deserve|fat|body|hiding food|sick|thin|bones))| (?:starving|starves|starved) ${self}| (?:throwing|throws|threw|being|makes ${self}) (?:up|sick) after (?:every )?(?:meals?|eating|food|dinner|lunch)\b`),
];
// "He says he wants to die because I took his Xbox 🙄": a parent telling of drama, not a disclosure.
const dramatic = / (?:dramatic|drama queen|drama king|so much drama|joking|kidding|apparently|rather die than|would rather die)\b/;
const worried = / (?:worried|worry|worrying|concerned|scared|frightened|terrified|serious|seriously|please help|help me|what do i do|what should i do|urgent)\b/;

// Threats: menace aimed at a child. A child addressed ("your son", "that boy", "her girl" to a
// parent) plus a harm in the future tense, a stock menace phrase, or a hint of watching them.
const aimed = re(String.raw` (?:(?:your|that|this|those|these) (?:little |precious |darling |lovely |youngest |eldest |oldest |baby |two |three )?(?:${childNouns}|lot|rat|runt|toerag|scrote|scumbag|madam|missy)\b|\w+ of yours\b|(?:your|that|this) (?:little )?(?:${childNouns})_s days\b|(?:mum|dad|mother|father|parents?|mams?)(?: \w+){0,3} (?:her|his|their) (?:little )?(?:${childNouns})\b|(?:your|that|this) (?:little )?(?:${childNouns})_s (?:face|nose|legs?|arms?|head|neck|teeth|jaw|fingers?|life)\b|(?:hes|shes|he is|she is) (?:only )?(?:[1-9]|1[0-5])\b(?! (?:am|pm|oclock|minutes|mins)))`);
const harmFuture = re(String.raw` (?:will|ill|shall|would|going to|is getting|are getting|gets|get|getting|better|or|if|wont|will not|about to|next time|want to|wants to|gonna|should|might|do|could|i|im)(?: \w+){0,3} (?:hurt|harm|kill|murder|stab\w*|shoot|batter\w*|beat(?:en)? (?:up|him|her|them)|beat\b|beating|smash|smack\w*|slap\w*|punch\w*|kick\w*|drown\w*|strangl\w*|throttl\w*|chok\w*|break|snap|burn|cut|sort|deal with|regret|pay|suffer|be sorry|knife|knifed|shank\w*|bury|finish|get what|sorted|dealt with|hospital|hurt\w*)\b(?! (?:me|us|it|the (?:game|race|test|competition|record))\b)`);
const strongMenace = re(String.raw` (?:dead (?:man|meat|boy|girl)|(?:is|are) next\b|whats? (?:is )?coming to|gets? whats? coming|something (?:bad )?(?:happen\w*|happened)|a shame if|see what happens|watch what happens|(?:watch|mind) (?:your|his|her|their) back|watch (?:him|her|them|your)sel\w*|sleep with one eye open|if i (?:was|were) you|bad day|end up in (?:hospital|a box|a and e|a wheelchair)|in (?:hospital|a wheelchair|a box) (?:by|if|when|next)|a kicking|a beating|a hiding|(?:head|face|teeth) (?:kicked|smashed|punched|bashed) in|waiting for (?:him|her|them)|(?:ill|i will|we will|im|well) be (?:at|outside|by|waiting)(?: \w+){0,3} (?:gates?|school|bus stop|park|class)\b(?: \w+){0,4} for|been watching|make sure of it|make (?:him|her|them) pay|teach${gap(4)} lesson|learn the hard way|learn (?:his|her|their) lesson|sort (?:your \w+|that \w+|this \w+) out|deal with (?:him|her|them)(?: myself| ourselves)?\b|(?:wont|will not|not|never) (?:be )?(?:safe|so brave|so tough)\b|(?:wont|will not|not|never) (?:make it|walk away|get away|feels? safe)|how (?:brave|tough|hard|safe) (?:he|she|they) (?:feels?|is|are)|gets it(?= \.| $)|(?:get|getting|gets|got) (?:done in|jumped|done over|shanked|stabbed|sliced|merked|bodied)|days are numbered|(?:when|once|if|till|until) (?:i|we|my \w+) (?:get|gets|catch|find|see|get hold of|gets hold of|catch up with) (?:hold of )?(?:him|her|them)\b|(?:coming|come|came) (?:for|after) (?:him|her|them|your)\b|enjoys? (?:\w+ )?(?:walking|the walk|walk) home|walking home alone|anything (?:could|can|might|will) happen|(?:nobody|no one|noones|nobodys)(?: \w+){0,2} (?:around|there|about) to (?:protect|help|save|look after)|(?:going|go|end up|ends up) in the (?:canal|river|ground|ditch|bin|hospital)|well see how (?:clever|brave|tough|hard|smart|funny|cocky)|watch it\b(?! (?:on|at|tonight|later|with|together|again))|going to (?:get hurt|regret)|will regret|regret it|accidents? (?:happen|can happen)|keep (?:him|her|them|your \w+) (?:\w+ )?(?:indoors|inside|at home|in the house|off the streets|away from (?:the )?(?:park|school|gates))|(?:cousins|brothers|boys|lads|mates|friends) (?:will|to|are going to|going to) (?:sort|deal|get|find|visit|pay)|(?:break|smash|snap) (?:his|her) (?:legs?|arms?|neck|face|head|nose|teeth|jaw|fingers))\b`);
const weakMenace = / (?:(?:i|we) know (?:where|which|what)|ive seen where|weve seen where|seen where (?:he|she|they)|just saying|think about that|(?:should|better) (?:be careful|watch)|what time (?:you|your|they|he|she) (?:pick|finish|leave|walk|get)|know (?:\w+ ){0,2}(?:lives|walks|plays)\b)/g;
// A request or a kindness after "I know which class your daughter is in": an errand, not a threat.
const friendly = / (?:can|could|would|will) (?:he|she|they|you|your \w+) (?:please )?(?:give|bring|pass|take|borrow|have|come|hand|drop)| (?:invite|invitation|party|playdate|lift|lunchbox|birthday|thanks|thank you|welcome|pass on)\b/;
// Hyperbole a parent says of their own child: "I'll kill him if he loses another jumper lol".
const jokey = /\b(?:lol|lmao|haha\w*|jk|rofl)\b|[😂🤣😆😅🙄😜😉]/u;
const hyperbolicHarm = / (?:kill|murder|strangle|throttle)\b/;
// Someone too drunk or high to look after the children with them.
const impaired = / (?:too drunk|so drunk|really drunk|blind drunk|drunk (?:driving|driver|dad|mum|parent|again|behind|in charge|at (?:the )?(?:gate|gates|pickup|pick up|school))|(?:was|is|were|are|been|got|getting) drunk\b(?= (?:\w+ ){0,8}(?:kids|children|baby|toddler|car|drive|drove|driving|pickup|pick up))|passed out|off (?:his|her|their) (?:face|head|heads|faces)|on drugs|high on|stoned|out of (?:it|his face|her face)|drink driving|over the limit|under the influence|smel\w* (?:of|like) (?:alcohol|booze|drink|weed|cannabis)|stank of (?:alcohol|booze|weed)|swerving|paralytic|comatose)\b/;
// Neglect: two signs of a child not cared for.
const neglectSigns: RegExp[] = [
  / same (?:dirty |smelly |old )?clothes\b/,
  / (?:stinks|smells|smelly|filthy|dirty|unwashed|grubby|nits|lice|wet nappy)\b/,
  / (?:steals|stealing|stole|takes|taking|begs for|begging for|asks for|asking for|scavenging|hoards|hoarding) (?:\w+ ){0,3}(?:food|lunch|snacks|lunchboxes|sandwich\w*)\b/,
  / (?:always|constantly|so|really|desperately) (?:hungry|starving|thin|tired|cold)\b/,
  / no (?:coat|shoes|socks|lunch|breakfast|food|dinner)\b| (?:never|not|isnt|hasnt been) (?:fed|washed|bathed|collected|picked up)\b| forgot (?:again|to feed)/,
  / (?:mum|mummy|dad|daddy|parents|nobody|no one)(?: \w+){0,2} (?:forgot|forgets|never|doesnt|didnt)(?: \w+){0,2} (?:again|feed|fed|pick|collect|wash)\b/,
];
const impairedSlang = / (?:hammered|wasted|steaming|legless|plastered|sloshed|pissed|trollied|off (?:his|her|their) nut|stoned|high|drunk|tipsy|smelled of drink|reeked of \w+)\b/;
const inCharge = / (?:car|cars|drive|drove|driving|driven|pick ?up|picking up|picked up|collect\w*|in charge|looking after|babysitting|on (?:his|her) own with)\b/;
const children = re(String.raw` (?:${child}|${young})\b`);

// A missing child: one strong sign, or two of the weaker ones together.
const missingPatterns: RegExp[] = [
  re(String.raw` (?:${child}|he|she|hes|shes|\d+ year old) (?:is|has gone|has been|had gone|went|gone|was|been|are|have gone|reported|still) missing\b(?! (?:his|her|their|school|lessons?|a|an|the|out|anything|you|my|our|some|classes|class|lunch|breakfast|swimming|football|training|practice|(?:\w+ )?(?:kit|book|bottle|jumper|coat|shoe|shoes|hat|bag|homework))\b)`),
  re(String.raw` missing (?:\. )?(?:a |an |our |my )?(?:\d+ year old )?(?:child|boy|girl|pupil|kid|teenager|teen|toddler|son|daughter)\b(?! post| poster| alert| scam| hoax)| missing \. \d+ year old\b| (?:\d+ year old|${child}|he|she) missing since\b`),
  re(String.raw` (?:${child}|he|she|hes|shes|they|\d+ year old) (?:\w+ )?(?:hasnt|has not|didnt|did not|not|havent|have not|never|still not|still hasnt|isnt|wasnt) (?:come|came|got|arrived|returned|been|made it|turned up|shown up|showed up) (?:back )?(?:home|back)\b| (?:never|didnt|did not|hasnt|has not) (?:arrived|made it|turned up|showed up|shown up|showed|show up|get off (?:the )?(?:\w+ )?(?:bus|train|coach)|got off (?:the )?(?:\w+ )?(?:bus|train|coach))\b(?! (?:yet )?(?:for|to) (?:his|her|the) (?:lesson|class|appointment|shift|practice|training|match))`),
  re(String.raw` (?:nobody|no one|noone|we|i|school|staff|teachers?|police) (?:can|could|cant|cannot|couldnt|still cant|have not|havent|has not|hasnt) (?:find|found|locate|trace) (?:him|her|them)\b`),
  re(String.raw` (?:last seen|wandered off|runaway)\b| (?:ran|run|running|runs|has run|bhaag) away from (?:home|school|care)\b| bhaag gay\w*| (?:ghar|gher) (?:nahi|nahin|nai|nhi) (?:aay\w*|aaya|aayi|aai|pahunch\w*|lauta|lauti|aya|ayi)\b| lapata\b| gum ho gay\w*`),
  re(String.raw` (?:cant|can not|cannot|couldnt|could not|still cant) find (?:(?:our|my|the|her|his|their) (?:little |youngest |eldest )?(?:son|daughter|boy|girl|child|kid|baby|toddler|\d+ year old)\b(?! \w+ (?:coat|bag|shoes|kit|book|phone|jumper|bottle))|(?:him|her)(?= (?:\.|anywhere|and|since|at|in|its|it is)\b| $))`),
  re(String.raw` lost (?:my|our) (?:little )?(?:son|daughter|boy|girl|child|kid|baby|toddler)\b(?! \w+ (?:coat|bag|shoes|kit|book|phone|jumper|bottle))`),
  re(String.raw` (?:nobody|no one|noone) (?:has |have )?(?:seen|knows where|heard from) (?:him|her|them|he|she)\b| (?:he|she|they|${child}) (?:hasnt|has not|not|havent|have not) been seen\b| (?:doesnt|dont|does not|do not|didnt|did not|nobody|no one) knows? where (?:he|she|they|the \w+|my \w+) (?:is|are|went|has gone|have gone|was)\b`),
  re(String.raw` (?:been gone|gone missing|been missing|vanished|disappeared|ran off|run off|not been seen|not seen (?:him|her|them)|not heard from (?:him|her|them)) since\b| (?:${child}|he|she|${young}) (?:has |have |had |just )?(?:disappeared|vanished|slipped out|got out|escaped|been taken|was taken|got taken|been snatched|was snatched)\b(?! (?:into|to (?:his|her|their) room|upstairs|off to|with (?:his|her) (?:book|phone|tablet|ipad)))`),
  re(String.raw` (?:any(?:one|body)|some(?:one|body)|you|u) (?:\w+ )?seen (?:a |my |our |this |the |\w+ )?(?:little |young |small )?(?:boy|girl|child|kid|toddler|son|daughter|\d+ year old)\b(?! \w* ?(?:coat|bag|shoes|kit|book|phone|jumper|bottle|hoodie|scooter|bike|hat))| separated from (?:us|me|his|her|their|the group|the class)\b`),
];
const missingSigns: RegExp[] = [
  / (?:phones?|mobiles?)(?: \w+){0,3} (?:off|dead|switched off|turned off|going to voicemail|goes to voicemail|straight to voicemail)\b| (?:not|isnt|wont|hasnt been|hes not|shes not) (?:answering|picking up|replying)\b| (?:straight to|goes to|going to) voicemail| phone band\b/,
  / (?:not|isnt|still not|hasnt come|hasnt got|not come|not got|wasnt) (?:home|back)(?: yet)?\b| (?:should|shouldve|should have|should of) (?:\w+ )?(?:been|be) (?:home|back)\b| never (?:made it|got) to\b| wasnt at (?:madrasa|mosque|club|school|brownies|scouts|cubs|guides|practice|training|football|swimming|after school)\b(?! (?:\w+ ){0,4}(?:ill|sick|poorly|unwell|dentist|doctor|appointment|off))/,
  / (?:its|it is|gone|past|after|since) (?:\d{1,2}(?: ?pm)?|midnight|dark|getting dark|late)\b| (?:getting|its|it is) dark\b| all night\b| overnight\b| since (?:last night|yesterday|this morning|lunch|breakfast|school|friday|saturday|sunday|monday|tuesday|wednesday|thursday)\b/,
  / (?:frantic|worried sick|terrified|petrified|beside (?:my|our)sel\w*|panicking|desperate|please share|please help|please look out|look out for (?:him|her|my|our)|share (?:this|please))\b/,
  / (?:not|wasnt|isnt) with (?:\w+ )?(?:friends|mates|his dad|her dad|his mum|her mum)\b| (?:friends|mates) (?:dont|do not|didnt) know where| checked (?:with )?(?:all )?(?:his|her|their) (?:friends|mates)| no sign of (?:him|her|them)\b/,
  / (?:hasnt|has not|havent|have not|still hasnt|still not|never|didnt|did not) (?:come|came|got|been|gone) (?:back|home)\b| (?:an? |two |three |four |\d+ |few |several )?(?:hours?|hrs?) ago\b| (?:not like (?:him|her|them)|out of character)\b| (?:was|is|were) (?:meant|supposed|due) to (?:be|go|arrive)\b/,
  / bed (?:wasnt|was not|hasnt been|not|had not been|hadnt been) slept in\b| (?:his|her) bed (?:is |was )?empty\b/,
  / (?:looked|searched|been|driving|driven) (?:\w+ )?(?:everywhere|around looking|all over)\b| police\b/,
  / (?:wandered|walked|ran|slipped|got|went) (?:out|away|off) (?:of|from) (?:the )?(?:playground|school|gates?|garden|house|park|nursery|shop|centre|fair|class|home)\b/,
  / (?:ran|run|running|runs) (?:off|away)\b| (?:went|gone|walked|wandered) off\b| (?:cant|cannot|can not|couldnt|could not) (?:get hold of|reach|contact|get through to|get in touch with) (?:him|her|them|my \w+|our \w+)\b| (?:has )?any(?:one|body) seen (?!(?:a|my|the|our|this|his|her) (?:\w+ )?(?:coat|bag|shoes|kit|book|phone|jumper|bottle|hoodie|scooter|bike|hat|glove|lunchbox|cat|dog)\b)\w+/,
];
// The child turned up, or it was a joke, a post to ignore, or news: not a child missing now.
const resolved = / (?:found (?:him|her|them)|(?:he|she|they) (?:was|were) (?:hiding|asleep|under the|behind the|at (?:a|her|his) friends)|(?:he|she|they) (?:turned up|came home|was fine|were fine)|all (?:fine|ok|okay|good|sorted) now|panic over|false alarm|safe and well|home safe|safe now|hoax|fake|scam|not true|chain (?:message|letter)|for (?:a |two |five |ten |\d+ )?(?:few )?(?:minutes|mins|seconds))\b/;
/** Weapons near children (unless the talk is of a costume, a game, a lesson or the news). */
const weaponPatterns: RegExp[] = [
  re(String.raw` (?:brought|bring|bringing|brings|carry|carrying|carries|carried|has|had|got|hiding|hidden|hid|hides|wave|waving|waved|pulled|pulling|pointed|pointing|showed|showing|shown|found|threatened|threatening|flashed|flashing|posing|posed|keeps|kept|holding|held|selling|sold|buying|bought)((?: (?!toy\b|plastic\b|fake\b|nerf\b|water\b|butter\b|bloody\b|play\b|pretend\b|foam\b|cardboard\b|glue\b)\w+){0,4}) ${weapon}(?! and fork| for (?:the )?(?:pumpkin|carving|cooking|baking|cake|costume|play))`),
  re(String.raw` (?:man|men|boy|boys|lad|lads|kid|kids|someone|somebody|teenagers?|teens?|girl|girls|person|guy|guys|bloke|gang|year \d+s?) (?:\w+ )?(?:with|had|has|carrying|holding) (?:a |an |two |some )?(?:\w+ )?${weapon}`),
  re(String.raw` (?:going to|will|wants? to|to|would|gonna|threatened to|threatening to|threatens to) (?:\w+ )?(?:stab|shoot)\b(?! (?:up )?(?:some|a|the) (?:hoops|photos?|video|film|goal|ball|breeze))| shoot (?:up )?(?:the |our |a )?school\b| (?:stabbed|shot|knifed)(?: \w+){0,3} (?:near|outside|by|at|on the way (?:to|from)) (?:the |our |a )?(?:school|gates?|park|bus stop|playground|field)`),
];
// A weapon in talk of a costume, a game, a lesson or the news is not a weapon near a child.
const weaponAtHand = re(String.raw`${weapon}| (?:stabbed|stabbing|knifed|shot at|shooting at|got shot|been shot|was shot)\b`);
const weaponPeople = re(String.raw` (?:${childNouns}|he|she|they|him|her|someone|somebody|man|men|lad|lads|teens?|bloke|guy|guys|person|gang)\b`);
const weaponPlaces = / (?:school|gates?|bus stop|bus|park|field|playground|class|classroom|bag|blazer|pocket|locker|toilets?|snapchat|story|tiktok|corridor|lunch|break|walk home|way home|estate|alley)\b/;
const notReal = / (?:toy|fake|plastic|nerf|water|foam|pretend|costume|halloween|world book day|fancy dress|film|movie|game|games|fortnite|call of duty|minecraft|roblox|macbeth|panto|pantomime|news|bbc|talk|workshop|assembly|awareness|lesson|cookery|cooking|baking|kitchen|pumpkin|carving|dinner|picnic|cutlery|crime|museum|history|vikings?|knights?|pirates?|zombie costume|sharpener|scouts?|cubs|beavers|camp|camping|penknife|pen knife|whittl\w*)\b/;
// Grooming: an adult or someone online offering a child something, for something.
const reward = / (?:buys (?:him|her|them)|bought (?:him|her|them)|buying (?:him|her|them)|money|cash|robux|v ?bucks|vbucks|gift ?cards?|gifts?|presents?|sweets|vapes?|weed|drugs|alcohol|booze|cigarettes|fags|new phone|a phone|trainers|free food|free stuff|lifts?|credit|top ?ups?|£\d+|\d+ quid|paying|pays|paid|pay|offering|offered|bribe\w*)\b/;
const ask = / (?:pics?|pictures?|photos?|videos?|selfies?|snaps?|video ?chat\w*|facetime|cam|webcam|meet|meeting|meet up|come (?:to|round|over|back)|(?:his|her|their) (?:flat|house|place|car|van)|get in|keep (?:it |this )?(?:a )?secret|not (?:to )?tell|in private|alone|carry|carrying|deliver\w*|drop off|hold (?:stuff|things|it|packages|bags)|packages|parcels|bags|errands|sit in|disappear\w*|going missing|goes missing|stays? out|staying out|out (?:all night|late|till)|at night|late at night|(?:wont|doesnt|will not|does not) say (?:where|who)|cant explain|secret|secretly|filming|films)\b/;
const actor = re(String.raw`${stranger}| ${online}\b| (?:older|grown|adult|tutor|coach|instructor|driver|teacher|leader|\d\d year old)\b`);
// "The man at the corner shop gives the kids free sweets at Halloween, so kind": thanks, not grooming.
const kindness = / (?:so kind|kind of (?:him|her|them)|lovely|bless (?:him|her)|thanks?|thank you|generous|so nice|nice of|sweet of|halloween|christmas|santa|easter|raffle|tombola|prizes?|for (?:the|his|her) birthday)\b/;
/** An adult, or someone online, courting children: meant as a kindness it is not urgent. */
const courtingPatterns: RegExp[] = [
  re(String.raw` ${stranger}${gap(8)} (?:offer\w*|giv(?:es|ing|en)|gave|buy(?:s|ing)|bought|messag\w*|dm\w*|asking|asked|asks|chatting|texting|talking to|follow\w*|photograph\w*|taking (?:photos|pictures|pics|videos) of|filming|films|watching|watches|approach\w*|grabb\w*|touch\w*|waiting for|waiting (?:outside|near|by|around)|hanging (?:about|around) (?:outside|near|by)|lurking (?:outside|near|by|around)|parked (?:outside|near|by)|hanging around|loitering (?:near|around|by)|lur\w*|pick\w* up|picked up|picking up|expos\w*|stalk\w*|sen(?:d|ds|t|ding))${gap(3)} (?:the |my |a |our |two |three |some |young |little |small |school |year \d+ |\d+ year old )*(?:${child}|\d+ year old)\b`),
  re(String.raw` ${stranger}${gap(8)} (?:offer\w*|giv(?:es|ing|en)|gave|buy(?:s|ing)|bought|sen(?:d|ds|t|ding)) (?:him|her|them) (?:\w+ ){0,2}(?:lifts?|rides?|sweets|money|cash|gifts?|presents?|vapes?|alcohol|drugs|weed|phones?|a phone|cigarettes)\b`),
];
const childOrPronoun = re(String.raw` (?:${child}|him|her|them|he|she|his|hes|shes)\b`);

export function looksUrgent(texts: Array<string | undefined>): boolean {
  const raw = texts.filter(Boolean).join('\n').slice(0, 20_000).toLowerCase();
  const text = urgentWords(texts);
  if (urgentPatterns.some((pattern) => pattern.test(text))) return true;
  const joking = jokey.test(raw);
  if (selfHarmPatterns.some((pattern) => pattern.test(text)) && (!(joking || dramatic.test(text)) || worried.test(text))) return true;
  if (topic.test(text) && !aboutTheTopic.test(text)) return true;
  if (impaired.test(text) && children.test(text)) return true;
  if (impairedSlang.test(text) && children.test(text) && inCharge.test(text)) return true;
  if (neglectSigns.filter((sign) => sign.test(text)).length >= 2 && childOrPronoun.test(text)) return true;
  // A weapon among children: a weapon, someone or somewhere it is at, and no costume, game or lesson.
  if (!notReal.test(text)) {
    if (weaponPatterns.some((pattern) => pattern.test(text))) return true;
    if (weaponAtHand.test(text) && (weaponPeople.test(text) || weaponPlaces.test(text))) return true;
  }
  // Grooming: someone offering a child a reward for pictures, a meeting, a secret or an errand.
  if (!kindness.test(text)) {
    if (courtingPatterns.some((pattern) => pattern.test(text))) return true;
    if (reward.test(text) && ask.test(text) && actor.test(text) && childOrPronoun.test(text)) return true;
  }
  // A missing child, unless the text says they turned up or the post is a hoax.
  const turnedUp = resolved.test(text) || joking;
  if (!turnedUp && missingPatterns.some((pattern) => pattern.test(text))) return true;
  const missing = missingSigns.filter((sign) => sign.test(text)).length;
  if (missing >= 2 && childOrPronoun.test(text) && !turnedUp) return true;
  // Threats aimed at a child.
  const weak = text.match(weakMenace)?.length ?? 0;
  const aimedAtChild = aimed.test(text);
  if (aimedAtChild && harmFuture.test(text) && !(joking && hyperbolicHarm.test(text))) return true;
  if (strongMenace.test(text) && (aimedAtChild || weak > 0)) return true;
  return aimedAtChild && weak > 0 && !friendly.test(text);
}
