/**
 * Words not yet in a language: a template and its values, written out in whichever language the
 * chat they go to reads (a group's two languages, one after the other; a person's own).
 */
export type Words = (language: string) => string;

/**
 * What `ctx.say` hands a feature: a plain string, so features keep joining and nesting the bot's
 * words as text, that stands for words the context writes out once it knows the chat. The marks
 * are private-use characters, which no keyboard types.
 */
export const WORDS_MARK = /\uE000(\d+)\uE001/g;

export const wordsMark = (index: number): string => `\uE000${index}\uE001`;

export const hasWordsMark = (text: string): boolean => /\uE000\d+\uE001/.test(text);
