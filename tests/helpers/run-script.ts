/**
 * Runs one of the project's entry points (`server/main.ts`, `server/demo.ts`, `server/admin-cli.ts`)
 * as a person would, in a child process through tsx, and collects its exit code and output.
 */
import { spawn } from 'node:child_process';

export interface ScriptResult {
  code: number | null;
  out: string;
  err: string;
}

export interface RunOptions {
  /** stop the script (SIGTERM) as soon as its standard output matches */
  until?: RegExp;
  /** written to standard input, which is then closed (the admin CLI reads passwords there); default empty */
  input?: string;
  timeoutMs?: number;
}

export function runScript(script: string, args: string[], env: Record<string, string>, o: RunOptions = {}): Promise<ScriptResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { env: { ...process.env, ...env }, stdio: 'pipe' });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGTERM'), o.timeoutMs ?? 30_000);
    // a script that refuses before reading its input has closed the pipe: not the test's concern
    child.stdin.on('error', () => {});
    child.stdin.end(o.input ?? '');
    child.stdout.on('data', (d) => {
      out += d;
      if (o.until && o.until.test(out)) child.kill('SIGTERM');
    });
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
  });
}
