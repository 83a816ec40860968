/**
 * The words the private nudges read a group message with (see nudge-score.ts): who a message is
 * about, what it says of them, and whether it airs bullying or asks how to take it to the school.
 * Each list is alternatives of a regular expression, matched as whole words on the message in lower
 * case, apostrophes dropped, anything but letters and digits as one space ("cant", "shes", "5m").
 * A concept found is one more word for the score, and the pairs of concepts (someone named and a
 * judgement of them) are what it learns from most.
 */

// Alternatives a line each, or " | " between them; a "|" without spaces is inside a group.
const list = (words: string) => words.trim().split(/\s*\n\s*|\s+\|\s+/).filter(Boolean).join('|');

/** Someone on the staff: a title, or a role ("the TA", "the dinner lady"). */
export const STAFF = list(`
  mr | mrs | ms | miss | sir | mx
  teachers? | class teacher | teaching assistant | ta | tas | supply( teacher)?
  head( teacher)? | headteacher | headmistress | headmaster | deputy( head)? | senco | dsl
  dinner ladys? | dinner ladies | lunchtime supervisors? | lunch lady | coach | office lady | receptionist
  ustad | ustadh | ustadha | ustaani | ustani | madam
`);

/** A parent, named or described ("Zara's mum", "the dad in the white Range Rover", "some mums"). */
export const PARENT = list(`
  mums? | moms? | mummy | dads? | parents? | mothers? | fathers? | wife | husband | baji | ammi | abbu
  family | families | aunty | auntie | bhai | bhabhi | some of you | you lot
`);

/** A child, in the words for one ("the boy with the red bag", "that kid", "some lad"). */
export const ONE_CHILD = list(`
  boy | girl | kid | child | lad | bacha | bachi | larka | larki | little one
`);

/** Children, in the words for several ("the girls in 6R", "kids in Year 4"). */
export const CHILDREN = list(`
  boys | girls | kids | children | lads | bache | larke | larkiyan
`);

/** A class or year group as parents write it: "Year 5", "yr 3", "5T", "Reception", "4B". */
export const CLASS = list(`
  (year|yr|y) ?\\d+[a-z]? | \\d[a-z] | reception | nursery | \\d(st|nd|rd|th) year | class \\d+[a-z]?
`);

/** Who a "that/the/some …" describes without naming: the words that point at one person or a few. */
export const POINTING = list(`
  that | this | the | some | certain | whichever | whoever | whoevers | one of the | a certain | woh | yeh | ye
`);

/** The writer's own children: what happens to them is the writer's to tell, a judgement of them is not a grievance. */
export const OWN_CHILD = list(`
  my (little |eldest |youngest |middle |baby |twin )?(son|daughter|boy|girl|child|kid|kids|twins|lad|one|sons|daughters|boys|girls)
  my \\d+ (year|yr) old | mine | (mer|hamar)(a|i|e|ay|ey) (beta|bete|betay|beti|betiyan|bacha|bache|bachay|bachi|larka|larki|bachon)
`);

/**
 * A judgement of a person: what they are, what they do wrong, how the writer feels about them.
 * Many also judge things ("the traffic was awful"); the score learns them as a judgement of
 * someone only beside someone named or described.
 */
export const JUDGEMENT = list(`
  rude | rudest | rudely | rudeness | useless | incompetent | incompetence | incapable | inept | lazy | laziness
  feral | menace | nightmare | brats? | liars? | lying | thief | thieves | thugs? | clueless | disgusting | disgusted
  disgrace(ful)? | pathetic | vile | nasty | spoilt | spoiled | manipulative | two faced | hypocrite | hypocritical
  selfish | arrogant | smug | patronising | patronizing | condescending | cliques? | cliquey | control freak | nos(e)?y | nosiest
  fake | cheat(s|ing)? | sly | coward | jobsworth | unprofessional | idiots? | moron | clown | waste of (space|a) | hopeless
  dinosaur | little madam | horrible | horrid | meanest | so mean | mean to | being mean | evil | cruel | heartless
  bad egg | bad lot | bad influence | piece of work | drama queen | power trip | power mad | vindictive | spiteful | vicious
  favourites | favouritism | favours | shameless | shameful | freeloader | snob(by)? | stuck up | entitled | bossy | pushy
  obnoxious | annoying | irritating | unbearable | insufferable | ignorant | stupid | thick | weird | creepy | dodgy
  gossip(s|ing|y)? | bitchy | catty | snide | two timing | aggressive | violent | unhinged | psycho | bully | bullies
  shocking | terrible | awful | appalling | atrocious | dreadful | worst | sarcasm | sarcastic | humiliat(e|ed|es|ing)
  out of control | troublemaker | trouble maker | nothing but trouble | ashamed | embarrassing (himself|herself|themselves)
  shambles | disaster | joke of a | is a joke | a bit of a joke | absolute joke | what a joke | rubbish (teacher|at)
  talks down | looks down on | people skills | no (patience|manners|respect|empathy|control|clue|idea|shame|business)
  zero (patience|empathy|respect|manners|control|warmth|effort) | doesnt know what | dont know what | no idea what
  out of (his|her|their) depth | cant (be bothered|organise|spell|teach|manage|control|handle|cope|even) | can barely
  doesnt care | dont care | couldnt care less | never (replies|answers|listens|bothers|says) | ignores | ignored us
  shouldnt (be|work|teach) | should(nt)? never (have|be) | not fit to | unfit | no business | needs to (retire|go|stop|learn|grow|get)
  should be (sacked|ashamed|fired|embarrassed) | get rid of | sacked | has it in for | had it in for | picks on | singles? out
  shout(s|ed|ing)? at | scream(s|ed|ing)? at | scream(s|ed|ing)? in | yell(s|ed|ing)? at | snap(s|ped)? at | tutt(ed|ing)
  temper | fuming | livid | furious | sick of (her|him|them) | fed up (of|with) (her|him|them) | had enough of | cant stand
  get away with | gets away with | plays the victim | butter wouldnt melt | takes after | like mother like | typical of
  what kind of (parent|parenting|mother|father) | bad parenting | your kids? (is|are) | you know who you are
  mind your own | grow up | get over yourself | get a (life|grip) | sort (him|her|them|it) out | needs sorting | needs a (proper|good)
  keep (your|ur) (kids|child|children|little ones|son|daughter) away | stay away from | steer clear | think twice | wouldnt let
  think (s?he|they) (is|are|run|runs|own|owns) | thinks (s?he|they) | slagging | blamed | no wonder | ridiculous | pointless
  clearly (doesnt|dont|cant|has no|hasnt) | swears at | full of (herself|himself|themselves) | wild | rough with | so rough
  cold (with|towards) | so cold | never smiles | attitude | late again
  hasnt got a clue | havent got a clue | not a clue | for nothing | roll(s|ed|ing)? (her|his|their) eyes | cop out
  cant believe (s?he|they|xperson|mr|mrs|miss|ms) | the way (s?he|they) (spoke|speaks|talks|talked|treats|treated|handled|shouted)
  the most \\w+ (teacher|parent|mum|dad|child|kid|person|woman|man|girl|boy) | ive ever (met|come across|seen|known)
  disorganised | disorganized | moody | ruin(s|ed|ing)? | miserable | proud of (themselves|yourself|yourselves)
  have a word with yourself | classy | ringleader | stirrer | stirring | sneaky | showing off | show off | as usual
  every single time | yet again | once again | get it together | sort (it|yourself|yourselves) out | do (her|his|their) job
  not doing (her|his|their) job | youre not | you re not | who does (s?he|they) think | who do you think | whats wrong with
  needs a (talking to|telling off) | spoke to me like | talked to me like | treats? (us|the kids|kids|my \\w+|parents|everyone) like
  like dirt | like rubbish | like idiots | blank(ed|ing) | glar(e|es|ed|ing) | star(es|ed|ing) at | bark(s|ed|ing)? at | snarky | snotty
  petty | jealous | judgemental | judging | interfering | meddling | busybody | know it all | attention seeking | loudmouth | gobby
  badly behaved | bad behaviour | no discipline | no boundaries | let (him|her|them) do whatever | run(s|ning)? riot | out of hand
  let (us|them|the kids|my \\w+) down | fail(ed|ing) (my|our|the kids|the children) | disgraceful | outrageous | scandalous
  not good enough | unfair | how hard is it | never seems | try parenting | blaming | blames everyone | teachers pet
  disruptive | disrupts | wrecking | wrecks | bad apple | sore loser | bossing | filthy mouth | foul mouth | (hes|shes|is|are) trouble
  steals | spits | (hes|shes|theyre|is|are) a bad | copy and paste | (her|his|their) phone (half|all|the whole) | only likes | plays favourites
  cringe | real mature | so mature | very mature | unreal | nobody asked | no one asked | make it make sense | funny that | some role model
  vendetta | deserve(s)? better | getting old | in (her|his|their) place | look at your own | proud of your | the audacity | the cheek
  says it all | speaks volumes | not a good look | embarrassment | embarrassing | shame on | poor kid | poor child | i feel sorry for (his|her|their)
  badtameez(i)? | batameez | had hoti | sharam aani | ajeeb | bekaar | faltu | tameez nahi | burai | shararti | gussa | bura | buri | ganda | gande | gaali | gaaliyan
  chilla(ti|ta|te) | jhoot(a|i)? | chor | nikamm(a|i) | pagal | besharam | sharam nahi | kuch nahi (parhata|parhati|sikhaya|karti|karta)
  samajh nahi | sudharte | bigra | bigri | zaleel | parwah nahi | be ?parwah | jawab nahi | kaam k(a|e|i) nahi | harkat(ein|en)? | bina wajah | na ?insafi | doosron ki (baatein|burai)
`);

/** Bullying told as it happens to a child: being hurt, threatened, robbed, mocked, shut out. */
export const BULLYING = list(`
  bullied | bullying | bully | bullies | picked on | picking on | pick(s)? on | gang(ing|ed)? up | gang of | group of (boys|girls|kids|lads)
  push(ed|ing)? (him|her|them|my|me|over|down|into) | pushed | shov(ed|ing) | punch(ed|es|ing) | hit (him|her|them|my|me) | hits | hitting
  slap(ped|ping|s) | kick(ed|ing|s) | trip(ped|ping) | bitten | biting | bit (him|her|my) | bite marks | scratch(ed|es|ing) | pinch(ed|ing)
  spat | spit(s|ting)? at | spitting | strangl(ed|ing) | chok(ed|ing) | headlock | held down | pinned | dragged | threw | thrown | ripp(ed|ing)
  stole | stolen | steal(s|ing) | took (his|her|their) | tak(e|es|ing) (his|her|their) | demanding money | money off
  call(s|ed|ing)? (him|her|them|my \\w+) (names|a|an|fat|ugly|stupid) | called names | been called (a|an|names|fat|ugly|stupid) | name calling | names about
  mak(e|es|ing) fun | made fun | mocking | mocked | laugh(s|ed|ing)? at | teas(e|ed|es|ing) | taunt(s|ed|ing)?
  left out | leav(e|es|ing) (him|her|them) out | excluded | excluding | wont let (him|her|them) | cant play with | wont play with | alone at break
  spreading rumours | rumours | lies about | threaten(s|ed|ing)? | threats | intimidat(e|ed|es|ing) | corner(ed|ing) | locked | lock (him|her)
  chas(ed|ing) | followed (him|her) | horrible messages | nasty messages | messages calling | kill (himself|herself|yourself)
  hijab | racist | racism | homophobic | scared to go | terrified | doesnt want to go | wont go in | refuses to go
  cr(y|ies|ying) every | comes? home crying | bruis(e|ed|es) | black eye | split lip | bite | wont leave (him|her) alone
  maar(te|ta|ti|a)? | tang (karte|karti|karta|kar) | tang | chhed(te|ti|a) | mazaa?k | dhamk(i|ate|aya|ati) | dhakka | pareshan
  rula(ya|te) | chee?n (lete|liya|leti) | saath nahi | chidha(ti|te|ta|ya) | cut (off )?(her|his) | hand over | pressured
  shut (him|her) in | shut in | left (him|her) there | thought it was funny | flush(ed|ing) | (throwing|threw|thrown) (stones|things|food)
  knocked (over|down|off|on|out) | stamp(ed|ing) on | demanding | wont let (him|her) sit | nobody will (sit|play) | no one will (sit|play) | fake account | pretending to be
  posting (horrible|nasty|mean) | made a (group|chat|video|tiktok|page) | names shouted | pull(ed|ing|s)? (her|his) hair
`);

/** Children doing something to the writer's child: "by three boys", "older girls", "a boy in 2W". */
export const CHILD_AGENTS = list(`
  by (a|the|two|three|four|some|older|younger|other|these|those|same|year \\d+|\\d[a-z]|xperson|his|her)( \\w+){0,2} (boy|girl|kid|lad|child|children|boys|girls|kids|lads)
  by xperson | (older|bigger|year \\d+|y\\d+|\\d[a-z]) (boys|girls|kids|lads) | a (boy|girl|kid|lad) (in|from|called)
  (some|two|three|a group of|a gang of|the same) (boys|girls|kids|lads|larke|larkiyan|bache)
`);

/** An adult hurting a child: a safeguarding matter for the school's lead at once, not bullying between children. */
export const ADULT_HARM = list(`
  (dad|mum|mom|father|mother|stepdad|stepmum|uncle|parent|parents|man|adult|grown up)s? (hit|hits|hitting|beat|beats|beating|hurt|hurts|kicked|punched|slapped|locks)
  (dad|mum|mom|father|mother|stepdad|stepmum|uncle|man|adult) (has been|keeps) (hitting|beating|hurting)
`);

/** Taking it to the school, or having done so: not airing it in the group. */
export const TO_SCHOOL = list(`
  (emailed|email|emailing|told|tell|telling|spoke to|speak to|speaking to|rang|ring|called|call|phoned|phone|contacted|contact|report(ed)? (it |this )?to|raise(d)? (it |this )?with|let) (the )?(school|office|teacher|class teacher|head|headteacher|dsl|senco|deputy|pastoral|governors)
  looking into it | dealing with it | have reported | reported it | meeting with (the )?(head|teacher|senco|school)
  school know | school knows | let the school know | email the office
`);

/** Asking how to raise something, or telling others how to: what a concern question looks like. */
export const HOW_TO = list(`
  how do (i|you|we) | how can (i|you|we) | how should (i|you|we) | how to | who do (i|you|we) | who should (i|you|we)
  where do (i|you|we) | whats the (best )?(way|process|email) | best way to | is there an? (way|form|process|policy|anonymous)
  any advice | can i report | should i (email|report|tell|speak|ring) | do you need to | kis ko | kisko | kis se
  please remember | for anyone wondering | my advice
`);

/** Telling the group at large, or asking it to act or to name someone. */
export const TO_THE_GROUP = list(`
  anyone else | has anyone | is anyone | is nobody | does anyone know who | whose (child|kid|son|daughter|boy|girl) | which of your
  parents of | mums of | dads of | check (with )?your | talk to your | have a word | heads up | fyi | just so everyone
  posting (this )?here | so everyone knows | so other parents | warning | i want names | keep your | just saying
  kisi aur | kisi aur ke
`);

/**
 * Capitalised words that are not people, beyond the ordinary and school words redaction knows
 * (core/redact-words.ts): brands, places, festivals and the words a message often starts with.
 */
export const NOT_NAMES = new Set(
  `honestly funny whoever whichever shout shoutout posting heads warning respectfully apparently absolutely
  congratulations happy merry welcome reminder lost found anyone someone tbh imo fyi omg lol not yes
  huge massive quick big bit gutted really personally strongly feels feel seems looks interesting sorry
  hope thinking sending get can cheers ta jazakallah shukriya inshallah mashallah ramadan eid mubarak
  chand jummah iftar diwali vaisakhi hanukkah christmas easter halloween shana tova bonfire nativity
  road lane street avenue park close drive way hill high station church mill bus rover audi bmw tesla
  council water thames first red lion parentpay dojo roblox snapchat tiktok instagram youtube facebook
  whatsapp google ipad ipads iphone amazon tesco asda aldi lidl clarks primark beavers brownies scouts
  pokémon pokemon grease british english urdu arabic somali bengali muslim islamic jannah allah god
  ks1 ks2 sats inset pta senco ofsted nhs gp covid monday tuesday wednesday thursday friday saturday
  sunday january february march april may june july august september october november december
  viking vikings roman romans tudor tudors victorian macmillan world book day summer winter spring autumn
  kisi koi kya yeh woh mera meri hum aap bas yaar sab kal aaj bohat bilkul mine ours yours theirs`
    .split(/\s+/)
    .filter(Boolean),
);
