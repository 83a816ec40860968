/**
 * The words !ask's retriever reads parents' questions with: what to drop, text-speak, and parents'
 * words for the policy's own.
 */

// Question words are kept until phrases are matched ("who decides", "what happens if") and only then dropped.
export const STOP = new Set((
  'a an the and or but if then than so as of in on at to for from by with about into onto over after before ' +
  'is are am was were be been being do does did doing done have has had having get got ' +
  'can could should would will shall may might must need ' +
  'i me my mine myself we our ours you your yours he him his she her hers it its they them their theirs ' +
  'this that these those there here what which who whom whose when where why how ' +
  'ok okay allowed allow permitted alright fine please pls thanks thank hi hello hey dear all everyone ' +
  'salaam salam salaams assalamu assalam asalamualaikum assalamualaikum alaikum alaykum walaikum wa ' +
  'jazakallah jazakallahu khair khayr inshallah insha allah mashallah brother brothers sister sisters ' +
  'anyone anybody someone somebody something anything everything nothing know just really very also too ' +
  'not no yes lol lmao haha group groups chat chats grp whatsapp wa app thing things stuff like want one keep keeps kept ' +
  'right wrong im ive id dont cant wont isnt thats whats theres'
).split(' '));
// "sister" is dropped above as a form of address ("Salaam sisters"); as a relative it comes back
// through the phrase table, which runs before stop words: "my sister", "her sister".

// Text-speak seen in parent groups. A Map, not an object literal, so "__proto__" stays harmless.
export const TEXT_SPEAK = new Map<string, string>(Object.entries({
  u: 'you', ur: 'your', r: 'are', plz: 'please', wat: 'what', wot: 'what', wht: 'what', y: 'why',
  '2': 'to', '4': 'for', b4: 'before', abt: 'about', re: 'about', ppl: 'people', pple: 'people',
  msg: 'message', msgs: 'messages', pic: 'photo', pics: 'photos', skool: 'school', skl: 'school',
  sch: 'school', wiv: 'with', wid: 'with', coz: 'because', cos: 'because', bc: 'because', sum1: 'someone',
  some1: 'someone', any1: 'anyone', ne1: 'anyone', pm: 'dm', pms: 'dm', dms: 'dm', inbox: 'dm',
  teachr: 'teacher', tchr: 'teacher', hm: 'headteacher', ht: 'headteacher', slt: 'headteacher',
}));

/**
 * Parents' words → the policy's words. Keys are single words (matched after stemming, so one form
 * covers "bully/bullied/bullies") or phrases (matched on the words as typed, before stop words go).
 */
export const SYNONYMS: ReadonlyArray<readonly [string, string]> = [
  // G6: who may be invited
  ['invite invitation add join include bring admit', 'invited'],
  ['sister brother cousin aunt auntie aunty uncle nan nana nanny gran granny grandma grandad grandpa ' +
    'grandparent grandmother grandfather relative relation family neighbour friend childminder babysitter ' +
    'nephew niece inlaw husband wife spouse partner', 'not directly related responsible'],
  ['my sister|her sister|his sister|my brother|who can join|who can be in|allowed to be in|who is allowed in|' +
    'be in this|be in the|be added|get added|let in', 'invited not directly related'],
  // G2: politics
  ['election elections vote voting voter politics political politician government council councillor mp ' +
    'minister parliament war gaza palestine palestinian israel ukraine russia brexit tory tories labour ' +
    'reform news petition campaign debate protestor', 'political current affairs'],
  ['current events|world events|whats going on in the world|the news', 'political current affairs'],
  // G3: private conversations
  ['dm private privately personally', 'private conversations'],
  ['direct message|private message|private chat|side chat|one to one|1 to 1|back and forth|between us|' +
    'message them directly|message her directly|message him directly|take it offline', 'private conversations'],
  // G4: respect and culture
  // Festival names (Christmas, Eid, Easter) are left out: in a school group they are mostly dates
  // ("term dates after Easter", "Eid party"), not questions about culture.
  ['culture cultural religion religious faith race racist racism ethnic ethnicity halal beliefs belief ' +
    'offend sensitive sensitivity tradition traditions background backgrounds nationality', 'cultural sensitivity respect'],
  ['respect respectful disrespect disrespectful rude polite manners kind kindness courteous', 'respect mutual'],
  // E1: ethos
  ['ethos vision values value mission morals principles islamic islam identity', 'ethos vision values'],
  // E2: posting responsibly
  ['responsible responsibly careful sensible rumour rumours gossip misinformation fake spam meme memes ' +
    'chain forward forwarded forwarding screenshot screenshots photo photos picture pictures video videos ' +
    'image images', 'post responsibly'],
  // E3: working with staff
  ['cooperate collaborate together partnership support team', 'work together staff'],
  ['work with|sort it ourselves|sort things out ourselves|go around the|go behind', 'work together staff'],
  // E4: example, behaviour and speech
  ['example behave behaviour behavior manner tone speech speak talk words', 'behaviour speech examples'],
  ['role model|watch my language|watch our language|how we talk|how to talk|how we speak', 'examples behaviour speech'],
  // E5: peaceful solutions through channels
  ['resolve resolution solve solution fix settle mediate peaceful peacefully calm calmly proper official ' +
    'channel channels procedure procedures process properly', 'peaceful solutions appropriate channels procedures'],
  ['right way|best way|proper way|correct way|sort it out|sort this out|deal with it', 'solutions appropriate channels'],
  // G1: grievances
  ['complain complaint complaining moan moaning vent venting rant ranting whinge whine gripe grievance ' +
    'unhappy criticise criticize criticism slag useless rubbish incompetent', 'air views grievances'],
  ['not happy|fed up with|slag off|slagging off|have a go at', 'air views grievances'],
  // G5: bullying
  ['bully bullying mean nasty cruel horrible harass harassment harassing victimise victimize troll ' +
    'trolling tease teasing torment excluded exclude isolate', 'bullying'],
  ['picking on|picked on|pick on|picks on|ganging up|ganged up|gang up|leaving out|left out', 'bullying'],
  // I1 and I5: abusive or personal comments
  ['abuse abused abusive insult insults insulting personal idiot stupid names attack attacks', 'abusive personal comments'],
  ['called him|called her|called me|called them|name calling|calling names|what i really think', 'abusive personal comments'],
  // I2: anger and language
  ['swear swore sworn swearing curse cursing cuss cussing profanity profane expletive expletives effing ' +
    'language vulgar obscene', 'swearing offensive bad language'],
  ['angry anger rage raging furious temper shout shouting yelling capitals caps', 'displays anger'],
  ['f word|bad words|rude words|lost their temper|lost his temper|lost her temper|kicked off|kick off', 'anger swearing offensive bad language'],
  // I3: disrepute
  ['disrepute reputation disgrace disgraceful embarrass embarrassing shame shameful badmouth discredit', 'bringing disrepute'],
  ['look bad|bad name|bad things about the school|bad mouth|bad press|make the school look', 'bringing disrepute'],
  // I4: aggressive, defamatory, libellous
  ['defame defamation defamatory slander slanderous libel libellous libelous lie lies lying liar false ' +
    'untrue accuse accusation accusations allegation allegations allege', 'defamatory libellous'],
  ['aggressive aggression hostile', 'aggressive'],
  ['not true|not sure its true|made up', 'defamatory libellous'],
  // I5: emails
  ['email emails emailed', 'emails circulated sent'],
  ['email all|emailing all|round robin|sent round|send round|mass email|group email', 'emails circulated'],
  // I6: social media, challenging policy, individual children
  ['facebook instagram twitter tiktok snapchat youtube online internet social publicly public', 'social media publicly'],
  ['challenge challenging disagree disagreeing oppose against question questioning dispute protest', 'challenge policies'],
  ['policy policies rule rules', 'policies'],
  ['individual particular specific certain named', 'individual children issues'],
  ['another child|another childs|other child|other childs|someone elses child|someone elses kid|a particular kid|' +
    'a particular child|another kid|another kids|other kids', 'individual children'],
  // I7: threats
  ['threat threats threaten threatened threatening intimidate intimidating intimidation menace menacing ' +
    'violence violent fight beat scary scare scared', 'threatening intimidating'],
  ['sort out|sort you out|sort him out|sort her out|beat up|wait for|at the gate', 'threatening behaviour'],
  // RC: raising concerns
  ['report reporting concern concerns concerned worry worried worrying flag contact', 'concerned contact raising concerns'],
  ['who do i tell|who do i contact|who should i tell|who to tell|who to contact|who do i speak to|' +
    'who do i report|how do i report|raise a concern', 'contact concerned'],
  ['school email|email the school|email address|phone the school|call the school|school office', 'emailing school office'],
  // Asking what to do is a hint, not a topic: "someone is mean to my son, what do I do?" is about bullying first.
  ['what do i do|what should i do|what can i do', 'contact'],
  // SG: safeguarding
  ['safeguarding safeguard danger dangerous unsafe hurt hurting harm harmed harming risk safety safe welfare ' +
    'neglect neglected grooming groomed injury injured bruise bruises', 'safeguarding incidents seriously'],
  ['at risk|not safe|being hurt|self harm|in danger', 'safeguarding incidents'],
  // BA: breach actions
  ['punish punishment punished consequence consequences penalty sanction sanctions ban banned banning ' +
    'expel expelled kicked removed remove removal warning warned discipline disciplinary police criminal ' +
    'crime lawyer solicitor sue legal court breach breached breaches break breaking broke', 'breach action warning banning removal'],
  ['what happens if|what happens when|kicked out|thrown out|get in trouble|in trouble|breaks the rules|' +
    'break the rules|breaking the rules|broke the rules', 'breach action'],
  ['police authorities', 'authorities criminal'],
  // PD: the Principal decides
  ['principal headteacher headmaster headmistress decide decides decided decider decision', 'principal final decision'],
  ['who decides|who decide|final say|last say|in charge|final decision|who makes the decision|who judges', 'principal final decision'],
  // Everyday forms of policy words.
  ['teacher teachers teaching ustadh ustadha ustaz ustaza tutor', 'teacher staff'],
  ['kid kids son sons daughter daughters children boy girl', 'child pupil'],
  ['mum mom mother dad father carer guardian', 'parent'],
];
