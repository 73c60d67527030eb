// react-query hook over the typed Health document.
import { HealthDocument } from '@faceledger/schema/client';
import { useQuery } from '@tanstack/react-query';
import { request } from '../lib/graphql-client';

export function useHealth() {
  return useQuery({
    queryKey: ['health'],
    queryFn: () => request(HealthDocument),
    refetchInterval: 5_000,
  });
}
