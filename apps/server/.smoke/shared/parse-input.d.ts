import type { z } from 'zod';
/** The parsed input, or BAD_INPUT with `field` set to the path of the first problem. */
export declare function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S>;
