/** The app-wide list of short notices ("toasts"), shown by `Toasts.svelte`. */

/** The kind of a notice, which sets its colours. */
export type Tone = 'ok' | 'info' | 'warning' | 'error';

export interface Toast {
  id: number;
  tone: Tone;
  text: string;
}

const VISIBLE_MS = 8_000;

let nextId = 1;
export const toasts = $state<Toast[]>([]);

export function dismissToast(id: number) {
  const index = toasts.findIndex((t) => t.id === id);
  if (index !== -1) toasts.splice(index, 1);
}

export function showToast(tone: Tone, text: string) {
  const id = nextId++;
  toasts.push({ id, tone, text });
  // Errors stay until dismissed: they usually ask the reader to do something.
  if (tone !== 'error') setTimeout(() => dismissToast(id), VISIBLE_MS);
}
