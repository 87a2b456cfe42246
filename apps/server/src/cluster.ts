import cluster, { type Worker } from 'node:cluster';
import type { LoggerService } from '@nestjs/common';

/** A worker that dies within this long after its start is not restarted at once (a crash loop). */
const MIN_LIFETIME_MS = 5_000;
const RESTART_DELAY_MS = 1_000;

/**
 * The primary of WEB_CONCURRENCY mode: forks `workers` processes that each run the whole server on
 * the shared port (Node's cluster module hands out connections), restarts one that dies, and on
 * SIGTERM/SIGINT stops them all and exits once they have finished their requests. Instances on one
 * MySQL/MariaDB database already coordinate through it (claims, leases, the config version), so
 * the workers need nothing from each other.
 */
export function runPrimary(workers: number, logger: LoggerService): void {
  const started = new Map<number, number>();
  let stopping = false;
  const fork = (): Worker => {
    const worker = cluster.fork();
    started.set(worker.id, Date.now());
    return worker;
  };
  for (let i = 0; i < workers; i++) fork();
  cluster.on('online', (worker) =>
    logger.log({ msg: 'Worker started', pid: worker.process.pid, workers: Object.keys(cluster.workers ?? {}).length }, 'Cluster'),
  );
  cluster.on('exit', (worker, code, signal) => {
    const lived = Date.now() - (started.get(worker.id) ?? 0);
    started.delete(worker.id);
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    logger.warn({ msg: 'Worker exited; starting another', pid: worker.process.pid, code, signal }, 'Cluster');
    setTimeout(fork, lived < MIN_LIFETIME_MS ? RESTART_DELAY_MS : 0);
  });
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.log({ msg: `${signal}: stopping the workers` }, 'Cluster');
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

export function isClusterWorker(): boolean {
  return cluster.isWorker;
}
