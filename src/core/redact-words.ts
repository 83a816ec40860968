/** The words redaction reads names by: what is never a name, and what comes before or after one. */

export const words = (list: string) => new Set(list.trim().split(/\s+/));

// Words that never begin a name, even with a capital ("Mr Khan And", "Dear Sir I").
export const FUNCTION_WORDS = words(`
  i a an the and or but so if then than is was are were be been am has have had do does did to of in
  on at for with from by as into about not no yes he she they we you it his her their our my your its
  this that these those who whom whose what when where why how which please thanks thank hi hello hey
  dear salaam salam assalamu assalamualaikum asalamualaikum alaikum wa jazakallah jazakallahu khair ok
  okay all any some every each both just also only very too here there me him them us`);

// Capitalised words of school life that follow a title or come before "in Year 3" without being names.
export const SCHOOL_WORDS = words(`
  year yr reception nursery class classes school schools teacher teachers head headteacher deputy office
  team staff pe pta sen senco ta tas maths english science art music history geography computing phonics
  reading spellings homework assembly trip trips club clubs monday tuesday wednesday thursday friday
  saturday sunday january february march july september october november december term eid ramadan
  christmas easter diwali whatsapp group groups admin admins parent parents mum mums dad dads everyone
  everybody allah god inshallah inshaallah mashallah alhamdulillah quran hifz madrasa madrassah mosque
  masjid uniform lunch breakfast dinner ofsted council nhs gp hospital police`);

// Ordinary lower-case words: after "my son" or "mr" they carry the sentence on; they are not a name.
export const COMMON_WORDS = new Set([
  ...FUNCTION_WORDS,
  ...SCHOOL_WORDS,
  ...words(`
  myself himself herself itself themselves anyone anybody someone somebody nobody none nothing something
  anything everything one ones two three four five six seven eight nine ten first second third last next
  other others another same such own many much more most few less lot lots bit will would can could should
  shall may might must need needs needed isn't wasn't aren't don't doesn't didn't won't can't cannot
  couldn't shouldn't wouldn't hasn't haven't i'm i'll i've i'd it's that's there's he's she's they're
  we're you're dont didnt cant wont im ive
  go goes went gone get gets got come comes came take takes took taken make makes made say says said tell
  tells told ask asks asked see sees saw seen know knows knew think thinks thought want wants wanted like
  likes liked love loves loved hate hates hated feel feels felt seem seems seemed look looks looked find
  finds found give gives gave given keep keeps kept leave leaves left let lets put puts mean means meant
  start starts started stop stops stopped try tries tried call calls called help helps helped play plays
  played run runs ran move moves moved live lives lived bring brings brought buy buys bought pay pays
  paid send sends sent read reads write writes wrote written sit sits sat stand stands stood lose loses
  lost win wins won cry cries cried fall falls fell hurt hurts hit hits push pushes pushed pull pulls
  pulled bite bites kick kicks kicked shout shouts shouted scream screams screamed laugh laughs laughed
  smile smiled walk walks walked drive drives drove talk talks talked speak speaks spoke listen listens
  listened learn learns learned learnt teach teaches taught join joins joined attend attends attended
  miss misses missed forget forgets forgot forgotten remember remembers remembered wait waits waited
  change changes changed open opens opened close closes closed finish finishes finished begin begins
  began eat eats ate drink drinks sleep sleeps slept wake wakes woke wear wears wore show shows showed
  share shares shared post posts posted add adds added remove removes removed report reports reported
  complain complains complained worry worries worried enjoy enjoys enjoyed struggle struggles struggled
  happen happens happened sign signs signed pick picks picked collect collects collected drop drops
  dropped arrive arrives arrived return returns returned visit visits visited use uses used follow
  follows followed turn turns turned understand understood agree agrees agreed explain explained mention
  mentioned reply replied answer answered message messaged text texted email emailed phone phoned ring
  rang check checks checked become becomes became grow grows grew fight fights fought bully bullies
  bullied threaten threatened swear swore break breaks broke broken upset upsets bother bothers bothered
  annoy annoyed scare scared frighten frightened mark marks marked lead leads led run needs touched
  punched pushed rushed finished laughed scratched smashed crashed watched reached named blamed harmed
  claimed seemed behaved saved received arrived
  now then today tomorrow yesterday tonight always never sometimes often usually already still again soon
  later early late really quite rather almost maybe perhaps probably definitely actually even ever well
  back away home out up down off over around through after before since until while because though
  although however instead together alone else
  good bad best worse worst better great fine nice kind lovely happy sad angry ill sick poorly unwell
  tired new old young little big small older younger eldest youngest oldest middle different right wrong
  sure ready free busy full whole real special favourite absent present safe bored shy quiet naughty
  clever smart behind ahead autistic dyslexic disabled
  child children kid kids boy boys girl girls son sons daughter daughters baby babies twins brother
  brothers sister sisters friend friends family families mother father mom mummy daddy people person man
  men woman women lady ladies husband wife aunt aunty auntie uncle cousin cousins grandma grandad nan nana
  nani gran granny student students pupil pupils thing things stuff time times day days week weeks month
  months years morning afternoon evening night lunchtime playtime break pickup gate gates playground
  classroom hall bus car coat bag bags book books shoes kit form forms letter letters note notes list
  rota party birthday present food money photo photos picture pictures video videos number message
  messages chat question questions problem issue issues concern concerns complaint way place house work
  job appointment doctor nurse dentist lesson lessons test tests exam exams results project swimming
  football sports games game toys toy water snack snacks allergy asthma medicine cold cough fever rules
  rule policy meeting meetings event events fair sale cake cakes jumper tie shirt socks hat welcome name
  names age
  congratulations sorry lol haha omg btw pls thx umm um abu ibn bin bint al el`),
]);

// A title before a name. After these a lower-case word is a name too ("mr khan").
export const TITLES = words(`
  mr mrs ms mx mister dr prof ustadh ustadha ustad ustada ustaz ustaza ustadhah ustaadh sheikh shaikh
  shaykh sheikha imam maulana moulana mawlana mufti hafiz hafidh qari rev`);
// Titles that are also ordinary words ("my sister", "I miss"): lower-case, only a name when nothing
// says the word is a relative or a verb.
export const WORD_TITLES = words('miss sir brother bro sister sis aunty auntie aunt uncle baji apa teacher coach doctor');
// Titles that only ever name a capitalised word: "teacher Amina", never "teacher training".
export const CAPITAL_ONLY_TITLES = words('teacher coach doctor');
// Honorifics said after the name: "Shazia aunty", "Tariq bhai".
export const AFTER_NAME_TITLES = words('bhai bhaiya baji apa sahib saab aunty auntie uncle khala');
export const RELATIVES = words(`
  son sons daughter daughters child children kid kids boy boys girl girls twins grandson granddaughter
  nephew niece stepson stepdaughter brother brothers sister sisters cousin friend husband wife`);
export const POSSESSIVES = words('my our his her their your');
export const ADJECTIVES = words('little eldest youngest older younger oldest middle baby big twin step only two three');
// Words before a word-title that make it a relative or a verb: "my sister", "I miss", "a brother".
export const NOT_A_TITLE_AFTER = new Set([
  ...POSSESSIVES,
  ...ADJECTIVES,
  ...words(`a an the this that every each any some no another other i we you they he she it will would
  could should might must can gonna don't dont didn't not never really also just i'll we'll you'll`),
]);
// What someone's name comes before in "Bilal's mum".
export const RELATIONS = words(`
  mum mom mother dad father parents mummy daddy ammi ami abbu abu nan nana nani gran grandma brother
  sister son daughter teacher friend cousin aunty auntie uncle husband wife`);
// Words of a known name that are not themselves a name ("Abu Zayd", "Umm Maryam").
export const NAME_PARTICLES = words('umm um abu ibn bin bint al el de da van von');

// The end of an email address spelled out ("at gmail dot com"), so that "at school dot" is not one.
export const TLDS = words('com net org uk co edu gov ac sch nhs io info me biz us ie pk in ae sa de fr nl eu app dev email online');
export const MAIL_PROVIDERS = words('gmail googlemail hotmail outlook yahoo icloud aol btinternet live msn protonmail');
