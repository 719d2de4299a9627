/**
 * What a container's main process does once started, as far as the simulator imagines it from
 * the command: `true` exits at once with 0, `sleep 5` exits after five seconds, `exit 3` ends with
 * 3, a bare shell without a terminal exits at once (as `docker run busybox` does), and anything it
 * does not recognise (nginx, redis-server, `sleep infinity`, a `while` loop) runs until stopped.
 */
export interface Lifetime {
  exitCode: number;
  afterMs: number;
}

/** Commands of the seeded images when the create request names none. */
export const IMAGE_DEFAULT_CMD: Record<string, string[]> = {
  busybox: ['sh'],
  alpine: ['/bin/sh'],
  cirros: ['/sbin/init'],
  nginx: ['nginx', '-g', 'daemon off;'],
  redis: ['redis-server'],
};

/** The command of a normalized image reference (`nginx:latest`) when the request names none; null when unknown. */
export function defaultCmd(image: string): string[] | null {
  const repo = image.slice(0, image.lastIndexOf(':'));
  return Object.hasOwn(IMAGE_DEFAULT_CMD, repo) ? [...IMAGE_DEFAULT_CMD[repo]] : null;
}

const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh']);
/** Programs that do their work and exit 0. */
const ONE_SHOT = new Set([
  'true',
  'echo',
  'printf',
  'ls',
  'date',
  'env',
  'printenv',
  'hostname',
  'uname',
  'id',
  'whoami',
  'pwd',
  'test',
  '[',
  'expr',
  'mkdir',
  'touch',
  'rm',
  'cp',
  'mv',
  'ln',
  'wc',
  'seq',
  'basename',
  'dirname',
  'sync',
  'nproc',
  'df',
  'du',
  'free',
  'uptime',
]);
const LOOPS = /(^|[\s;&|(])(while|until|for)\s/;

const base = (program: string) => program.split('/').pop() ?? program;

/** `sleep` durations: seconds with an optional s/m/h/d suffix; null for infinity or nonsense. */
function sleepMs(arg: string | undefined): number | null {
  const m = /^(\d+(?:\.\d+)?)([smhd]?)$/.exec(arg ?? '');
  if (!m) return null;
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2]]!;
  return Number(m[1]) * unit * 1000;
}

/** One argv, or null when it runs until stopped. */
function commandLifetime(argv: string[], interactive: boolean): Lifetime | null {
  const [program, ...args] = argv;
  if (!program) return null;
  const name = base(program);
  if (SHELLS.has(name)) {
    const c = args.indexOf('-c');
    if (c >= 0 && args[c + 1] !== undefined) return scriptLifetime(args[c + 1], interactive);
    return interactive ? null : { exitCode: 0, afterMs: 0 };
  }
  if (name === 'false') return { exitCode: 1, afterMs: 0 };
  if (name === 'exit') return { exitCode: Number(args[0] ?? 0) & 255, afterMs: 0 };
  if (name === 'sleep') {
    const ms = sleepMs(args[0]);
    return ms === null ? null : { exitCode: 0, afterMs: ms };
  }
  if (name === 'exec') return commandLifetime(args, interactive);
  if (ONE_SHOT.has(name)) return { exitCode: 0, afterMs: 0 };
  if (name === 'cat' && args.length > 0) return { exitCode: 0, afterMs: 0 };
  return null;
}

/** A script's simple commands as words: split on `;`, `&&`, `||` and newlines outside quotes. */
function simpleCommands(script: string): string[][] {
  const commands: string[][] = [];
  let words: string[] = [];
  let word = '';
  let quote: string | null = null;
  const endWord = () => {
    if (word) words.push(word);
    word = '';
  };
  const endCommand = () => {
    endWord();
    if (words.length) commands.push(words);
    words = [];
  };
  for (let i = 0; i < script.length; i++) {
    const ch = script[i];
    if (quote) {
      if (ch === quote) quote = null;
      else word += ch;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === ';' || ch === '\n') endCommand();
    else if ((ch === '&' || ch === '|') && script[i + 1] === ch) {
      endCommand();
      i++;
    } else if (/\s/.test(ch)) endWord();
    else word += ch;
  }
  endCommand();
  return commands;
}

/** A `sh -c` script, command by command: sleeps add up, `exit` ends it, a loop or a server runs on. */
function scriptLifetime(script: string, interactive: boolean): Lifetime | null {
  if (LOOPS.test(script)) return null;
  let elapsed = 0;
  let last: Lifetime = { exitCode: 0, afterMs: 0 };
  for (const words of simpleCommands(script)) {
    const l = commandLifetime(words, interactive);
    if (l === null) return null;
    elapsed += l.afterMs;
    last = l;
    if (words[0] === 'exit') break;
  }
  return { exitCode: last.exitCode, afterMs: elapsed };
}

export function lifetimeOf(c: {
  cmd: string[] | null;
  entrypoint: string[] | null;
  extraConfig: Record<string, unknown>;
}): Lifetime | null {
  const argv = [...(c.entrypoint ?? []), ...(c.cmd ?? [])];
  const interactive = c.extraConfig.Tty === true || c.extraConfig.OpenStdin === true;
  return commandLifetime(argv, interactive);
}
