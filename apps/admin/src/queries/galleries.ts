// react-query hooks over the typed gallery documents.
import {
  CreateGalleryDocument,
  GalleriesDocument,
  GalleryDocument,
  UpdateGalleryDocument,
  type CreateGalleryInput,
  type UpdateGalleryInput,
} from '@faceledger/schema/client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { request } from '../lib/graphql-client';

export function useGalleries() {
  return useQuery({ queryKey: ['galleries'], queryFn: async () => (await request(GalleriesDocument)).galleries });
}

export function useGallery(id: string) {
  return useQuery({
    queryKey: ['gallery', id],
    queryFn: async () => (await request(GalleryDocument, { id })).gallery,
    enabled: id !== '',
  });
}

export function useCreateGallery() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (input: CreateGalleryInput) => (await request(CreateGalleryDocument, { input })).createGallery,
    onSuccess: () => client.invalidateQueries({ queryKey: ['galleries'] }),
  });
}

export function useUpdateGallery(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (input: UpdateGalleryInput) => (await request(UpdateGalleryDocument, { id, input })).updateGallery,
    onSuccess: async (gallery) => {
      client.setQueryData(['gallery', id], gallery);
      await client.invalidateQueries({ queryKey: ['galleries'] });
    },
  });
}
