import type { GraphQLResolveInfo } from 'graphql';
/** True when the current field's selection includes `field` directly on its result. */
export declare function isFieldSelected(info: GraphQLResolveInfo, field: string): boolean;
