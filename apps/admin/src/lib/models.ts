// The recognition models a gallery may use, as HR and admins read them. Mirrors the recognition
// package's model registry (the admin imports only the schema); the API refuses an id it does not
// know, with the valid ones, so a model added there and not here is still reachable by the API.

/** One model a gallery can be created with. */
export interface ModelChoice {
  /** The registry id the API takes (embeddingModelId). */
  id: string;
  /** Its name for people. */
  name: string;
  /** What sets it apart, shown in the select after the name. */
  note?: string;
  /** The threshold the model reaches its best accuracy at when comparing two photos. */
  pairThreshold: number;
}

export const MODEL_CHOICES: readonly ModelChoice[] = [
  { id: 'faceapi-resnet128', name: 'ResNet 128', note: 'the default, most accurate', pairThreshold: 0.91 },
  { id: 'human-faceres', name: 'Human FaceRes', pairThreshold: 0.53 },
  { id: 'human-mobileface', name: 'Human MobileFace', note: 'fastest', pairThreshold: 0.17 },
];

/** What a select shows for `model`: its name and note. */
export function choiceLabel(model: ModelChoice): string {
  return model.note ? `${model.name} (${model.note})` : model.name;
}

/** A model's name, or its id when this list does not know it. */
export function modelName(id: string): string {
  return MODEL_CHOICES.find((m) => m.id === id)?.name ?? id;
}
