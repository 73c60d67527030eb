// Refuses GraphQL input that the database cannot store or that would exhaust the stack, before any
// resolver runs: text holding NUL or a lone surrogate, and values nested deeper than
// MAX_INPUT_DEPTH, in variables and in literals alike. Each is a BAD_INPUT naming the field (HTTP
// 400), so no service ever sees it and nothing is half-written.
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, type OperationDefinitionNode, type ValueNode } from 'graphql';
import { ErrorCode } from '../shared/app-error.js';
import { unstorableTextReason } from '../shared/unstorable-text.js';

/** Deepest nesting of one input value (objects and lists); metadata needs a handful of levels. */
export const MAX_INPUT_DEPTH = 32;

/** A problem found in the input, at a dotted path such as "input.displayName". */
interface InputProblem {
  field: string;
  message: string;
}

function join(path: string, key: string | number): string {
  return path === '' ? String(key) : `${path}.${key}`;
}

function tooDeep(field: string): InputProblem {
  return { field, message: `${field} is nested more than ${MAX_INPUT_DEPTH} levels deep; send a flatter value.` };
}

function badText(field: string, reason: string): InputProblem {
  return { field, message: `${field} ${reason}; remove it and send the text again.` };
}

/** The first problem in a JSON value (a variable), walking at most MAX_INPUT_DEPTH levels. */
function findInValue(value: unknown, path: string, depth: number): InputProblem | null {
  if (typeof value === 'string') {
    const reason = unstorableTextReason(value);
    return reason === null ? null : badText(path, reason);
  }
  if (value === null || typeof value !== 'object') return null;
  if (depth >= MAX_INPUT_DEPTH) return tooDeep(path);
  const entries: Array<[string | number, unknown]> = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : Object.entries(value);
  for (const [key, member] of entries) {
    if (typeof key === 'string') {
      const reason = unstorableTextReason(key);
      if (reason !== null) return badText(join(path, '(key)'), reason);
    }
    const problem = findInValue(member, join(path, key), depth + 1);
    if (problem) return problem;
  }
  return null;
}

/** The first problem in a literal of the document. */
function findInLiteral(node: ValueNode, path: string, depth: number): InputProblem | null {
  switch (node.kind) {
    case Kind.STRING: {
      const reason = unstorableTextReason(node.value);
      return reason === null ? null : badText(path, reason);
    }
    case Kind.LIST:
      if (depth >= MAX_INPUT_DEPTH) return tooDeep(path);
      for (const [i, item] of node.values.entries()) {
        const problem = findInLiteral(item, join(path, i), depth + 1);
        if (problem) return problem;
      }
      return null;
    case Kind.OBJECT:
      if (depth >= MAX_INPUT_DEPTH) return tooDeep(path);
      for (const field of node.fields) {
        const problem = findInLiteral(field.value, join(path, field.name.value), depth + 1);
        if (problem) return problem;
      }
      return null;
    default:
      return null;
  }
}

/** The first problem in the arguments written into the operation (fields at any depth). */
function findInOperation(operation: OperationDefinitionNode): InputProblem | null {
  const pending = [...operation.selectionSet.selections];
  while (pending.length > 0) {
    const selection = pending.pop()!;
    if (selection.kind === Kind.FIELD) {
      for (const argument of selection.arguments ?? []) {
        const problem = findInLiteral(argument.value, argument.name.value, 0);
        if (problem) return problem;
      }
    }
    if ('selectionSet' in selection && selection.selectionSet) pending.push(...selection.selectionSet.selections);
  }
  return null;
}

/** The problem with a request's input, or null when every value can be stored. */
export function findInputProblem(
  variables: Record<string, unknown> | undefined,
  operation: OperationDefinitionNode | undefined,
): InputProblem | null {
  for (const [name, value] of Object.entries(variables ?? {})) {
    const problem = findInValue(value, name, 0);
    if (problem) return problem;
  }
  return operation ? findInOperation(operation) : null;
}

/** The BAD_INPUT refusal of a request's input (HTTP 400), or null when every value can be stored. */
export function inputGuardError(
  variables: Record<string, unknown> | undefined,
  operation: OperationDefinitionNode | undefined,
): GraphQLError | null {
  const problem = findInputProblem(variables, operation);
  if (problem === null) return null;
  return new GraphQLError(problem.message, {
    extensions: { code: ErrorCode.BAD_INPUT, field: problem.field, http: { status: 400 } },
  });
}

/** The Apollo plugin that applies findInputProblem to every operation (the WebSocket endpoint calls inputGuardError itself). */
export function createInputGuard<TContext extends object>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, operation }) {
          const refusal = inputGuardError(request.variables, operation ?? undefined);
          if (refusal) throw refusal;
        },
      };
    },
  };
}
