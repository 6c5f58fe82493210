import type { LoggerService } from '@nestjs/common';
import { currentContext } from '@mtr/tenancy';

/**
 * One JSON object per line. Messages are ids and codes only: patient identifiers never
 * reach a log (callers pass ids, never names or NIR).
 */
/** Nest's start-up chatter (one line per route and module) is debug, not info. */
const NOISY = new Set(['RouterExplorer', 'RoutesResolver', 'InstanceLoader', 'NestFactory', 'NestApplication']);

export class JsonLogger implements LoggerService {
  constructor(private readonly minLevel = (process.env.LOG_LEVEL ?? 'info') as 'debug' | 'info' | 'warn' | 'error') {}

  private write(level: string, message: unknown, context?: string) {
    const order = ['debug', 'info', 'warn', 'error'];
    if (order.indexOf(level) < order.indexOf(this.minLevel)) return;
    const body = typeof message === 'object' && message !== null ? message : { msg: String(message) };
    const line = { time: new Date().toISOString(), level, context, correlationId: currentContext()?.correlationId, ...body };
    process.stdout.write(JSON.stringify(line) + '\n');
  }

  log(message: unknown, context?: string) { this.write(context && NOISY.has(context) ? 'debug' : 'info', message, context); }
  error(message: unknown, _trace?: string, context?: string) { this.write('error', message, context); }
  warn(message: unknown, context?: string) { this.write('warn', message, context); }
  debug(message: unknown, context?: string) { this.write('debug', message, context); }
  verbose(message: unknown, context?: string) { this.write('debug', message, context); }
}
