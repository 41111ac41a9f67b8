/**
 * Notifications without the network: the configuration's rules, which episodes a snapshot shows,
 * what each message says, each channel kind's format and the robots' signatures (the expected
 * signatures are computed here from the platforms' documented algorithms, and checked against fixed
 * vectors computed with Python's hmac), and how the robots' answers are read.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildConfig, defaultConfig, type NotifyChannel } from '../../shared/config';
import type { AlertView, FeedView, IncidentView, Snapshot } from '../../shared/snapshot';
import { channelTakes, episodesIn, type Episode } from '../../server/notify/episodes';
import { duration, localTime, messageFor, testMessage, type MessageContext } from '../../server/notify/message';
import { dingtalkBody, emailFrom, emailOf, feishuBody, httpRequestFor, markdownSafe, plainText, webhookBody, wecomBody } from '../../server/notify/formats';
import { dingtalkSign, dingtalkSignedUrl, feishuSign } from '../../server/notify/sign';
import { checkAnswer } from '../../server/notify/transport';

const config = defaultConfig('Asia/Shanghai');
const PUBLIC = 'https://wall.heze12319.cn';
const ctx: MessageContext = { config, publicUrl: PUBLIC };
/** 2026-03-05 14:03:00 in Shanghai */
const T = Date.UTC(2026, 2, 5, 6, 3, 0);
const CALLER = '13812345678';

function incident(over: Partial<IncidentView> = {}): IncidentView {
  return {
    incidentId: 'inc-7',
    title: '燃气泄漏',
    severity: 'major',
    location: '牡丹区中华路与人民路交叉口',
    raisedAt: T,
    raisedBy: '1004',
    status: 'open',
    acknowledgements: [],
    escalatedTo: null,
    reportedAt: null,
    resolvedAt: null,
    report: null,
    resolvedBy: null,
    ...over,
  };
}

function alert(over: Partial<AlertView> & Pick<AlertView, 'id' | 'rule'>): AlertView {
  return { severity: 'critical', subject: 'x', since: T + 120_000, params: {}, message: '', acknowledgedBy: null, acknowledgedAt: null, ...over };
}

const unacked = alert({
  id: 'incident_unacknowledged:inc-7',
  rule: 'incident_unacknowledged',
  subject: 'inc-7',
  params: { incidentId: 'inc-7', title: '燃气泄漏', severity: 'major', ackSec: 120 },
});

function snapshot(s: { incidents?: IncidentView[]; alerts?: AlertView[]; feeds?: FeedView[] }): Snapshot {
  return { incidents: s.incidents ?? [], alerts: s.alerts ?? [], feeds: s.feeds ?? [] } as unknown as Snapshot;
}

const episode = (s: Snapshot, trigger: string, id?: string): Episode => {
  const e = episodesIn(s).find((x) => x.trigger === trigger && (id === undefined || x.id === id));
  if (!e) throw new Error(`no ${trigger} episode`);
  return e;
};

/** What the documentation says, written out again here. */
const expectedDingtalk = (ts: number, secret: string) => createHmac('sha256', secret).update(`${ts}\n${secret}`).digest('base64');
const expectedFeishu = (ts: number, secret: string) => createHmac('sha256', `${ts}\n${secret}`).update('').digest('base64');

describe('the notify configuration', () => {
  const parse = (notify: unknown) => buildConfig({ notify }, 'Asia/Shanghai').notify;
  const fails = (notify: unknown) => {
    try {
      parse(notify);
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error('accepted');
  };
  const on = ['incident.raised'];

  it('is empty by default and keeps every kind as written', () => {
    expect(defaultConfig().notify).toEqual([]);
    const channels = [
      { name: 'wecom-值班群', kind: 'wecom', url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k', on },
      { name: 'ding', kind: 'dingtalk', url: 'https://oapi.dingtalk.com/robot/send?access_token=t', secret: 'SECabc', on: ['alert.critical', 'feed.down'] },
      { name: 'feishu', kind: 'feishu', url: 'https://open.feishu.cn/open-apis/bot/v2/hook/h', secret: 's', on: ['incident_director_pending'] },
      { name: 'ops.hook', kind: 'webhook', url: 'http://10.0.0.5:9000/hook', on: ['incident_report_overdue', 'incident_unacknowledged'] },
      { name: 'mail', kind: 'email', to: ['director@heze12319.cn', 'lead@heze12319.cn'], on },
    ];
    expect(parse(channels)).toEqual(channels);
    expect(Object.isFrozen(buildConfig({ notify: channels }, 'Asia/Shanghai').notify[0]!.on)).toBe(true);
  });

  it('refuses what cannot work, naming the key', () => {
    expect(fails([{ name: 'a', kind: 'dingtalk', on }])).toBe('config notify.0.url: required for a dingtalk channel (https:// or http://)');
    expect(fails([{ name: 'a', kind: 'webhook', url: 'ftp://x/y', on }])).toBe('config notify.0.url: must be an https:// or http:// URL');
    expect(fails([{ name: 'a', kind: 'wecom', url: 'qyapi.weixin.qq.com/send', on }])).toBe('config notify.0.url: must be an https:// or http:// URL');
    expect(fails([{ name: 'a', kind: 'email', on }])).toBe('config notify.0.to: required for an email channel: a list of addresses');
    expect(fails([{ name: 'a', kind: 'email', to: [], on }])).toBe('config notify.0.to: list at least one address');
    expect(fails([{ name: 'a', kind: 'email', to: ['not-an-address'], on }])).toBe('config notify.0.to.0: must be an e-mail address');
    expect(fails([{ name: 'a', kind: 'email', to: ['a@b.cn'], url: 'https://x', on }])).toBe('config notify.0.url: an email channel sends through SMTP_URL; remove url');
    expect(fails([{ name: 'a', kind: 'webhook', url: 'https://x', to: ['a@b.cn'], on }])).toMatch(/^config notify\.0\.to: only an email channel has recipients/);
    expect(fails([{ name: 'a', kind: 'wecom', url: 'https://x', secret: 's', on }])).toMatch(/^config notify\.0\.secret: only dingtalk and feishu robots sign/);
    expect(fails([{ name: 'a', kind: 'sms', url: 'https://x', on }])).toBe('config notify.0.kind: must be one of wecom, dingtalk, feishu, webhook, email');
    expect(fails([{ name: 'a', kind: 'webhook', url: 'https://x', on: [] }])).toMatch(/^config notify\.0\.on: list at least one trigger/);
    expect(fails([{ name: 'a', kind: 'webhook', url: 'https://x', on: ['incident.resolved'] }])).toMatch(/^config notify\.0\.on\.0: must be one of incident\.raised, /);
    expect(fails([{ name: 'a', kind: 'webhook', url: 'https://x', on: ['feed.down', 'feed.down'] }])).toBe('config notify.0.on: lists a trigger twice');
    expect(fails([{ name: 'a:b', kind: 'webhook', url: 'https://x', on }])).toMatch(/^config notify\.0\.name: use 1–32 letters/);
    expect(fails([{ name: 'a', kind: 'webhook', url: 'https://x', on, header: 'x' }])).toBe('config notify.0: Unrecognized key: "header"');
    expect(fails([{ name: 'a', kind: 'webhook', url: 'https://x', on }, { name: 'a', kind: 'wecom', url: 'https://y', on }])).toBe('config notify.1.name: two channels are named "a"');
  });
});

describe('episodes', () => {
  const feeds: FeedView[] = [
    { name: 'ami-1', connected: false, since: T - 60_000, lastEventAt: null },
    { name: 'ami-2', connected: true, since: T, lastEventAt: T },
  ];
  const waiting = alert({ id: 'call_waiting:c9:123', rule: 'call_waiting', params: { queue: 'general', waitSec: 60 } });
  const warning = alert({ id: 'busy_too_long:1001:5', rule: 'busy_too_long', severity: 'warning', params: { agentId: '1001', name: null, minutes: 15 } });
  const s = snapshot({ incidents: [incident(), incident({ incidentId: 'inc-old', status: 'resolved', resolvedAt: T + 5 })], alerts: [unacked, waiting, warning], feeds });

  it('lists open incidents, the incident rules, every critical alert and every feed down, by id', () => {
    expect(episodesIn(s).map((e) => [e.trigger, e.id])).toEqual([
      ['incident.raised', 'inc-7'],
      ['incident_unacknowledged', 'incident_unacknowledged:inc-7'],
      ['alert.critical', 'incident_unacknowledged:inc-7'],
      ['alert.critical', 'call_waiting:c9:123'],
      ['feed.down', `ami-1:${T - 60_000}`],
    ]);
  });

  it('sends an incident rule once to a channel listening to it and to alert.critical', () => {
    const critical = episode(s, 'alert.critical', unacked.id);
    expect(channelTakes(['alert.critical'], critical)).toBe(true);
    expect(channelTakes(['alert.critical', 'incident_unacknowledged'], critical)).toBe(false);
    expect(channelTakes(['alert.critical', 'incident_unacknowledged'], episode(s, 'incident_unacknowledged'))).toBe(true);
    expect(channelTakes(['alert.critical', 'incident_director_pending'], critical)).toBe(true);
    expect(channelTakes(['feed.down'], critical)).toBe(false);
  });
});

describe('messages', () => {
  it('say what, where, since when (local time), who must act, and link to the screen of whoever must', () => {
    const m = messageFor(episode(snapshot({ incidents: [incident()] }), 'incident.raised'), ctx);
    expect(m).toMatchObject({ trigger: 'incident.raised', id: 'inc-7', title: '新重大事件：燃气泄漏', severity: 'major', at: T, link: `${PUBLIC}/lead`, linkText: '打开值班长页面' });
    expect(m.fields).toEqual([
      { label: '事件', value: '重大事件「燃气泄漏」（1004号接线员上报）' },
      { label: '地点', value: '牡丹区中华路与人民路交叉口' },
      { label: '时间', value: '2026-03-05 14:03 上报' },
      { label: '处置', value: '值班长须在 2 分钟内确认；重大事件须中心主任在 10 分钟内确认，1 小时内提交书面报告' },
    ]);
    const urgent = messageFor(episode(snapshot({ incidents: [incident({ severity: 'urgent', location: null, raisedBy: null })] }), 'incident.raised'), ctx);
    expect(urgent.title).toBe('新紧急事件：燃气泄漏');
    expect(urgent.fields.map((f) => f.label)).toEqual(['事件', '时间', '处置']);
    expect(urgent.fields.at(-1)!.value).toBe('值班长须在 2 分钟内确认');
  });

  it('send the escalations to the director, the overdue report to the lead', () => {
    const s = snapshot({
      incidents: [incident()],
      alerts: [
        unacked,
        alert({ id: 'incident_director_pending:inc-7', rule: 'incident_director_pending', since: T + 600_000, params: { incidentId: 'inc-7', title: '燃气泄漏', severity: 'major' } }),
        alert({ id: 'incident_report_overdue:inc-7', rule: 'incident_report_overdue', since: T + 3_600_000, params: { incidentId: 'inc-7', title: '燃气泄漏', severity: 'major', dueMin: 60 } }),
      ],
    });
    const u = messageFor(episode(s, 'incident_unacknowledged'), ctx);
    expect(u.title).toBe('事件超时未确认：燃气泄漏');
    expect(u.link).toBe(`${PUBLIC}/director`);
    expect(u.linkText).toBe('打开中心主任页面');
    expect(u.fields).toEqual([
      { label: '事件', value: '重大事件「燃气泄漏」 120 秒内值班长未确认，已上报中心主任' },
      { label: '地点', value: '牡丹区中华路与人民路交叉口' },
      { label: '时间', value: '2026-03-05 14:05 起' },
      { label: '处置', value: '值班长超过 2 分钟未确认，已上报中心主任：请中心主任督办，值班长立即确认' },
    ]);
    const d = messageFor(episode(s, 'incident_director_pending'), ctx);
    expect([d.title, d.link, d.fields.at(-1)!.value]).toEqual(['重大事件待中心主任确认：燃气泄漏', `${PUBLIC}/director`, '请中心主任立即确认（重大事件须在 10 分钟内确认）']);
    const r = messageFor(episode(s, 'incident_report_overdue'), ctx);
    expect([r.title, r.link, r.fields[2]!.value]).toEqual(['重大事件书面报告超时：燃气泄漏', `${PUBLIC}/lead`, '2026-03-05 15:03 起']);
    // the same alert under alert.critical
    const c = messageFor(episode(s, 'alert.critical', unacked.id), ctx);
    expect([c.title, c.severity, c.link]).toEqual(['严重告警：重大事件「燃气泄漏」 120 秒内值班长未确认，已上报中心主任', 'critical', `${PUBLIC}/director`]);
  });

  it('say what a critical alert and a feed down are, from their figures only', () => {
    const waiting = alert({ id: 'call_waiting:c9:1', rule: 'call_waiting', subject: 'c9', params: { queue: 'general', waitSec: 60 } });
    const m = messageFor(episode(snapshot({ alerts: [waiting] }), 'alert.critical'), ctx);
    expect(m.title).toBe('严重告警：普通队列来电等待已超过 60 秒');
    expect(m.fields.at(-1)!.value).toBe('请值班长立即调配坐席接听');
    const f = messageFor(episode(snapshot({ feeds: [{ name: 'ami-heze-1', connected: false, since: T, lastEventAt: null }] }), 'feed.down'), ctx);
    expect(f).toMatchObject({ id: `ami-heze-1:${T}`, title: '话务数据中断：ami-heze-1', severity: 'critical', link: `${PUBLIC}/lead` });
    expect(f.fields[1]).toEqual({ label: '时间', value: '2026-03-05 14:03 起' });
  });

  it('carry no link without PUBLIC_URL', () => {
    const m = messageFor(episode(snapshot({ incidents: [incident()] }), 'incident.raised'), { config, publicUrl: null });
    expect(m.link).toBeNull();
    expect(plainText(m)).not.toContain('http');
    expect(wecomBody(m).markdown.content).not.toContain('](');
    expect(dingtalkBody(m).markdown.text).not.toContain('](');
  });

  it('never carry a caller number, even one typed into an incident title or location', () => {
    const typed = incident({ title: `${CALLER} 反映燃气泄漏`, location: `中华路 12 号（来电 0530-5624108）` });
    const m = messageFor(episode(snapshot({ incidents: [typed] }), 'incident.raised'), ctx);
    const all = [plainText(m), JSON.stringify(wecomBody(m)), JSON.stringify(dingtalkBody(m)), JSON.stringify(feishuBody(m)), JSON.stringify(webhookBody(m))].join('\n');
    expect(all).not.toContain(CALLER);
    expect(all).not.toContain('5624108');
    expect(m.title).toBe('新重大事件：138****5678 反映燃气泄漏');
  });

  it('times in the center time zone; durations in words', () => {
    expect(localTime(T, 'Asia/Shanghai')).toBe('2026-03-05 14:03');
    expect(localTime(T, 'UTC')).toBe('2026-03-05 06:03');
    expect([duration(120), duration(90), duration(3600), duration(600)]).toEqual(['2 分钟', '90 秒', '1 小时', '10 分钟']);
  });

  it('a test message says it is one and who sent it', () => {
    const m = testMessage({ name: 'ding', kind: 'dingtalk' }, 'admin', T, ctx);
    expect(m).toMatchObject({ trigger: 'test', id: `test:ding:${T}`, title: '测试消息：通知渠道「ding」', severity: 'info', link: `${PUBLIC}/lead` });
    expect(plainText(m)).toContain('钉钉群机器人');
    expect(plainText(m)).toContain('系统管理员 admin');
  });
});

describe('formats', () => {
  const m = messageFor(episode(snapshot({ incidents: [incident()], alerts: [unacked] }), 'incident_unacknowledged'), ctx);
  const center = config.centerName;

  it('企业微信: {"msgtype":"markdown","markdown":{"content"}}', () => {
    const b = wecomBody(m);
    expect(Object.keys(b)).toEqual(['msgtype', 'markdown']);
    expect(Object.keys(b.markdown)).toEqual(['content']);
    expect(b.markdown.content).toBe(
      [
        `### ${center}`,
        '**<font color="warning">事件超时未确认：燃气泄漏</font>**',
        '> 事件：重大事件「燃气泄漏」 120 秒内值班长未确认，已上报中心主任',
        '> 地点：牡丹区中华路与人民路交叉口',
        '> 时间：2026-03-05 14:05 起',
        '> 处置：值班长超过 2 分钟未确认，已上报中心主任：请中心主任督办，值班长立即确认',
        `[打开中心主任页面](${PUBLIC}/director)`,
      ].join('\n'),
    );
    expect(Buffer.byteLength(b.markdown.content)).toBeLessThan(4096);
  });

  it('钉钉: {"msgtype":"markdown","markdown":{"title","text"}}, paragraphs apart', () => {
    const b = dingtalkBody(m);
    expect(b).toEqual({
      msgtype: 'markdown',
      markdown: {
        title: '事件超时未确认：燃气泄漏',
        text: [
          `#### ${center}`,
          '### 事件超时未确认：燃气泄漏',
          '**事件**：重大事件「燃气泄漏」 120 秒内值班长未确认，已上报中心主任',
          '**地点**：牡丹区中华路与人民路交叉口',
          '**时间**：2026-03-05 14:05 起',
          '**处置**：值班长超过 2 分钟未确认，已上报中心主任：请中心主任督办，值班长立即确认',
          `[打开中心主任页面](${PUBLIC}/director)`,
        ].join('\n\n'),
      },
    });
  });

  it('飞书: {"msg_type":"text","content":{"text"}}, with timestamp and sign when signed', () => {
    const text = [
      `【${center}】事件超时未确认：燃气泄漏`,
      '事件：重大事件「燃气泄漏」 120 秒内值班长未确认，已上报中心主任',
      '地点：牡丹区中华路与人民路交叉口',
      '时间：2026-03-05 14:05 起',
      '处置：值班长超过 2 分钟未确认，已上报中心主任：请中心主任督办，值班长立即确认',
      `打开中心主任页面：${PUBLIC}/director`,
    ].join('\n');
    expect(feishuBody(m)).toEqual({ msg_type: 'text', content: { text } });
    expect(feishuBody(m, { timestampSec: 1_700_000_000, secret: 'fs-secret-12319' })).toEqual({
      timestamp: '1700000000',
      sign: expectedFeishu(1_700_000_000, 'fs-secret-12319'),
      msg_type: 'text',
      content: { text },
    });
  });

  it('webhook: {"trigger","id","title","severity","at","link"}', () => {
    expect(webhookBody(m)).toEqual({ trigger: 'incident_unacknowledged', id: 'incident_unacknowledged:inc-7', title: '事件超时未确认：燃气泄漏', severity: 'critical', at: T + 120_000, link: `${PUBLIC}/director` });
    expect(webhookBody({ ...m, link: null }).link).toBeNull();
  });

  it('e-mail: a subject and the plain text, from wallboard@ the host of PUBLIC_URL', () => {
    expect(emailOf(m, ['director@heze12319.cn'], emailFrom(PUBLIC))).toEqual({
      from: 'wallboard@wall.heze12319.cn',
      to: ['director@heze12319.cn'],
      subject: `【${center}】事件超时未确认：燃气泄漏`,
      text: plainText(m),
    });
    expect(emailFrom(null)).toBe('wallboard@localhost');
    expect(emailFrom('http://10.1.2.3:8080')).toBe('wallboard@[10.1.2.3]');
  });

  it('markdown syntax in text from outside is shown, not obeyed', () => {
    expect(markdownSafe('[点我](http://x) **粗** <font color="red">#1</font> <@all>')).toBe('［点我］（http://x） ＊＊粗＊＊ ＜font color="red"＞＃1＜/font＞ ＜@all＞');
    const evil = messageFor(episode(snapshot({ incidents: [incident({ title: '[钓鱼](http://evil.example) <@all>' })] }), 'incident.raised'), ctx);
    expect(wecomBody(evil).markdown.content).not.toContain('](http://evil');
    expect(wecomBody(evil).markdown.content).not.toContain('<@all>');
    expect(dingtalkBody(evil).markdown.text).not.toContain('](http://evil');
  });
});

describe('signatures', () => {
  it('钉钉: HmacSHA256 keyed with the secret over timestamp + "\\n" + secret, Base64, URL-encoded in the query', () => {
    const ts = 1_700_000_000_000;
    const secret = 'SEC0123456789abcdef测试';
    // computed with Python: base64.b64encode(hmac.new(secret, f"{ts}\n{secret}", sha256).digest())
    expect(dingtalkSign(ts, secret)).toBe('XVa1abFERqwLOjv5T+m4QlwUkx6tGtr/TUPgJDyajwk=');
    expect(dingtalkSign(ts, secret)).toBe(expectedDingtalk(ts, secret));
    expect(dingtalkSignedUrl('https://oapi.dingtalk.com/robot/send?access_token=abc', ts, secret)).toBe(
      'https://oapi.dingtalk.com/robot/send?access_token=abc&timestamp=1700000000000&sign=XVa1abFERqwLOjv5T%2Bm4QlwUkx6tGtr%2FTUPgJDyajwk%3D',
    );
    expect(dingtalkSignedUrl('http://127.0.0.1:9/robot', ts, 'k')).toBe(`http://127.0.0.1:9/robot?timestamp=${ts}&sign=${encodeURIComponent(expectedDingtalk(ts, 'k'))}`);
  });

  it('飞书: HmacSHA256 keyed with timestamp + "\\n" + secret over an empty message, Base64', () => {
    // computed with Python: base64.b64encode(hmac.new(f"{ts}\n{secret}", b"", sha256).digest())
    expect(feishuSign(1_700_000_000, 'fs-secret-12319')).toBe('p89K9uuobEzfgIeTZyirX9ADjl3Xs+7fnEmpKn47GyA=');
    expect(feishuSign(1_700_000_000, 'fs-secret-12319')).toBe(expectedFeishu(1_700_000_000, 'fs-secret-12319'));
    // not 钉钉's: the roles of key and message differ
    expect(feishuSign(1_700_000_000, 'x')).not.toBe(expectedDingtalk(1_700_000_000, 'x'));
  });

  it('a channel with a secret is signed at the given time; one without is not', () => {
    const m = testMessage({ name: 'x', kind: 'feishu' }, 'admin', T, ctx);
    const ch = (over: Partial<NotifyChannel>): NotifyChannel => ({ name: 'x', kind: 'dingtalk', url: 'https://oapi.dingtalk.com/robot/send?access_token=t', on: ['feed.down'], ...over });
    const now = 1_700_000_000_123;
    expect(httpRequestFor(ch({}), m, now).url).toBe('https://oapi.dingtalk.com/robot/send?access_token=t');
    expect(httpRequestFor(ch({ secret: 'SECx' }), m, now).url).toBe(`https://oapi.dingtalk.com/robot/send?access_token=t&timestamp=${now}&sign=${encodeURIComponent(expectedDingtalk(now, 'SECx'))}`);
    const fs = httpRequestFor(ch({ kind: 'feishu', url: 'https://open.feishu.cn/open-apis/bot/v2/hook/h', secret: 'k' }), m, now);
    expect(fs).toMatchObject({ url: 'https://open.feishu.cn/open-apis/bot/v2/hook/h', check: 'feishu', body: { timestamp: '1700000000', sign: expectedFeishu(1_700_000_000, 'k') } });
    expect(httpRequestFor(ch({ kind: 'wecom', url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k' }), m, now).check).toBe('errcode');
    expect(httpRequestFor(ch({ kind: 'webhook', url: 'https://hooks.example/x' }), m, now).check).toBe('status');
  });
});

describe("the robots' answers", () => {
  it('企业微信 and 钉钉: errcode 0 is success, anything else a failure', () => {
    expect(checkAnswer('errcode', 200, '{"errcode":0,"errmsg":"ok"}')).toEqual({ ok: true, status: 200, error: null });
    expect(checkAnswer('errcode', 200, '{"errcode":310000,"errmsg":"sign not match"}')).toEqual({ ok: false, status: 200, error: 'errcode 310000: sign not match' });
    expect(checkAnswer('errcode', 200, '{"errcode":93000,"errmsg":"invalid webhook url"}').ok).toBe(false);
    expect(checkAnswer('errcode', 200, 'ok').ok).toBe(false);
    expect(checkAnswer('errcode', 200, '{}').error).toBe('errcode (none): ');
  });

  it('飞书: code 0 (or the older StatusCode 0) is success', () => {
    expect(checkAnswer('feishu', 200, '{"code":0,"msg":"success","data":{}}').ok).toBe(true);
    expect(checkAnswer('feishu', 200, '{"StatusCode":0,"StatusMessage":"success"}').ok).toBe(true);
    expect(checkAnswer('feishu', 200, '{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time"}')).toEqual({
      ok: false,
      status: 200,
      error: 'code 19021: sign match fail or timestamp is not within one hour from current time',
    });
  });

  it('any kind: a status outside 2xx is a failure; a webhook needs nothing more', () => {
    expect(checkAnswer('status', 204, '')).toEqual({ ok: true, status: 204, error: null });
    expect(checkAnswer('status', 500, 'boom')).toEqual({ ok: false, status: 500, error: 'HTTP 500: boom' });
    expect(checkAnswer('errcode', 502, '{"errcode":0}').ok).toBe(false);
    expect(checkAnswer('status', 302, '').ok).toBe(false);
  });
});
