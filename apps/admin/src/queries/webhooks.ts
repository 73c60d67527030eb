// react-query hooks over a gallery's webhooks (ADMIN only) and their deliveries, which are read again
// every few seconds while shown, so a delivery's status follows the server's worker.
import {
  CreateWebhookDocument,
  DeleteWebhookDocument,
  WebhookDeliveriesDocument,
  WebhooksDocument,
  type WebhookEvent,
} from '@faceledger/schema/client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { request } from '../lib/graphql-client';

/** Deliveries listed per webhook: the latest ones. */
export const DELIVERIES_SHOWN = 20;

/** How often open deliveries are read again (the server's worker runs every 5 s by default). */
const DELIVERIES_POLL_MS = 3_000;

/** The gallery's webhooks; `enabled` false asks nothing, for roles that may not manage them. */
export function useWebhooks(galleryId: string, enabled = true) {
  return useQuery({
    queryKey: ['webhooks', galleryId],
    queryFn: async () => (await request(WebhooksDocument, { galleryId })).webhooks,
    enabled: enabled && galleryId !== '',
  });
}

/** The webhook's latest deliveries, newest first, polled while the caller keeps it mounted. */
export function useWebhookDeliveries(webhookId: string) {
  return useQuery({
    queryKey: ['webhookDeliveries', webhookId],
    queryFn: async () =>
      (await request(WebhookDeliveriesDocument, { webhookId, first: DELIVERIES_SHOWN })).webhookDeliveries,
    refetchInterval: DELIVERIES_POLL_MS,
  });
}

export function useCreateWebhook(galleryId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ url, events }: { url: string; events: WebhookEvent[] }) =>
      (await request(CreateWebhookDocument, { galleryId, url, events })).createWebhook,
    onSuccess: () => client.invalidateQueries({ queryKey: ['webhooks', galleryId] }),
  });
}

export function useDeleteWebhook(galleryId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) => (await request(DeleteWebhookDocument, { id })).deleteWebhook,
    onSuccess: async (id) => {
      client.removeQueries({ queryKey: ['webhookDeliveries', id] });
      await client.invalidateQueries({ queryKey: ['webhooks', galleryId] });
    },
  });
}
