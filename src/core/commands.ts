import { cleanText } from './text.js';

export interface ParsedCommand {
  /** Lower case, ASCII letters only. */
  name: string;
  /** Whitespace-separated words after the name, lower case. */
  args: string[];
  /** Everything after the name as typed (trimmed), for free text such as a reason. */
  rest: string;
}

const MAX_NAME = 20;
const MAX_REST = 1000;

/**
 * `!rules`, `! Rules  FULL`, `！rules` (a full-width mark, as some keyboards type it) are all
 * commands; `!!!`, `wow!` and `!1` are not.
 */
export function parseCommand(raw: string): ParsedCommand | null {
  return readCommand(cleanText(raw));
}

/** parseCommand for text that is already clean (the context's `text`). */
export function readCommand(clean: string): ParsedCommand | null {
  const text = clean.trimStart();
  const match = /^!\s*([A-Za-z]{1,40})(?![\p{L}\p{M}\p{N}])([\s\S]*)$/u.exec(text);
  if (!match) return null;
  const name = match[1]!.toLowerCase();
  if (name.length > MAX_NAME) return null;
  const rest = match[2]!.trim().slice(0, MAX_REST);
  const args = rest.length ? rest.toLowerCase().split(/\s+/).filter(Boolean) : [];
  return { name, args, rest };
}
