import { AppError, ErrorCode } from './app-error.js';
/** The parsed input, or BAD_INPUT with `field` set to the path of the first problem. */
export function parseInput(schema, input) {
    const result = schema.safeParse(input);
    if (result.success)
        return result.data;
    const issue = result.error.issues[0];
    const field = issue?.path.map(String).join('.') ?? '';
    throw new AppError(ErrorCode.BAD_INPUT, issue?.message ?? 'The input is not valid.', { field });
}
//# sourceMappingURL=parse-input.js.map