import { randomInt } from 'node:crypto';

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const ALNUM = `${LETTERS}0123456789`;

/**
 * `length` random characters that start with a letter, the suffix Senlin gives stack and container
 * names so that two nodes of one name never collide in the cloud.
 */
export function randomName(length = 8): string {
  if (length <= 0) return '';
  let s = LETTERS[randomInt(LETTERS.length)];
  for (let i = 1; i < length; i++) s += ALNUM[randomInt(ALNUM.length)];
  return s;
}
