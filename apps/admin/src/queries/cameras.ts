// react-query hooks over the cameras (cameras.read: ADMIN, REVIEWER, AUDITOR; changes: ADMIN). The list
// is read again every few seconds while shown, so a reader's state, fps and last frame follow the server.
import {
  CamerasDocument,
  CamerasHealthDocument,
  CreateCameraDocument,
  DeleteCameraDocument,
  SetCameraEnabledDocument,
  TestCameraConnectionDocument,
  UpdateCameraDocument,
  type CameraFieldsFragment,
  type CreateCameraInput,
  type UpdateCameraInput,
} from '@faceledger/schema/client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { request } from '../lib/graphql-client';

export type Camera = CameraFieldsFragment;

const CAMERAS_KEY = ['cameras'] as const;

/** How often the cameras' states are read again (the supervisor writes them every few seconds). */
const CAMERAS_POLL_MS = 2_000;

export function useCameras() {
  return useQuery({
    queryKey: CAMERAS_KEY,
    queryFn: async () => (await request(CamerasDocument)).cameras,
    refetchInterval: CAMERAS_POLL_MS,
  });
}

/** Whether ffmpeg runs on the server, and how many cameras are in each state. */
export function useCamerasHealth() {
  return useQuery({
    queryKey: ['camerasHealth'],
    queryFn: async () => (await request(CamerasHealthDocument)).health.cameras,
    refetchInterval: 10_000,
  });
}

export function useCreateCamera() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (input: CreateCameraInput) =>
      (await request(CreateCameraDocument, { input })).createCamera,
    onSuccess: () => client.invalidateQueries({ queryKey: CAMERAS_KEY }),
  });
}

export function useUpdateCamera() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, input }: { id: string; input: UpdateCameraInput }) =>
      (await request(UpdateCameraDocument, { id, input })).updateCamera,
    onSuccess: () => client.invalidateQueries({ queryKey: CAMERAS_KEY }),
  });
}

export function useSetCameraEnabled() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, enabled }: { id: string; enabled: boolean }) =>
      (await request(SetCameraEnabledDocument, { id, enabled })).setCameraEnabled,
    onSuccess: () => client.invalidateQueries({ queryKey: CAMERAS_KEY }),
  });
}

export function useDeleteCamera() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) => (await request(DeleteCameraDocument, { id })).deleteCamera,
    onSuccess: () => client.invalidateQueries({ queryKey: CAMERAS_KEY }),
  });
}

/** Opens a source (a URL not yet saved, or a saved camera's) and decodes one frame; nothing is stored. */
export function useTestCameraConnection() {
  return useMutation({
    mutationFn: async (source: { sourceUrl: string } | { cameraId: string }) =>
      (await request(TestCameraConnectionDocument, { ...source, timeoutSeconds: 15 })).testCameraConnection,
  });
}
