import { SpecError } from '@grove/core';
import { joinCommand, splitCommand } from './split-command';

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

describe('joinCommand', () => {
  it('leaves plain words alone and quotes the rest so that they split back unchanged', () => {
    expect(joinCommand(['nginx', '-g', 'daemon off;'])).toBe("nginx -g 'daemon off;'");
    for (const words of [
      ['sh', '-c', 'echo $HOME && sleep 1'],
      ['echo', "it's", '', 'a"b', 'back\\slash', 'tab\there'],
      [],
    ]) {
      expect(splitCommand(joinCommand(words))).toEqual(words);
    }
  });
});
