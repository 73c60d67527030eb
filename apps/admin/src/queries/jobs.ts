// react-query hooks over background jobs (bulk imports, evaluations), and the multipart uploads that
// start them (POST /api/imports, POST /api/evaluations). A job is polled every second while it runs.
import {
  CancelJobDocument,
  EvaluationJobDocument,
  ImportJobDocument,
  JobsDocument,
  SetGalleryThresholdForFmrDocument,
  type JobKind,
  type JobStatus,
} from '@faceledger/schema/client';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, apiErrorOf, type ApiErrorBody } from '../lib/api-error';
import { request } from '../lib/graphql-client';

/** True while a job may still change. */
export function isActive(status: JobStatus | undefined): boolean {
  return status === 'QUEUED' || status === 'RUNNING';
}

/** How often a running job is read again. */
const POLL_MS = 1_000;

export function useJobs(kind: JobKind) {
  return useQuery({
    queryKey: ['jobs', kind],
    queryFn: async () => (await request(JobsDocument, { kind, first: 10 })).jobs.edges.map((e) => e.node),
    // Keeps the list's statuses current while one of its jobs runs.
    refetchInterval: (query) => (query.state.data?.some((job) => isActive(job.status)) ? 2 * POLL_MS : false),
  });
}

export function useImportJob(
  id: string | null,
  page: { first: number; after: string | null; onlyProblems: boolean },
) {
  return useQuery({
    queryKey: ['importJob', id, page],
    queryFn: async () => (await request(ImportJobDocument, { id: id ?? '', ...page })).job,
    enabled: id !== null,
    placeholderData: keepPreviousData,
    refetchInterval: (query) => (isActive(query.state.data?.status) ? POLL_MS : false),
  });
}

export function useEvaluationJob(id: string | null) {
  return useQuery({
    queryKey: ['evaluationJob', id],
    queryFn: async () => (await request(EvaluationJobDocument, { id: id ?? '' })).job,
    enabled: id !== null,
    refetchInterval: (query) => (isActive(query.state.data?.status) ? POLL_MS : false),
  });
}

export function useCancelJob() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) => (await request(CancelJobDocument, { id })).cancelJob,
    onSuccess: () => client.invalidateQueries(),
  });
}

export function useSetThresholdForFmr() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (variables: { galleryId: string; jobId: string; targetFmr: number }) =>
      (await request(SetGalleryThresholdForFmrDocument, variables)).setGalleryThresholdForFmr,
    onSuccess: () => client.invalidateQueries(),
  });
}

/** Posts a multipart form to a REST route and returns its JSON, or throws the API's error. */
async function postForm<T>(path: string, form: FormData): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, { method: 'POST', body: form, credentials: 'same-origin' });
  } catch {
    throw new ApiError('The FaceLedger API cannot be reached. Check that the server is running.', 'NETWORK');
  }
  const body = (await response.json().catch(() => null)) as (T & ApiErrorBody) | null;
  if (!response.ok || !body) {
    throw apiErrorOf(body) ?? new ApiError(`The upload failed (HTTP ${response.status}).`, 'UNKNOWN');
  }
  return body;
}

/** What POST /api/imports answers. */
export interface StartedImport {
  jobId: string;
  rows: number;
  photos: number;
  missingPhotos: number;
}

export function useStartImport() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (form: FormData) => postForm<StartedImport>('/api/imports', form),
    onSuccess: () => client.invalidateQueries({ queryKey: ['jobs'] }),
  });
}

/** What POST /api/evaluations answers. */
export interface StartedEvaluation {
  jobId: string;
  images: number;
  pairs: number;
}

export function useStartEvaluation() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (form: FormData) => postForm<StartedEvaluation>('/api/evaluations', form),
    onSuccess: () => client.invalidateQueries({ queryKey: ['jobs'] }),
  });
}
