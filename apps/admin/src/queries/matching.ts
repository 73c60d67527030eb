// react-query hook over the typed identify document, with the probe sent inline or through /api/uploads.
import { IdentifyDocument, type IdentifyMutation } from '@faceledger/schema/client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { request } from '../lib/graphql-client';
import { toImageInput } from '../lib/image-input';

/** The result of one identify call. */
export type IdentifyResult = IdentifyMutation['identify'];

export interface IdentifyVariables {
  galleryId: string;
  file: File;
  topK: number;
  /** null: the gallery's own threshold. */
  threshold: number | null;
}

export function useIdentify() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ galleryId, file, topK, threshold }: IdentifyVariables) => {
      const image = await toImageInput(file);
      return (await request(IdentifyDocument, { galleryId, image, topK, threshold })).identify;
    },
    // Each call records match events: a queue that is open elsewhere should see them.
    onSuccess: () => client.invalidateQueries({ queryKey: ['reviewQueue'] }),
  });
}
