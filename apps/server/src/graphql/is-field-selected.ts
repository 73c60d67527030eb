// Tells a resolver whether the client asked for a field of its result, so costly fields (counts)
// are computed only on demand. Follows inline fragments and named fragment spreads.
import type { GraphQLResolveInfo, SelectionSetNode } from 'graphql';

function selects(
  selectionSet: SelectionSetNode | undefined,
  field: string,
  info: GraphQLResolveInfo,
): boolean {
  return (selectionSet?.selections ?? []).some((selection) => {
    switch (selection.kind) {
      case 'Field':
        return selection.name.value === field;
      case 'InlineFragment':
        return selects(selection.selectionSet, field, info);
      case 'FragmentSpread':
        return selects(info.fragments[selection.name.value]?.selectionSet, field, info);
      default:
        return false;
    }
  });
}

/** True when the current field's selection includes `field` directly on its result. */
export function isFieldSelected(info: GraphQLResolveInfo, field: string): boolean {
  return info.fieldNodes.some((node) => selects(node.selectionSet, field, info));
}
