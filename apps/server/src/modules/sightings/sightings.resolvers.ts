import type { Resolvers } from '@faceledger/schema/server';
import type { AppContext } from '../../graphql/context.js';

export const sightingsResolvers: Resolvers<AppContext> = {
  Query: {
    sightings: (_parent, args, ctx) => ctx.services.sightings.listSightings(ctx.actor, args),
    sighting: (_parent, args, ctx) => ctx.services.sightings.getSighting(ctx.actor, args.id),
    alerts: (_parent, args, ctx) => ctx.services.sightings.listAlerts(ctx.actor, args),
    unknownClusters: (_parent, args, ctx) => ctx.services.sightings.listClusters(ctx.actor, args),
    sightingsOfFace: (_parent, args, ctx) => ctx.services.sightings.sightingsOfFace(ctx.actor, args),
  },
  Mutation: {
    nameUnknownCluster: (_parent, args, ctx) => ctx.services.sightings.nameCluster(ctx.actor, args),
    dismissUnknownCluster: (_parent, args, ctx) =>
      ctx.services.sightings.dismissCluster(ctx.actor, args.clusterId),
  },
};
