// Keeps docs/API.md true to the contract: every Query, Mutation and Subscription field of the SDL has
// its own section with a shell and a TypeScript example that call it, no section names an operation
// that is gone, every GraphQL document in the examples validates against the schema, and every
// error code the server can answer is in the error code table.
import { readFileSync } from 'node:fs';
import { loadTypeDefs } from '@faceledger/schema';
import { buildSchema, parse, validate, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../shared/app-error.js';

const API_DOC = new URL('../../../../docs/API.md', import.meta.url);

/** Codes Apollo Server and graphql-armor answer with, besides the server's own ErrorCode. */
const APOLLO_CODES = ['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'BAD_REQUEST'];

type OperationKind = 'query' | 'mutation' | 'subscription';

/** One `### name (kind)` section of the doc, up to the next heading of level 3 or higher. */
interface Section {
  name: string;
  kind: OperationKind;
  body: string;
}

/** A fenced code block and the language of its fence. */
interface CodeBlock {
  lang: string;
  code: string;
}

function operationsOf(schema: GraphQLSchema): Array<{ name: string; kind: OperationKind }> {
  const roots: Array<[OperationKind, GraphQLObjectType | null | undefined]> = [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
    ['subscription', schema.getSubscriptionType()],
  ];
  return roots.flatMap(([kind, type]) => Object.keys(type?.getFields() ?? {}).map((name) => ({ name, kind })));
}

function sectionsOf(doc: string): Section[] {
  const headings = [...doc.matchAll(/^#{1,3} .*$/gm)];
  return headings.flatMap((heading, i) => {
    const match = /^### `?(\w+)`? \((query|mutation|subscription)\)\s*$/.exec(heading[0]);
    if (!match?.[1] || !match[2]) return [];
    const start = (heading.index ?? 0) + heading[0].length;
    const end = headings[i + 1]?.index ?? doc.length;
    return [{ name: match[1], kind: match[2] as OperationKind, body: doc.slice(start, end) }];
  });
}

function codeBlocksOf(text: string): CodeBlock[] {
  return [...text.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1] ?? '', code: m[2] ?? '' }));
}

/** GraphQL documents inside an example: JSON/jq string values of "query", and TS string literals that start like an operation. */
function graphqlDocumentsOf(block: CodeBlock): string[] {
  const documents: string[] = [];
  if (block.lang === 'sh') {
    for (const m of block.code.matchAll(/"?query"?\s*:\s*("(?:[^"\\]|\\.)*")/g)) {
      documents.push(JSON.parse(m[1] ?? '""') as string);
    }
  }
  if (block.lang === 'ts') {
    for (const m of block.code.matchAll(/`([^`]*)`|'((?:[^'\\]|\\.)*)'/g)) {
      const text = (m[1] ?? m[2] ?? '').trim();
      if (/^(query|mutation|subscription)\b|^\{\s*\w/.test(text)) documents.push(text);
    }
  }
  return documents;
}

describe('docs/API.md', () => {
  let schema: GraphQLSchema;
  let doc: string;
  let sections: Section[];

  beforeAll(() => {
    schema = buildSchema(loadTypeDefs().join('\n'));
    doc = readFileSync(API_DOC, 'utf8');
    sections = sectionsOf(doc);
  });

  it('has a "### name (kind)" section for every Query, Mutation and Subscription field', () => {
    const documented = new Set(sections.map((s) => `${s.kind} ${s.name}`));
    const missing = operationsOf(schema)
      .map((op) => `${op.kind} ${op.name}`)
      .filter((op) => !documented.has(op));
    expect(missing, 'operations without a section in docs/API.md').toEqual([]);
  });

  it('has no section for an operation the schema does not have', () => {
    const operations = new Set(operationsOf(schema).map((op) => `${op.kind} ${op.name}`));
    const stale = sections.map((s) => `${s.kind} ${s.name}`).filter((op) => !operations.has(op));
    expect(stale, 'sections of docs/API.md naming no operation').toEqual([]);
  });

  it('gives every operation a shell example and a TypeScript example that call it', () => {
    const incomplete = sections.flatMap((section) => {
      const blocks = codeBlocksOf(section.body);
      const calls = (lang: string) =>
        blocks.some((b) => b.lang === lang && new RegExp(`\\b${section.name}\\b`).test(b.code));
      const problems: string[] = [];
      if (!calls('sh')) problems.push(`${section.kind} ${section.name}: no sh example calling it`);
      if (!calls('ts')) problems.push(`${section.kind} ${section.name}: no ts example calling it`);
      return problems;
    });
    expect(incomplete).toEqual([]);
  });

  it('shows only GraphQL documents that validate against the schema', () => {
    const documents = codeBlocksOf(doc).flatMap(graphqlDocumentsOf);
    expect(documents.length).toBeGreaterThan(50);
    const invalid = documents.flatMap((text) => {
      let errors: readonly { message: string }[];
      try {
        errors = validate(schema, parse(text));
      } catch (error) {
        errors = [error as Error];
      }
      return errors.map((e) => `${e.message}\n    in: ${text.replace(/\s+/g, ' ').slice(0, 160)}`);
    });
    expect(invalid).toEqual([]);
  });

  it('lists every error code in the error code table', () => {
    const table = doc.slice(doc.indexOf('\n## Error codes'));
    const rows = new Set([...table.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]));
    const missing = [...Object.values(ErrorCode), ...APOLLO_CODES].filter((code) => !rows.has(code));
    expect(missing, 'codes without a row under "## Error codes"').toEqual([]);
  });
});
