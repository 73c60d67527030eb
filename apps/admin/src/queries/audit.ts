// react-query hooks over the audit ledger: a filtered page of entries, the chain check, and the
// directory of staff users and API keys that names the ledger's actors.
import {
  ActorDirectoryDocument,
  AuditLogDocument,
  VerifyAuditChainDocument,
  type AuditLogQueryVariables,
} from '@faceledger/schema/client';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { request } from '../lib/graphql-client';

export function useAuditLog(variables: AuditLogQueryVariables) {
  return useQuery({
    queryKey: ['auditLog', variables],
    queryFn: async () => (await request(AuditLogDocument, variables)).auditLog,
    placeholderData: keepPreviousData,
  });
}

/** An earlier head (a report's headSeq/headHash, or an export manifest's last seq/hash) to check against. */
export interface AuditAnchor {
  seq: string;
  hash: string;
}

/** Walks the whole ledger (and checks the anchor, when given); run again with refetch(). */
export function useVerifyAuditChain(anchor: AuditAnchor | null = null) {
  return useQuery({
    queryKey: ['auditChain', anchor],
    queryFn: async () =>
      (
        await request(VerifyAuditChainDocument, {
          anchorSeq: anchor?.seq ?? null,
          anchorHash: anchor?.hash ?? null,
        })
      ).verifyAuditChain,
    staleTime: 30_000,
    retry: false,
  });
}

/** Every staff user and API key (ADMIN, AUDITOR), to show names instead of "user:<id>" and "key:<id>". */
export function useActorDirectory() {
  return useQuery({
    queryKey: ['actorDirectory'],
    queryFn: async () => (await request(ActorDirectoryDocument, {})).actorDirectory,
    staleTime: 60_000,
  });
}
