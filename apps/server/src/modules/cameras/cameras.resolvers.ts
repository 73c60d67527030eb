// Cameras: thin resolvers over CamerasService (which authorizes, validates and audits).
import type { Resolvers } from '@faceledger/schema/server';
import type { AppContext } from '../../graphql/context.js';

export const camerasResolvers: Resolvers<AppContext> = {
  Query: {
    cameras: (_parent, _args, ctx) => ctx.services.cameras.list(ctx.actor),
    camera: (_parent, { id }, ctx) => ctx.services.cameras.get(ctx.actor, id),
  },
  Mutation: {
    createCamera: (_parent, { input }, ctx) => ctx.services.cameras.create(ctx.actor, input),
    updateCamera: (_parent, { id, input }, ctx) => ctx.services.cameras.update(ctx.actor, id, input),
    setCameraEnabled: (_parent, { id, enabled }, ctx) => ctx.services.cameras.setEnabled(ctx.actor, id, enabled),
    deleteCamera: (_parent, { id }, ctx) => ctx.services.cameras.delete(ctx.actor, id),
    testCameraConnection: (_parent, args, ctx) => ctx.services.cameras.testConnection(ctx.actor, args),
  },
};
