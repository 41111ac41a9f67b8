/**
 * Runs one of the project's entry points (`server/main.ts`, `server/demo.ts`, `server/admin-cli.ts`)
 * as a person would, in a child process through tsx, and collects its exit code and output.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

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

interface Child {
  child: ChildProcessWithoutNullStreams;
  result: ScriptResult;
  /** settles when the process has exited */
  exited: Promise<ScriptResult>;
}

function spawnScript(script: string, args: string[], env: Record<string, string>, o: RunOptions, onOut: (out: string) => void): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { env: { ...process.env, ...env }, stdio: 'pipe' });
  const result: ScriptResult = { code: null, out: '', err: '' };
  const timer = setTimeout(() => child.kill('SIGTERM'), o.timeoutMs ?? 30_000);
  // a script that refuses before reading its input has closed the pipe: not the test's concern
  child.stdin.on('error', () => {});
  child.stdin.end(o.input ?? '');
  child.stdout.on('data', (d) => {
    result.out += d;
    onOut(result.out);
  });
  child.stderr.on('data', (d) => (result.err += d));
  const exited = new Promise<ScriptResult>((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(timer);
      result.code = code;
      resolve(result);
    }),
  );
  return { child, result, exited };
}

export function runScript(script: string, args: string[], env: Record<string, string>, o: RunOptions = {}): Promise<ScriptResult> {
  const { child, exited } = spawnScript(script, args, env, o, (out) => {
    if (o.until && o.until.test(out)) child.kill('SIGTERM');
  });
  return exited;
}

export interface RunningScript {
  /** the standard output so far */
  readonly out: string;
  /** SIGTERM, then the whole output and exit code */
  stop(): Promise<ScriptResult>;
}

/**
 * Starts an entry point and keeps it running: resolves once its standard output matches `ready`,
 * rejects (with its output) when it exits first or `timeoutMs` passes.
 */
export function startScript(script: string, env: Record<string, string>, ready: RegExp, timeoutMs = 30_000): Promise<RunningScript> {
  return new Promise((resolve, reject) => {
    let up = false;
    const { child, result, exited } = spawnScript(script, [], env, { timeoutMs: 10 * 60_000 }, (out) => {
      if (up || !ready.test(out)) return;
      up = true;
      clearTimeout(timer);
      resolve({
        get out() {
          return result.out;
        },
        stop() {
          child.kill('SIGTERM');
          return exited;
        },
      });
    });
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    void exited.then((r) => {
      clearTimeout(timer);
      if (!up) reject(new Error(`${script} exited (${r.code}) before it was ready:\n${r.out}\n${r.err}`));
    });
  });
}
