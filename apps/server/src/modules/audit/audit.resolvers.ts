import type { Resolvers } from '@faceledger/schema/server';
import type { AppContext } from '../../graphql/context.js';
import { isFieldSelected } from '../../graphql/is-field-selected.js';
import { parseAuditFilter } from './audit.service.js';

export const auditResolvers: Resolvers<AppContext> = {
  Query: {
    auditLog: (_parent, args, ctx, info) =>
      ctx.services.audit.listEntries(ctx.actor, {
        filter: parseAuditFilter(args.filter),
        order: args.order === 'OLDEST_FIRST' ? 'asc' : 'desc',
        first: args.first,
        after: args.after,
        last: args.last,
        before: args.before,
        withTotalCount: isFieldSelected(info, 'totalCount'),
      }),
    verifyAuditChain: (_parent, args, ctx) =>
      ctx.services.audit.verifyChain(
        ctx.actor,
        args.anchorSeq != null || args.anchorHash != null
          ? { seq: args.anchorSeq ?? '', hash: args.anchorHash ?? '' }
          : undefined,
      ),
  },
};
