import type { LoggerService, LogLevel } from '@nestjs/common';

const ORDER: Record<string, number> = { debug: 10, verbose: 10, info: 20, log: 20, warn: 30, error: 40, fatal: 50 };

/** One JSON object per line on stdout/stderr, so log shippers need no parsing rules. */
export class JsonLogger implements LoggerService {
  constructor(
    private readonly minLevel: string = 'info',
    private readonly format: 'json' | 'pretty' = 'json',
  ) {}

  private write(level: string, message: unknown, context?: string, extra?: Record<string, unknown>): void {
    if ((ORDER[level] ?? 20) < (ORDER[this.minLevel] ?? 20)) return;
    const record: Record<string, unknown> = { time: new Date().toISOString(), level, context, ...extra };
    if (message instanceof Error) {
      record.msg = message.message;
      record.stack = message.stack;
    } else if (typeof message === 'object' && message !== null) {
      Object.assign(record, message);
    } else {
      record.msg = message;
    }
    const line =
      this.format === 'pretty'
        ? `${record.time} ${level.toUpperCase().padEnd(5)} ${context ? `[${context}] ` : ''}${String(record.msg ?? '')}${record.stack ? `\n${String(record.stack)}` : ''}`
        : JSON.stringify(record);
    (ORDER[level] >= 30 ? process.stderr : process.stdout).write(line + '\n');
  }

  log(message: unknown, context?: string): void {
    this.write('info', message, context);
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
