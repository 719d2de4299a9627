import { SpecError } from '@grove/core';
import { splitCommand } from './split-command';

describe('splitCommand', () => {
  it('splits on blanks like a shell', () => {
    expect(splitCommand('  nginx -g  "daemon off;" ')).toEqual(['nginx', '-g', 'daemon off;']);
    expect(splitCommand("sh -c 'echo $HOME && sleep 1'")).toEqual(['sh', '-c', 'echo $HOME && sleep 1']);
  });

  it('keeps escapes and empty quoted words', () => {
    expect(splitCommand('echo a\\ b "x\\"y" \'\' "\\n"')).toEqual(['echo', 'a b', 'x"y', '', '\\n']);
    expect(splitCommand('')).toEqual([]);
  });

  it('refuses an unclosed quote', () => {
    expect(() => splitCommand("echo 'hi")).toThrow(SpecError);
  });
});
