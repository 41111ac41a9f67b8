/** Short feedback messages for the people's pages: success fades by itself, errors stay a while longer. */
import { errorText } from './api';
import { t } from './i18n';

export interface Toast {
  id: number;
  kind: 'ok' | 'error' | 'info';
  text: string;
}

let next = 1;
export const toasts: Toast[] = $state([]);

export function dismissToast(id: number): void {
  const i = toasts.findIndex((x) => x.id === id);
  if (i >= 0) toasts.splice(i, 1);
}

export function toast(kind: Toast['kind'], text: string): void {
  const id = next++;
  toasts.push({ id, kind, text });
  while (toasts.length > 3) toasts.shift();
  setTimeout(() => dismissToast(id), kind === 'error' ? 8000 : 4000);
}

/** A failed action as a toast ("督办：<why>"); returns the why, for the form to show beside its button. */
export function toastFailure(what: string, e: unknown): string {
  const reason = errorText(e);
  toast('error', t('withReason', { what, reason }));
  return reason;
}
