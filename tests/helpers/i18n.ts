/**
 * The client's i18n module as a Chinese and as an English page load it: the module reads the
 * language once at import (from `?lang=`), so each language needs a fresh import.
 */
import { vi } from 'vitest';

export type I18n = typeof import('../../client/src/lib/i18n');

/** Both languages' modules, keyed by their `lang`. Call from `beforeAll`. */
export async function loadBothLanguages(): Promise<Record<string, I18n>> {
  const langs: Record<string, I18n> = {};
  for (const search of ['?lang=zh-CN', '?lang=en']) {
    vi.resetModules();
    vi.stubGlobal('location', { search });
    vi.stubGlobal('localStorage', { getItem: () => null, setItem: () => undefined, removeItem: () => undefined });
    const mod = await import('../../client/src/lib/i18n');
    langs[mod.lang] = mod;
  }
  vi.unstubAllGlobals();
  vi.resetModules();
  return langs;
}
