/**
 * Starting and steering API child processes (`bench/instance.ts`). Their stdout (the app's
 * log lines, warn and above) is kept, counted and written next to the results.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildMessage, ParentMessage } from '../instance.js';
import { childBaseEnv } from './config.js';

const INSTANCE = fileURLToPath(new URL('../instance.ts', import.meta.url));

export type DoneMessage = Extract<ChildMessage, { type: 'done' }>;

export interface Instance {
  child: ChildProcess;
  /** Resolves with the first message of the given type. */
  next<T extends ChildMessage['type']>(type: T): Promise<Extract<ChildMessage, { type: T }>>;
  send(message: ParentMessage): void;
  logLines(): string[];
  exited: Promise<number | null>;
}

export function startInstance(env: Record<string, string>, mode: 'sync' | 'serve' | 'pace', name = 'instance'): Instance {
  const child = fork(INSTANCE, [], {
    env: { ...childBaseEnv(), ...env, BENCH_MODE: mode },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const lines: string[] = [];
  const collect = (chunk: Buffer) => {
    for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(line);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  const messages: ChildMessage[] = [];
  const waiters: { type: string; resolve: (m: ChildMessage) => void; reject: (e: Error) => void }[] = [];
  let exitError: Error | undefined;

  child.on('message', (raw) => {
    const message = raw as ChildMessage;
    if (message.type === 'error') {
      exitError = new Error(`${name} failed: ${message.message}`);
      for (const w of waiters.splice(0)) w.reject(exitError);
      return;
    }
    const i = waiters.findIndex((w) => w.type === message.type);
    if (i >= 0) waiters.splice(i, 1)[0]!.resolve(message);
    else messages.push(message);
  });
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => {
      if (code !== 0) {
        exitError ??= new Error(`${name} exited with code ${code}:\n${lines.slice(-20).join('\n')}`);
        for (const w of waiters.splice(0)) w.reject(exitError);
      }
      resolve(code);
    });
  });

  return {
    child,
    exited,
    next(type) {
      const i = messages.findIndex((m) => m.type === type);
      if (i >= 0) return Promise.resolve(messages.splice(i, 1)[0] as never);
      if (exitError) return Promise.reject(exitError);
      return new Promise((resolve, reject) => waiters.push({ type, resolve: resolve as (m: ChildMessage) => void, reject }));
    },
    send: (message) => child.send(message),
    logLines: () => lines,
  };
}
