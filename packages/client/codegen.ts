// graphql-codegen: the client's operations (operations/*.graphql) typed against the server's SDL
// (packages/schema/sdl), as TypedDocumentStrings: the documents are plain strings at run time, so
// the client needs no graphql package. Run by `npm run build -w @faceledger/client`.
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: '../schema/sdl/*.graphql',
  documents: 'operations/*.graphql',
  emitLegacyCommonJSImports: false,
  generates: {
    'src/generated/graphql.ts': {
      plugins: ['typescript', 'typescript-operations', 'typed-document-node'],
      config: {
        scalars: { DateTime: 'string', JSON: 'unknown' },
        enumsAsTypes: true,
        useTypeImports: true,
        avoidOptionals: { field: true },
        documentMode: 'string',
        // Only the types the operations use: a smaller, stable surface for integrators.
        onlyOperationTypes: true,
      },
    },
  },
};

export default config;
