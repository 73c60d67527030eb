import type { Resolvers } from '@faceledger/schema/server';
import type { AppContext } from '../../graphql/context.js';

export const jobsResolvers: Resolvers<AppContext> = {
  Query: {
    job: (_parent, { id }, ctx) => ctx.services.jobs.get(ctx.actor, id),
    jobs: (_parent, { kind, first, after }, ctx) => ctx.services.jobs.list(ctx.actor, kind, { first, after }),
  },
  Mutation: {
    cancelJob: (_parent, { id }, ctx) => ctx.services.jobs.cancel(ctx.actor, id),
    setGalleryThresholdForFmr: (_parent, args, ctx) =>
      ctx.services.evaluation.setGalleryThresholdForFmr(ctx.actor, args),
  },
  Job: {
    items: (job, args, ctx) => ctx.services.jobs.listItems(ctx.actor, job.id, args),
  },
};
