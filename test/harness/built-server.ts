import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import net from 'node:net';
import { fromRoot } from '../../apps/server/src/common/project-root.js';
import { TEST_DATA_DIR } from './test-data-dir.js';

/**
 * The compiled server as `npm start` runs it, built into a folder of this test process under dist/
 * (inside the project, so packages resolve; never ./data, which belongs to the developer).
 */
export function buildServer(): { dir: string; remove(): void } {
  const dir = fromRoot('dist', `test-${process.pid}`);
  execFileSync(
    process.execPath,
    ['node_modules/@swc/cli/bin/swc.js', 'apps', 'plugins', 'admin-config', '-d', dir, '--quiet', '--ignore', '**/*.spec.ts,**/*.e2e-spec.ts'],
    { cwd: fromRoot() },
  );
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  process: ChildProcess;
  /** stdout and stderr as they came, split into lines. */
  lines: string[];
  origin: string;
  exited: Promise<number | null>;
}

/** Starts the built server's main.js with stdout and stderr piped (so not a terminal). */
export async function startServer(dir: string, env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [`${dir}/apps/server/src/main.js`], {
    cwd: fromRoot(),
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', TASK_POLL_SECONDS: '0', NODE_ENV: 'test', DATA_DIR: TEST_DATA_DIR, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const collect = () => {
    let buffered = '';
    return (chunk: Buffer) => {
      const parts = (buffered + chunk.toString()).split('\n');
      buffered = parts.pop()!;
      lines.push(...parts);
    };
  };
  child.stdout!.on('data', collect());
  child.stderr!.on('data', collect());
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { process: child, lines, origin: `http://127.0.0.1:${port}`, exited };
}

/** The lines as JSON objects; a line that is not JSON becomes `{ msg: line }`. */
export function jsonRecords(server: ServerProcess): Array<Record<string, unknown>> {
  return server.lines.map((line) => {
    try {
      return JSON.parse(line) as Record<string, unknown>;
    } catch {
      return { msg: line };
    }
  });
}

/** Polls until the probe returns a value (not a timed assertion: the limit only turns a hang into a failure). */
export async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, withinMs = 60_000): Promise<T> {
  const end = Date.now() + withinMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const healthy = (origin: string) =>
  fetch(`${origin}/health`).then(
    (r) => (r.ok ? true : undefined),
    () => undefined,
  );
