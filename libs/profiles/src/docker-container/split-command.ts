import { SpecError } from '@grove/core';

/**
 * Splits a command line into words the way a POSIX shell (and docker-py, which Senlin uses) does:
 * blanks separate words, single quotes keep everything, double quotes keep all but `\"` and `\\`,
 * a backslash outside quotes escapes the next character. No variables, globs or operators.
 */
export function splitCommand(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote === "'") {
      if (c === "'") quote = null;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\')) word += line[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) throw new SpecError('command', `No closing quotation in command '${line}'`);
  if (inWord) words.push(word);
  return words;
}

/** Words a shell passes through as they are; anything else is single-quoted. */
const PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** The inverse of splitCommand: a command line that splits back into exactly these words. */
export function joinCommand(words: readonly string[]): string {
  return words.map((w) => (PLAIN.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(' ');
}
