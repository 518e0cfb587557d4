/**
 * The processes the bench measures: spawned as plain `node --import tsx <script>` (one process
 * each, so its pid is the server's), read through /proc (CPU time, resident memory), and killed
 * whatever way the bench ends. Each child also loads bench/orphan-guard.ts, which ends it if the
 * bench itself is killed without a chance to clean up.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const GUARD = fileURLToPath(new URL('./orphan-guard.ts', import.meta.url));
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** A spawned server process. */
export interface Child {
  name: string;
  pid: number;
  process: ChildProcess;
  /** The last lines it wrote to stderr (for failure messages). */
  stderr(): string;
}

const children = new Set<Child>();

/** Spawns `node --import tsx <script>` in the repository root with `env` added. */
export function spawnNode(
  name: string,
  script: string,
  env: Record<string, string>,
  nodeArgs: string[] = [],
): Child {
  const proc = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', '--import', GUARD, script], {
    cwd: ROOT,
    env: { ...process.env, ...env, BENCH_PARENT_PID: String(process.pid) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  if (proc.pid === undefined) throw new Error(`could not start ${name}`);
  let tail = '';
  proc.stderr?.on('data', (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-4000);
  });
  const child: Child = { name, pid: proc.pid, process: proc, stderr: () => tail };
  children.add(child);
  proc.once('exit', () => children.delete(child));
  return child;
}

/** Stops one child: SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
export async function stopChild(child: Child, graceMs = 3000): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.process.once('exit', () => resolve()));
  child.process.kill('SIGTERM');
  const timer = setTimeout(() => child.process.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Stops every child still running. */
export async function stopAll(): Promise<void> {
  await Promise.all([...children].map((c) => stopChild(c)));
}

/** Synchronous last resort (process 'exit' handlers cannot wait): SIGKILL every child. */
export function killAllNow(): void {
  for (const child of children) {
    try {
      child.process.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** CPU time (user + system) a process has used so far, in milliseconds. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces); utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

/** CPU time every core of the machine has spent busy (not idle, not waiting on I/O), in ms. */
export function machineBusyMs(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const [, ...ticks] = line.trim().split(/\s+/).map(Number);
  const total = ticks.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  return ((total - idle) * 1000) / CLOCK_TICKS;
}

/**
 * Measures how much CPU processes other than the bench's own used while it ran: machine busy
 * time minus the bench process and its children. Other work on the machine skews every figure.
 */
export function othersMeter(ownPids: () => number[]): { stop(): { othersMs: number; wallMs: number } } {
  const own = () => {
    const self = process.cpuUsage();
    return ownPids().reduce((n, pid) => n + cpuMs(pid), 0) + (self.user + self.system) / 1000;
  };
  const machine0 = machineBusyMs();
  const own0 = own();
  const wall0 = performance.now();
  return {
    stop: () => ({
      othersMs: Math.max(0, machineBusyMs() - machine0 - (own() - own0)),
      wallMs: performance.now() - wall0,
    }),
  };
}

/** Resident set size of a process, in bytes. */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  return m ? Number(m[1]) * 1024 : 0;
}

/** Samples a process's RSS every `intervalMs` until stopped; returns the samples (bytes). */
export function sampleRss(pid: number, intervalMs: number): { stop(): number[] } {
  const samples = [rssBytes(pid)];
  const timer = setInterval(() => samples.push(rssBytes(pid)), intervalMs);
  return {
    stop() {
      clearInterval(timer);
      samples.push(rssBytes(pid));
      return samples;
    },
  };
}

/** Throws unless every port is free on 127.0.0.1. */
export async function assertPortsFree(ports: number[]): Promise<void> {
  for (const port of ports) {
    await new Promise<void>((resolve, reject) => {
      const server = createServer();
      server.once('error', () =>
        reject(new Error(`port ${port} is in use; set BENCH_PORT_BASE to a free range`)),
      );
      server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
    });
  }
}

/** Polls `probe` until it resolves true, or throws after `timeoutMs` naming the child. */
export async function waitUntil(
  child: Child,
  probe: () => Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null) throw new Error(`${child.name} exited early:\n${child.stderr()}`);
    if (await probe().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${child.name} did not become ready within ${timeoutMs} ms:\n${child.stderr()}`);
}
