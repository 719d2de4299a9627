import { randomInt } from 'node:crypto';

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const ALNUM = `${LETTERS}0123456789`;

/** A random name part that starts with a letter, as Senlin's random names do. */
function randomPart(n: number): string {
  let s = LETTERS[randomInt(LETTERS.length)];
  for (let i = 1; i < n; i++) s += ALNUM[randomInt(ALNUM.length)];
  return s;
}

/**
 * A member node's name from its cluster's `node.name.format` (default `node-$8R`): `$nR` is n
 * random characters (`$nr` the same in lower case, n defaults to 8), `$nI` the node's index
 * zero-padded to n digits. Used by the api (node create in a cluster) and the engine (new members).
 */
export function formatNodeName(format: unknown, index: number): string {
  const fmt = typeof format === 'string' && format ? format : 'node-$8R';
  return fmt.replace(/\$(\d{0,8})([rRI])/g, (_, width: string, kind: string) => {
    if (kind === 'I') return width ? String(index).padStart(Number(width), '0') : String(index);
    const s = randomPart(width ? Number(width) : 8);
    return kind === 'r' ? s.toLowerCase() : s;
  });
}
