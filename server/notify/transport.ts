/**
 * Sending: a JSON POST with a timeout and the platform's answer checked, and e-mail through
 * nodemailer. Every outcome is a `SendResult`, never a throw.
 */
import nodemailer from 'nodemailer';
import type { EmailMessage, HttpRequest, ResponseCheck } from './formats';

export interface SendResult {
  ok: boolean;
  /** the HTTP status, the SMTP reply code, or what went wrong before there was one (`timeout`, `network`, `smtp`, `no_smtp`) */
  status: number | string;
  /** why it failed (the platform's errcode and message, the error), null on success */
  error: string | null;
}

/** The most of a response body read: the robots answer with a few dozen bytes. */
const MAX_RESPONSE_BYTES = 64 * 1024;

async function readSome(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
      if (size >= MAX_RESPONSE_BYTES) break;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).toString('utf8').slice(0, MAX_RESPONSE_BYTES);
}

const short = (s: string, n = 200) => (s.length > n ? `${s.slice(0, n)}…` : s);

/** Whether the platform's answer says the message was taken. */
export function checkAnswer(check: ResponseCheck, status: number, text: string): SendResult {
  if (status < 200 || status > 299) return { ok: false, status, error: `HTTP ${status}${text ? `: ${short(text.trim())}` : ''}` };
  if (check === 'status') return { ok: true, status, error: null };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, status, error: `answer is not JSON: ${short(text.trim()) || '(empty)'}` };
  }
  const o = (json !== null && typeof json === 'object' ? json : {}) as Record<string, unknown>;
  if (check === 'errcode') {
    // 企业微信 and 钉钉: {"errcode":0,"errmsg":"ok"}; anything else is a refusal (a bad key, a bad signature, a rate limit)
    if (o['errcode'] === 0) return { ok: true, status, error: null };
    return { ok: false, status, error: `errcode ${String(o['errcode'] ?? '(none)')}: ${short(String(o['errmsg'] ?? ''))}` };
  }
  // 飞书: {"code":0,"msg":"success","data":{}}; older answers carry only {"StatusCode":0,"StatusMessage":"success"}
  const code = 'code' in o ? o['code'] : o['StatusCode'];
  if (code === 0) return { ok: true, status, error: null };
  return { ok: false, status, error: `code ${String(code ?? '(none)')}: ${short(String(o['msg'] ?? o['StatusMessage'] ?? ''))}` };
}

/** POSTs the request's JSON body; a request taking longer than `timeoutMs` (connect to last byte) fails with `timeout`. */
export async function postJson(req: HttpRequest, timeoutMs: number): Promise<SendResult> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const res = await fetch(req.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'hotline-wallboard' },
      body: JSON.stringify(req.body),
      redirect: 'manual',
      signal,
    });
    return checkAnswer(req.check, res.status, await readSome(res));
  } catch (err) {
    if (signal.aborted) return { ok: false, status: 'timeout', error: `no answer within ${timeoutMs / 1000} s` };
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return { ok: false, status: 'network', error: cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err)) };
  }
}

export interface Mailer {
  send(message: EmailMessage): Promise<SendResult>;
  close(): void;
}

/** E-mail through SMTP_URL (smtp:// or smtps://, credentials in the URL), each stage bounded by `timeoutMs`. */
export function smtpMailer(smtpUrl: string, timeoutMs: number): Mailer {
  const transport = nodemailer.createTransport({ url: smtpUrl, connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs });
  return {
    async send(m) {
      try {
        const info = await transport.sendMail({ from: m.from, to: m.to, subject: m.subject, text: m.text });
        const code = /^(\d{3})/.exec(String(info.response ?? ''));
        const refused = info.rejected?.length ?? 0;
        if (refused > 0 && (info.accepted?.length ?? 0) === 0) return { ok: false, status: code ? Number(code[1]) : 'smtp', error: `every recipient refused` };
        return { ok: true, status: code ? Number(code[1]) : 'sent', error: null };
      } catch (err) {
        const e = err as { responseCode?: number; code?: string; message?: string };
        return { ok: false, status: e.responseCode ?? 'smtp', error: short(`${e.code ? `${e.code}: ` : ''}${e.message ?? String(err)}`) };
      }
    },
    close() {
      transport.close();
    },
  };
}
