/**
 * Caller numbers are personal data (第十条, 第五十五条). Every snapshot and patch carries them
 * masked: the first 3 and last 4 digits stay; a number of 7 digits or fewer keeps only its last 2.
 * Non-digit characters (a leading +, dashes) are dropped before masking so no format leaks more.
 */
export function maskCaller(raw: string): string {
  const digits = raw.replace(/\D/g, '');
  if (digits.length === 0) return '*'.repeat(Math.min(raw.length, 8) || 1);
  if (digits.length <= 2) return '**';
  if (digits.length <= 7) return '*'.repeat(Math.max(digits.length - 2, 0)) + digits.slice(-2);
  return digits.slice(0, 3) + '*'.repeat(digits.length - 7) + digits.slice(-4);
}

/** A run of digits that may be a phone number: 7 or more digits, maybe with a leading + and dashes or spaces inside. */
const NUMBER_RUN = /\+?\d(?:[\d -]*\d)?/g;
/** …but a date (2026-11-30) is not one */
const DATE = /^\d{4}-\d{1,2}-\d{1,2}$/;

/**
 * Free text a person typed (a handover note: "待回拨 13812345678") with every phone-like number in it
 * masked as `maskCaller` does; shorter figures ("3 件", "08:00") and dates stay as they are.
 */
export function maskNumbersIn(text: string): string {
  return text.replace(NUMBER_RUN, (run) => (run.replace(/\D/g, '').length >= 7 && !DATE.test(run) ? maskCaller(run) : run));
}
