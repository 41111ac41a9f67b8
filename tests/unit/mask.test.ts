/** Phone numbers in free text a lead typed are masked like callers (第十条); ordinary figures stay. */
import { describe, expect, it } from 'vitest';
import { maskCaller, maskNumbersIn } from '../../shared/mask';

describe('maskNumbersIn', () => {
  it.each([
    ['待回拨 13812345678，已处理 3 件', `待回拨 ${maskCaller('13812345678')}，已处理 3 件`],
    ['回电 0530-5312319 转 8', `回电 ${maskCaller('0530-5312319')} 转 8`],
    ['+86 138 1234 5678 打不通', `${maskCaller('+86 138 1234 5678')} 打不通`],
    ['08:00 交接，2026-11-30 记录', '08:00 交接，2026-11-30 记录'],
    ['工单 123456 已转办', '工单 123456 已转办'],
    ['1234567', maskCaller('1234567')],
    ['', ''],
  ])('%s', (text, masked) => {
    expect(maskNumbersIn(text)).toBe(masked);
  });

  it('leaves no run of 7 or more digits', () => {
    const out = maskNumbersIn('a 13812345678 b 15912345678 c 0530 531 2319');
    expect(out).not.toMatch(/\d{7,}/);
  });
});
