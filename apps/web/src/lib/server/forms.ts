/** Reading form posts and turning shared zod validation into Swedish field messages. */
import type { z } from 'zod';

export type FieldErrors = Record<string, string>;

export function formValues<F extends string>(data: FormData, fields: readonly F[]): Record<F, string> {
  return Object.fromEntries(fields.map((field) => [field, String(data.get(field) ?? '')])) as Record<F, string>;
}

/** The first issue of each field, worded by `messages` (the shared schemas speak English). */
export function fieldErrors(error: z.ZodError, messages: Record<string, string>): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? 'form');
    errors[field] ??= messages[field] ?? 'Kontrollera fältet.';
  }
  return errors;
}

/** An error about the whole form rather than one field. */
export function formError(message: string): FieldErrors {
  return { form: message };
}
