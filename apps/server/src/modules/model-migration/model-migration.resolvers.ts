import type { Resolvers } from '@faceledger/schema/server';
import type { FieldNode, GraphQLResolveInfo, SelectionSetNode } from 'graphql';
import type { AppContext } from '../../graphql/context.js';
import { isFieldSelected } from '../../graphql/is-field-selected.js';

/** Fields selected under `selectionSet`, inline fragments and named fragment spreads followed. */
function fieldsOf(selectionSet: SelectionSetNode | undefined, info: GraphQLResolveInfo): FieldNode[] {
  return (selectionSet?.selections ?? []).flatMap((s) => {
    if (s.kind === 'Field') return [s];
    if (s.kind === 'InlineFragment') return fieldsOf(s.selectionSet, info);
    return fieldsOf(info.fragments[s.name.value]?.selectionSet, info);
  });
}

/** Whether galleryModelMigration's caller asked for migration { errorRates } (they cost n² cosines). */
function asksMigrationErrorRates(info: GraphQLResolveInfo): boolean {
  return info.fieldNodes.some((node) =>
    fieldsOf(node.selectionSet, info).some(
      (f) =>
        f.name.value === 'migration' &&
        fieldsOf(f.selectionSet, info).some((g) => g.name.value === 'errorRates'),
    ),
  );
}

export const modelMigrationResolvers: Resolvers<AppContext> = {
  Query: {
    galleryModelMigration: (_parent, { galleryId }, ctx, info) =>
      ctx.services.modelMigration.status(ctx.actor, galleryId, {
        withErrorRates: asksMigrationErrorRates(info),
      }),
  },
  Mutation: {
    startModelMigration: (_parent, args, ctx, info) =>
      ctx.services.modelMigration.start(ctx.actor, args, {
        withErrorRates: isFieldSelected(info, 'errorRates'),
      }),
    switchGalleryModel: (_parent, args, ctx, info) =>
      ctx.services.modelMigration.switchModel(ctx.actor, args, {
        withErrorRates: isFieldSelected(info, 'errorRates'),
      }),
    rollbackGalleryModel: (_parent, args, ctx, info) =>
      ctx.services.modelMigration.rollback(ctx.actor, args, {
        withErrorRates: isFieldSelected(info, 'errorRates'),
      }),
  },
};
