// graphql-codegen: one SDL (sdl/*.graphql) to resolver types for the server and typed documents
// (operations/*.graphql) for the admin. Run by `npm run build -w @faceledger/schema`.
import type { CodegenConfig } from '@graphql-codegen/cli';

const scalars = { DateTime: 'string', JSON: 'unknown' };

const config: CodegenConfig = {
  schema: 'sdl/*.graphql',
  documents: 'operations/*.graphql',
  emitLegacyCommonJSImports: false,
  generates: {
    'src/generated/graphql.ts': {
      plugins: ['typescript', 'typescript-operations', 'typed-document-node'],
      config: { scalars, enumsAsTypes: true, useTypeImports: true, avoidOptionals: { field: true } },
    },
    'src/generated/resolvers.ts': {
      plugins: [{ add: { content: "import type * as Types from './graphql.js';" } }, 'typescript-resolvers'],
      config: {
        scalars,
        enumsAsTypes: true,
        useTypeImports: true,
        namespacedImportName: 'Types',
        contextType: '../context.js#GraphQLContext',
        mapperTypeSuffix: 'Model',
        // Types whose fields are loaded on demand by field resolvers; one file per domain in src/mappers/.
        mappers: {
          Identity: '../mappers/identities.js#IdentityModel',
          Job: '../mappers/jobs.js#JobModel',
        },
      },
    },
  },
};

export default config;
