/**
 * The robots' signatures, as their platforms document them. Both sign only a timestamp and the
 * secret (never the message), and both refuse a timestamp more than an hour from their own clock,
 * so the timestamp is this machine's real time, not the wallboard's (possibly simulated) clock.
 */
import { createHmac } from 'node:crypto';

/**
 * 钉钉 custom robot, 加签 (https://open.dingtalk.com/document/robots/customize-robot-security-settings):
 * "把 timestamp + "\n" + 密钥当做签名字符串，使用 HmacSHA256 算法计算签名，然后进行 Base64 encode，最后再把签名参数再进行
 * urlEncode，得到最终的签名（需要使用 UTF-8 字符集）". The key is the secret (the `SEC…` string of the robot's
 * security settings), the message is `timestamp + "\n" + secret`, `timestamp` is in milliseconds.
 * Returns the Base64 text; `dingtalkSignedUrl` URL-encodes it into the query.
 */
export function dingtalkSign(timestampMs: number, secret: string): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(Buffer.from(`${timestampMs}\n${secret}`, 'utf8')).digest('base64');
}

/**
 * The robot's URL with `timestamp` and `sign` appended to its query (`…/robot/send?access_token=…&timestamp=…&sign=…`).
 * The configured part of the URL is kept byte for byte.
 */
export function dingtalkSignedUrl(url: string, timestampMs: number, secret: string): string {
  const hash = url.indexOf('#');
  const base = hash >= 0 ? url.slice(0, hash) : url;
  const sep = base.includes('?') ? (base.endsWith('?') || base.endsWith('&') ? '' : '&') : '?';
  return `${base}${sep}timestamp=${timestampMs}&sign=${encodeURIComponent(dingtalkSign(timestampMs, secret))}`;
}

/**
 * 飞书 custom bot, 签名校验 (https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot, "签名校验"):
 * "把 timestamp + "\n" + 密钥当做签名字符串，使用 HmacSHA256 算法计算签名，再进行 Base64 编码". Unlike 钉钉, the string
 * `timestamp + "\n" + secret` is the HMAC **key** and the message is empty (their samples: Java
 * `mac.init(new SecretKeySpec(stringToSign…)); mac.doFinal(new byte[]{})`, Python `hmac.new(key_enc, b"", sha256)`).
 * `timestamp` is in seconds; the body carries it (as a string) with `sign`.
 */
export function feishuSign(timestampSec: number, secret: string): string {
  return createHmac('sha256', Buffer.from(`${timestampSec}\n${secret}`, 'utf8')).update(Buffer.alloc(0)).digest('base64');
}
