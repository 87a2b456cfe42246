import type { LoggerService, LogLevel } from '@nestjs/common';

const ORDER: Record<string, number> = { debug: 10, verbose: 10, info: 20, log: 20, warn: 30, error: 40, fatal: 50 };

export type LogFormat = 'json' | 'pretty';

/** One log entry as it is written: the JSON line's fields, and what the pretty line shows. */
export type LogRecord = { time: string; level: string; context?: string; msg?: unknown; stack?: unknown } & Record<string, unknown>;

/** An address the start-up names, shown in the pretty format as an aligned block. */
export interface LogLink {
  label: string;
  url: string;
}

/** LOG_FORMAT wins; otherwise a person at a terminal reads lines, and everything else (a pipe, a file, a log shipper) gets JSON. */
export function chooseLogFormat(configured: LogFormat | undefined, stdoutIsTty: boolean): LogFormat {
  return configured ?? (stdoutIsTty ? 'pretty' : 'json');
}

export function formatJson(record: LogRecord): string {
  return JSON.stringify(record);
}

/** Nest's own start-up lines (each module initialised, each route mapped): about 80 lines that bury ours, so debug. */
const FRAMEWORK_CHATTER = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication']);

const LEVEL_COLOUR: Record<string, string> = { debug: '90', info: '32', warn: '33', error: '31', fatal: '1;31' };
const OWN_FIELDS = new Set(['time', 'level', 'context', 'msg', 'stack', 'urls']);

function isLinks(value: unknown): value is LogLink[] {
  return Array.isArray(value) && value.length > 0 && value.every((v) => typeof v?.label === 'string' && typeof v?.url === 'string');
}

/** How a pretty line is drawn: colour codes or not, and the terminal's width when known. */
export interface PrettyOptions {
  colour: boolean;
  columns?: number;
}

/**
 * A line for people: local time, level, context, message, then the other fields as key=value.
 * Multi-line values (stacks) follow on their own lines; `urls` becomes a block of aligned
 * label/address rows set apart by blank lines, so the start-up's addresses stand out. Where a row
 * would not fit the terminal, the address goes on a line of its own under its label.
 */
export function formatPretty(record: LogRecord, { colour, columns }: PrettyOptions): string {
  const paint = (code: string, text: string) => (colour ? `\x1b[${code}m${text}\x1b[0m` : text);
  const time = new Date(record.time).toTimeString().slice(0, 8);
  const inline: string[] = [];
  const below: string[] = [];
  for (const [key, value] of Object.entries(record)) {
    if (OWN_FIELDS.has(key) || value === undefined) continue;
    if (typeof value === 'string' && value.includes('\n')) below.push(value);
    else if (typeof value === 'string') inline.push(`${key}=${/[\s"]/.test(value) || value === '' ? JSON.stringify(value) : value}`);
    else inline.push(`${key}=${typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value)}`);
  }
  if (record.stack !== undefined) below.push(String(record.stack));
  const head = [
    paint('2', time),
    paint(LEVEL_COLOUR[record.level] ?? '0', record.level.toUpperCase().padEnd(5)),
    ...(record.context ? [paint('36', `[${record.context}]`)] : []),
    String(record.msg ?? ''),
    ...(inline.length ? [paint('2', inline.join(' '))] : []),
  ].join(' ');
  const lines = [head, ...below];
  if (isLinks(record.urls)) {
    const width = Math.max(...record.urls.map((l) => l.label.length));
    const fits = columns === undefined || 4 + width + 3 + Math.max(...record.urls.map((l) => l.url.length)) <= columns;
    const rows = record.urls.map((l) => (fits ? `    ${l.label.padEnd(width)}   ${paint('1', l.url)}` : `  ${l.label}\n    ${paint('1', l.url)}`));
    lines.push('', ...rows, '');
  }
  return lines.join('\n');
}

interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/**
 * The application's logger: JSON lines (one object per line, so log shippers need no parsing rules)
 * or, for people, pretty lines (formatPretty). Info and below go to stdout, warnings and errors to
 * stderr; colour only where that stream is a terminal and NO_COLOR is not set.
 */
export class JsonLogger implements LoggerService {
  constructor(
    private readonly minLevel: string = 'info',
    private readonly format: LogFormat = 'json',
    private readonly out: { stdout: Output; stderr: Output } = process,
  ) {}

  private write(level: string, message: unknown, context?: string, extra?: Record<string, unknown>): void {
    if ((ORDER[level] ?? 20) < (ORDER[this.minLevel] ?? 20)) return;
    const record: LogRecord = { time: new Date().toISOString(), level, context, ...extra };
    if (message instanceof Error) {
      record.msg = message.message;
      record.stack = message.stack;
    } else if (typeof message === 'object' && message !== null) {
      Object.assign(record, message);
    } else {
      record.msg = message;
    }
    const stream = ORDER[level] >= 30 ? this.out.stderr : this.out.stdout;
    const line =
      this.format === 'pretty'
        ? formatPretty(record, { colour: stream.isTTY === true && process.env.NO_COLOR === undefined, columns: stream.isTTY ? stream.columns : undefined })
        : formatJson(record);
    stream.write(line + '\n');
  }

  log(message: unknown, context?: string): void {
    this.write(context && FRAMEWORK_CHATTER.has(context) ? 'debug' : 'info', message, context);
  }
  error(message: unknown, stackOrContext?: string, context?: string): void {
    const hasStack = context !== undefined;
    this.write('error', message, hasStack ? context : stackOrContext, hasStack && stackOrContext ? { stack: stackOrContext } : undefined);
  }
  warn(message: unknown, context?: string): void {
    this.write('warn', message, context);
  }
  debug(message: unknown, context?: string): void {
    this.write('debug', message, context);
  }
  verbose(message: unknown, context?: string): void {
    this.write('debug', message, context);
  }
  fatal(message: unknown, context?: string): void {
    this.write('fatal', message, context);
  }
  setLogLevels(_levels: LogLevel[]): void {}
}
