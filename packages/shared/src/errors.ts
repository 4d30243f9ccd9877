import { z } from 'zod';

/** Every error the API returns: a machine code and a human sentence, never a stack trace. */
export const errorBody = z.object({
  error: z.string(),
  message: z.string(),
});
export type ErrorBody = z.infer<typeof errorBody>;
