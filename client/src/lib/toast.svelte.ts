/** Short feedback messages for the people's pages: success fades by itself, errors stay a while longer. */
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
