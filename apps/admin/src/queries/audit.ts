// react-query hooks over the audit ledger: a filtered page of entries and the chain check.
import { AuditLogDocument, VerifyAuditChainDocument, type AuditLogQueryVariables } from '@faceledger/schema/client';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { request } from '../lib/graphql-client';

export function useAuditLog(variables: AuditLogQueryVariables) {
  return useQuery({
    queryKey: ['auditLog', variables],
    queryFn: async () => (await request(AuditLogDocument, variables)).auditLog,
    placeholderData: keepPreviousData,
  });
}

/** Walks the whole ledger; run again with refetch(). */
export function useVerifyAuditChain() {
  return useQuery({
    queryKey: ['auditChain'],
    queryFn: async () => (await request(VerifyAuditChainDocument, {})).verifyAuditChain,
    staleTime: 30_000,
    retry: false,
  });
}
