import type { ConfigError } from './errors/config-error';
import { CommonConfig, loadConfig, SimulatorConfig } from './config';
import { createRootLogger, logReady, resolveLogFormat, type LogFormat } from './logging';

/** A logger writing into an array, as a terminal (isTTY) or as a pipe would receive it. */
function capture(format: LogFormat, isTTY: boolean) {
  const lines: string[] = [];
  const log = createRootLogger('grove-test', {
    level: 'info',
    format,
    isTTY,
    destination: { write: (l) => lines.push(l) },
  });
  return { log, lines };
}

describe('LOG_FORMAT', () => {
  it.each([
    ['auto', true, 'pretty'],
    ['auto', false, 'json'],
    ['json', true, 'json'],
    ['json', false, 'json'],
    ['pretty', true, 'pretty'],
    ['pretty', false, 'pretty'],
  ] as const)('%s with a terminal: %p gives %s', (format, tty, expected) => {
    expect(resolveLogFormat(format, tty)).toBe(expected);
  });

  it('is validated with the other settings of every process, auto by default', () => {
    expect(loadConfig(CommonConfig, { env: {} }).LOG_FORMAT).toBe('auto');
    expect(loadConfig(SimulatorConfig, { env: { LOG_FORMAT: 'pretty' } }).LOG_FORMAT).toBe('pretty');
    let problems: string[] = [];
    try {
      loadConfig(CommonConfig, { env: { LOG_FORMAT: 'yaml' } });
    } catch (e) {
      problems = (e as ConfigError).problems;
    }
    expect(problems).toEqual(["LOG_FORMAT: must be one of the following values: auto, json, pretty (got 'yaml')"]);
  });

  it('writes one JSON record per line off a terminal', () => {
    const { log, lines } = capture('auto', false);
    log.info({ clusterId: 'c1' }, 'cluster lock acquired');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({
      level: 30,
      name: 'grove-test',
      clusterId: 'c1',
      msg: 'cluster lock acquired',
    });
  });

  it('writes readable lines on a terminal: time, level, where from, message, the other fields', () => {
    const { log, lines } = capture('auto', true);
    log.child({ component: 'postgres' }).warn({ port: 5432 }, 'slow start');
    expect(lines).toHaveLength(1);
    expect(lines[0].replace(/\x1b\[[0-9;]*m/g, '')).toMatch(
      /^\[\d\d:\d\d:\d\d\.\d{3}\] WARN: postgres: slow start \{"port":5432\}\n$/,
    );
  });

  it.each(['json', 'pretty'] as const)('keeps credentials out of %s lines', (format) => {
    const { log, lines } = capture(format, false);
    log.info(
      { password: 'hunter2', auth: { token: 'tok-123' }, req: { headers: { 'x-auth-token': 'tok-456' } } },
      'authenticated',
    );
    const text = lines.join('');
    expect(text).toContain('authenticated');
    for (const secret of ['hunter2', 'tok-123', 'tok-456']) expect(text).not.toContain(secret);
    expect(text).toContain('***');
  });

  it('prints the ready record as its bare message on a terminal and as a normal record in JSON', () => {
    const pretty = capture('pretty', true);
    logReady(pretty.log, 'Grove is ready on http://127.0.0.1:8777', { url: 'http://127.0.0.1:8777' });
    expect(pretty.lines).toEqual(['Grove is ready on http://127.0.0.1:8777\n']);

    const json = capture('json', false);
    logReady(json.log, 'Grove is ready on http://127.0.0.1:8777', { url: 'http://127.0.0.1:8777' });
    expect(JSON.parse(json.lines[0])).toMatchObject({
      level: 30,
      msg: 'Grove is ready on http://127.0.0.1:8777',
      url: 'http://127.0.0.1:8777',
      ready: true,
    });
  });
});
