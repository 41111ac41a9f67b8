/**
 * Each channel kind's request for a message (OPERATIONS.md, "Notifications"; the platforms' docs are
 * cited at each format). Pure: the timestamp of a signature is passed in.
 */
import type { NotifyChannel } from '../../shared/config';
import type { NotifyMessage } from './message';
import { dingtalkSignedUrl, feishuSign } from './sign';

/**
 * Text from outside inside markdown: characters the robots' markdown would read as syntax
 * (emphasis, links, headings, quotes, 企业微信's `<font>` and `<@userid>` tags) become their
 * full-width forms, which read the same in Chinese text and mean nothing to a markdown parser.
 */
export function markdownSafe(text: string): string {
  const map: Record<string, string> = { '*': '＊', _: '＿', '`': '｀', '[': '［', ']': '］', '(': '（', ')': '）', '<': '＜', '>': '＞', '#': '＃', '~': '～', '|': '｜', '\\': '＼', '!': '！' };
  return text.replace(/[*_`[\]()<>#~|\\!]/g, (c) => map[c]!);
}

/** The message as plain text: the 飞书 text message and the e-mail body. */
export function plainText(m: NotifyMessage): string {
  const lines = [`【${m.center}】${m.title}`, ...m.fields.map((f) => `${f.label}：${f.value}`)];
  if (m.link) lines.push(`${m.linkText}：${m.link}`);
  return lines.join('\n');
}

/**
 * 企业微信 group robot, markdown message (https://developer.work.weixin.qq.com/document/path/91770,
 * 群机器人配置说明): `{"msgtype":"markdown","markdown":{"content"}}`, content at most 4096 bytes,
 * markdown subset (headings, bold, links, quotes, `<font color="warning|info|comment">`).
 */
export function wecomBody(m: NotifyMessage): { msgtype: 'markdown'; markdown: { content: string } } {
  const colour = m.severity === 'info' ? 'info' : 'warning';
  const lines = [
    `### ${markdownSafe(m.center)}`,
    `**<font color="${colour}">${markdownSafe(m.title)}</font>**`,
    ...m.fields.map((f) => `> ${f.label}：${markdownSafe(f.value)}`),
  ];
  if (m.link) lines.push(`[${m.linkText}](${m.link})`);
  return { msgtype: 'markdown', markdown: { content: lines.join('\n') } };
}

/**
 * 钉钉 custom robot, markdown message (https://open.dingtalk.com/document/robots/custom-robot-access,
 * 消息类型 markdown): `{"msgtype":"markdown","markdown":{"title","text"}}`; `title` is what the
 * conversation list shows. Paragraphs need a blank line between them.
 */
export function dingtalkBody(m: NotifyMessage): { msgtype: 'markdown'; markdown: { title: string; text: string } } {
  const parts = [`#### ${markdownSafe(m.center)}`, `### ${markdownSafe(m.title)}`, ...m.fields.map((f) => `**${f.label}**：${markdownSafe(f.value)}`)];
  if (m.link) parts.push(`[${m.linkText}](${m.link})`);
  return { msgtype: 'markdown', markdown: { title: m.title, text: parts.join('\n\n') } };
}

export interface FeishuBody {
  timestamp?: string;
  sign?: string;
  msg_type: 'text';
  content: { text: string };
}

/**
 * 飞书 custom bot, text message (https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot):
 * `{"msg_type":"text","content":{"text"}}`, with `timestamp` (seconds, as a string) and `sign` in the
 * body when the bot checks signatures (签名校验).
 */
export function feishuBody(m: NotifyMessage, signed?: { timestampSec: number; secret: string }): FeishuBody {
  const body: FeishuBody = { msg_type: 'text', content: { text: plainText(m) } };
  if (!signed) return body;
  return { timestamp: String(signed.timestampSec), sign: feishuSign(signed.timestampSec, signed.secret), ...body };
}

export interface WebhookBody {
  trigger: string;
  id: string;
  title: string;
  severity: string;
  /** epoch ms the episode began */
  at: number;
  link: string | null;
}

/** A plain webhook: the contract's `{"trigger","id","title","severity","at","link"}`. */
export function webhookBody(m: NotifyMessage): WebhookBody {
  return { trigger: m.trigger, id: m.id, title: m.title, severity: m.severity, at: m.at, link: m.link };
}

export interface EmailMessage {
  from: string;
  to: string[];
  subject: string;
  text: string;
}

/** The sender: `wallboard@<host of PUBLIC_URL>`, or `wallboard@localhost` without one. */
export function emailFrom(publicUrl: string | null): string {
  let host = 'localhost';
  if (publicUrl) {
    try {
      host = new URL(publicUrl).hostname.replace(/^\[|\]$/g, '') || host;
    } catch {
      /* keep localhost */
    }
  }
  // an IP address is no mail domain: a literal is written in brackets
  if (/^[\d.]+$/.test(host) || host.includes(':')) host = `[${host}]`;
  return `wallboard@${host}`;
}

export function emailOf(m: NotifyMessage, to: readonly string[], from: string): EmailMessage {
  return { from, to: [...to], subject: `【${m.center}】${m.title}`, text: plainText(m) };
}

/** How a response says it worked: 企业微信 and 钉钉 `errcode: 0`, 飞书 `code: 0`, a webhook any 2xx. */
export type ResponseCheck = 'errcode' | 'feishu' | 'status';

export interface HttpRequest {
  url: string;
  body: unknown;
  check: ResponseCheck;
}

/** The POST for a robot or webhook channel, signed with `nowMs` when it has a secret. */
export function httpRequestFor(channel: NotifyChannel, m: NotifyMessage, nowMs: number): HttpRequest {
  const url = channel.url;
  if (!url) throw new Error(`channel ${channel.name} has no url`);
  switch (channel.kind) {
    case 'wecom':
      return { url, body: wecomBody(m), check: 'errcode' };
    case 'dingtalk':
      return { url: channel.secret ? dingtalkSignedUrl(url, nowMs, channel.secret) : url, body: dingtalkBody(m), check: 'errcode' };
    case 'feishu':
      return { url, body: feishuBody(m, channel.secret ? { timestampSec: Math.floor(nowMs / 1000), secret: channel.secret } : undefined), check: 'feishu' };
    case 'webhook':
      return { url, body: webhookBody(m), check: 'status' };
    case 'email':
      throw new Error(`channel ${channel.name} sends e-mail`);
  }
}
