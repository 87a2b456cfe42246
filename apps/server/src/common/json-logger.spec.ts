import { describe, expect, it } from '@jest/globals';
import { chooseLogFormat, formatPretty, JsonLogger, type LogRecord } from './json-logger.js';

const TIME = '2026-12-02T08:51:32.123Z';
const ESC = '\x1b[';

/** Captures what the logger writes to each stream. */
function capture(isTTY: boolean) {
  const out = { stdout: [] as string[], stderr: [] as string[] };
  const streams = {
    stdout: { isTTY, write: (t: string) => out.stdout.push(t) },
    stderr: { isTTY, write: (t: string) => out.stderr.push(t) },
  };
  return { out, streams };
}

describe('log format', () => {
  it('is pretty on a terminal and JSON otherwise, unless LOG_FORMAT says', () => {
    expect(chooseLogFormat(undefined, true)).toBe('pretty');
    expect(chooseLogFormat(undefined, false)).toBe('json');
    expect(chooseLogFormat('json', true)).toBe('json');
    expect(chooseLogFormat('pretty', false)).toBe('pretty');
  });
});

describe('formatPretty', () => {
  it('shows local time, level, context and message on one line, without colour when asked', () => {
    const line = formatPretty({ time: TIME, level: 'info', context: 'Main', msg: 'Hallo' }, { colour: false });
    const local = new Date(TIME).toTimeString().slice(0, 8);
    expect(line).toBe(`${local} INFO  [Main] Hallo`);
    expect(line).not.toContain(ESC);
  });

  it('puts other fields after the message as key=value, quoting values with spaces', () => {
    const line = formatPretty(
      { time: TIME, level: 'warn', msg: 'Worker exited', pid: 42, signal: null, reason: 'out of memory', tenant: 'musterstadt' },
      { colour: false },
    );
    expect(line).toMatch(/WARN {2}Worker exited pid=42 signal=null reason="out of memory" tenant=musterstadt$/);
  });

  it('prints a stack, and any multi-line field, on the lines below', () => {
    const err = new Error('kaputt');
    const text = formatPretty({ time: TIME, level: 'error', context: 'Outbox', msg: err.message, stack: err.stack, error: 'first\nsecond' }, { colour: false });
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/ERROR \[Outbox\] kaputt$/);
    expect(lines).toContain('first');
    expect(lines).toContain('second');
    expect(text).toContain(err.stack!);
  });

  it('sets the addresses apart as an aligned block, one per line', () => {
    const record: LogRecord = {
      time: TIME,
      level: 'info',
      context: 'Main',
      msg: 'Amtszeit is running',
      urls: [
        { label: 'Portal Stadt Musterstadt', url: 'http://localhost:3000/musterstadt/' },
        { label: 'Health', url: 'http://localhost:3000/health' },
      ],
    };
    const lines = formatPretty(record, { colour: false }).split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/\[Main\] Amtszeit is running$/),
      '',
      '    Portal Stadt Musterstadt   http://localhost:3000/musterstadt/',
      '    Health                     http://localhost:3000/health',
      '',
    ]);
  });

  it('puts each address under its label when the rows would not fit the terminal', () => {
    const record: LogRecord = { time: TIME, level: 'info', msg: 'running', urls: [{ label: 'Health', url: 'http://localhost:3000/health' }] };
    expect(formatPretty(record, { colour: false, columns: 80 }).split('\n')[2]).toBe('    Health   http://localhost:3000/health');
    expect(formatPretty(record, { colour: false, columns: 40 }).split('\n').slice(1)).toEqual(['', '  Health', '    http://localhost:3000/health', '']);
  });

  it('colours the level and highlights the addresses when asked', () => {
    const text = formatPretty({ time: TIME, level: 'error', msg: 'x', urls: [{ label: 'Admin', url: 'http://a/admin' }] }, { colour: true });
    expect(text).toContain(`${ESC}31mERROR${ESC}0m`);
    expect(text).toContain(`${ESC}1mhttp://a/admin${ESC}0m`);
  });
});

describe('JsonLogger', () => {
  it('writes parseable JSON lines: info to stdout, warnings and errors to stderr', () => {
    const { out, streams } = capture(false);
    const logger = new JsonLogger('info', 'json', streams);
    logger.log({ msg: 'started', urls: [{ label: 'Health', url: 'http://a/health' }] }, 'Main');
    logger.warn('careful', 'Main');
    logger.error('failed', 'Error: failed\n    at here', 'Outbox');
    logger.debug('hidden below info');
    expect(out.stdout).toHaveLength(1);
    expect(out.stderr).toHaveLength(2);
    for (const line of [...out.stdout, ...out.stderr]) expect(line.endsWith('\n')).toBe(true);
    expect(JSON.parse(out.stdout[0])).toMatchObject({ level: 'info', context: 'Main', msg: 'started', urls: [{ label: 'Health', url: 'http://a/health' }] });
    expect(JSON.parse(out.stderr[1])).toMatchObject({ level: 'error', context: 'Outbox', msg: 'failed', stack: 'Error: failed\n    at here' });
  });

  it("keeps Nest's start-up chatter (modules, routes) at debug", () => {
    const { out, streams } = capture(false);
    new JsonLogger('info', 'json', streams).log('Mapped {/health, GET} route', 'RouterExplorer');
    expect(out.stdout).toEqual([]);
    new JsonLogger('debug', 'json', streams).log('Mapped {/health, GET} route', 'RouterExplorer');
    expect(JSON.parse(out.stdout[0])).toMatchObject({ level: 'debug', context: 'RouterExplorer' });
  });

  it('colours pretty lines only on a terminal', () => {
    const noColor = process.env.NO_COLOR;
    delete process.env.NO_COLOR;
    const tty = capture(true);
    new JsonLogger('info', 'pretty', tty.streams).log('hi', 'Main');
    const pipe = capture(false);
    new JsonLogger('info', 'pretty', pipe.streams).log('hi', 'Main');
    expect(tty.out.stdout[0]).toContain(ESC);
    expect(pipe.out.stdout[0]).not.toContain(ESC);
    expect(pipe.out.stdout[0]).toMatch(/INFO {2}\[Main\] hi\n$/);
    if (noColor !== undefined) process.env.NO_COLOR = noColor;
  });
});
