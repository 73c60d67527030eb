// Checks a mutation's input against a zod schema and turns the first problem into BAD_INPUT that
// names the field, so every module reports invalid input the same way.
import type { z } from 'zod';
import { AppError, ErrorCode } from './app-error.js';

/** The parsed input, or BAD_INPUT with `field` set to the path of the first problem. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.map(String).join('.') ?? '';
  throw new AppError(ErrorCode.BAD_INPUT, issue?.message ?? 'The input is not valid.', { field });
}
