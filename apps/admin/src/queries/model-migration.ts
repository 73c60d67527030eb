// react-query hooks over a gallery's model migration (admins): its state, polled while the faces are
// re-embedded and every 5 s in shadow mode (the agreement counts grow with identify calls), and the
// start, switch and roll-back mutations, which refresh the gallery too (its model and thresholds).
import {
  GalleryModelMigrationDocument,
  RollbackGalleryModelDocument,
  StartModelMigrationDocument,
  SwitchGalleryModelDocument,
} from '@faceledger/schema/client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { request } from '../lib/graphql-client';

const key = (galleryId: string) => ['galleryModelMigration', galleryId] as const;

export function useGalleryModelMigration(galleryId: string) {
  return useQuery({
    queryKey: key(galleryId),
    queryFn: async () => (await request(GalleryModelMigrationDocument, { galleryId })).galleryModelMigration,
    refetchInterval: (query) => {
      const status = query.state.data?.migration?.status;
      return status === 'RE_EMBEDDING' ? 1_000 : status === 'SHADOW' ? 5_000 : false;
    },
  });
}

/** The three changes; each refreshes the migration and the gallery. */
export function useModelMigrationActions(galleryId: string) {
  const client = useQueryClient();
  const refresh = async () => {
    await client.invalidateQueries({ queryKey: key(galleryId) });
    await client.invalidateQueries({ queryKey: ['gallery', galleryId] });
  };
  return {
    start: useMutation({
      mutationFn: async (targetModelId: string) =>
        (await request(StartModelMigrationDocument, { galleryId, targetModelId })).startModelMigration,
      onSuccess: refresh,
    }),
    switchModel: useMutation({
      mutationFn: async (acceptMissingFaces: boolean) =>
        (await request(SwitchGalleryModelDocument, { galleryId, acceptMissingFaces })).switchGalleryModel,
      onSuccess: refresh,
    }),
    rollback: useMutation({
      mutationFn: async (acceptMissingFaces: boolean) =>
        (await request(RollbackGalleryModelDocument, { galleryId, acceptMissingFaces })).rollbackGalleryModel,
      onSuccess: refresh,
    }),
  };
}
