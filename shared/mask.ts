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
