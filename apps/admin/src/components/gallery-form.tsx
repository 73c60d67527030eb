'use client';

// Create or edit a gallery: name, description, match threshold (slider and number), probe retention,
// and whether likely duplicates are refused. Errors from the API appear beside the field they name.
import type { GalleryFieldsFragment } from '@faceledger/schema/client';
import { useState, type FormEvent } from 'react';
import { fieldError, formError } from '../lib/api-error';
import { choiceLabel, MODEL_CHOICES, modelName } from '../lib/models';
import { describedBy, Field, fieldInputProps } from './field';

/** What the form submits; the same shape serves create and update. */
export interface GalleryFormValues {
  name: string;
  description: string;
  matchThreshold: number;
  /** Identify's target false-positive identification rate. */
  identifyTargetFpir: number;
  /** Explicit identify threshold, or null to follow the calibration. */
  identifyThresholdOverride: number | null;
  probeRetentionDays: number;
  forbidLikelyDuplicates: boolean;
  embeddingModelId: string | null;
}

/** The default model's (faceapi-resnet128) best two-photo threshold, from the recognition package's README. */
const DEFAULT_MODEL_PAIR_THRESHOLD = 0.91;

/** Highest identify score (cosine plus the rival-margin bonus), the most the server takes as an override. */
const MAX_IDENTIFY_SCORE = 2.5;

const FIELDS = [
  'name',
  'description',
  'matchThreshold',
  'identifyTargetFpir',
  'identifyThresholdOverride',
  'probeRetentionDays',
  'embeddingModelId',
  'forbidLikelyDuplicates',
];

/** FPIR as people read it: 0.01 -> "1 in 100". */
export function formatFpir(fpir: number): string {
  return `1 in ${Math.round(1 / fpir).toLocaleString('en')}`;
}

function checkLocally(values: {
  name: string;
  threshold: string;
  retention: string;
  targetFpir: string;
  override: string;
}): Record<string, string> {
  const problems: Record<string, string> = {};
  if (!values.name.trim()) problems.name = 'Give the gallery a name.';
  const threshold = Number(values.threshold);
  if (values.threshold.trim() === '' || !Number.isFinite(threshold) || threshold <= 0 || threshold >= 1) {
    problems.matchThreshold = 'Enter a threshold greater than 0 and less than 1, such as 0.91.';
  }
  const target = Number(values.targetFpir);
  if (values.targetFpir.trim() === '' || !Number.isFinite(target) || target < 0.001 || target > 0.5) {
    problems.identifyTargetFpir =
      'Enter a target from 0.001 to 0.5, such as 0.01 (1 stranger in 100 answered MATCH).';
  }
  const override = Number(values.override);
  if (values.override.trim() !== '' && (!Number.isFinite(override) || override <= 0 || override > MAX_IDENTIFY_SCORE)) {
    problems.identifyThresholdOverride = `Enter an identify threshold greater than 0 and at most ${MAX_IDENTIFY_SCORE}, or leave it empty.`;
  }
  const retention = Number(values.retention);
  if (values.retention.trim() === '' || !Number.isInteger(retention) || retention < 0 || retention > 36_500) {
    problems.probeRetentionDays = 'Enter a whole number of days from 0 to 36500.';
  }
  return problems;
}

export function GalleryForm({
  gallery,
  submitLabel,
  pendingLabel,
  isPending,
  error,
  onSubmit,
}: {
  gallery?: GalleryFieldsFragment;
  submitLabel: string;
  pendingLabel: string;
  isPending: boolean;
  error: unknown;
  onSubmit: (values: GalleryFormValues) => void;
}) {
  const [name, setName] = useState(gallery?.name ?? '');
  const [description, setDescription] = useState(gallery?.description ?? '');
  const [threshold, setThreshold] = useState(String(gallery?.matchThreshold ?? DEFAULT_MODEL_PAIR_THRESHOLD));
  const [targetFpir, setTargetFpir] = useState(String(gallery?.identifyTargetFpir ?? 0.01));
  const [override, setOverride] = useState(
    gallery?.identifyThresholdOverride == null ? '' : String(gallery.identifyThresholdOverride),
  );
  const [retention, setRetention] = useState(String(gallery?.probeRetentionDays ?? 30));
  const [forbid, setForbid] = useState(gallery?.forbidLikelyDuplicates ?? false);
  const [model, setModel] = useState(gallery?.embeddingModelId ?? '');
  // A new gallery's match threshold follows the chosen model's pair threshold until someone sets one
  // (each model has its own scale: 0.91 for the default, 0.17 for MobileFace).
  const [thresholdIsOwn, setThresholdIsOwn] = useState(gallery !== undefined);
  function setOwnThreshold(value: string) {
    setThreshold(value);
    setThresholdIsOwn(true);
  }
  function chooseModel(id: string) {
    setModel(id);
    const choice = MODEL_CHOICES.find((m) => m.id === id);
    if (!thresholdIsOwn) setThreshold(String(choice?.pairThreshold ?? DEFAULT_MODEL_PAIR_THRESHOLD));
  }
  const [local, setLocal] = useState<Record<string, string>>({});

  const errorOf = (field: string) => local[field] ?? fieldError(error, field);
  const general = formError(error, FIELDS);
  const thresholdNumber = Number(threshold);
  const hasFaces = gallery !== undefined && gallery.identityCount > 0;

  function submit(event: FormEvent) {
    event.preventDefault();
    const problems = checkLocally({ name, threshold, retention, targetFpir, override });
    setLocal(problems);
    if (Object.keys(problems).length > 0) return;
    onSubmit({
      name: name.trim(),
      description: description.trim(),
      matchThreshold: Number(threshold),
      identifyTargetFpir: Number(targetFpir),
      identifyThresholdOverride: override.trim() === '' ? null : Number(override),
      probeRetentionDays: Number(retention),
      forbidLikelyDuplicates: forbid,
      embeddingModelId: model.trim() === '' ? null : model.trim(),
    });
  }

  const thresholdHint = (
    <>
      How alike two photos must be to count as the same person, when one photo is checked against one person
      (verify) and when new photos are checked for duplicates: higher is stricter. Each model has its own
      scale; the recommended value is{' '}
      {MODEL_CHOICES.map((m) => `${m.pairThreshold.toFixed(2)} for ${m.name}`).join(', ')}.
      Searching a whole gallery (identify) uses the target below instead.
    </>
  );

  return (
    <form className="panel form" onSubmit={submit} noValidate>
      {general && (
        <p role="alert" className="error">
          {general}
        </p>
      )}
      <Field id="gallery-name" label="Name" error={errorOf('name')}>
        <input
          id="gallery-name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          maxLength={200}
          aria-invalid={errorOf('name') ? true : undefined}
          aria-describedby={describedBy('gallery-name', undefined, errorOf('name'))}
        />
      </Field>
      <Field id="gallery-description" label="Description (optional)" error={errorOf('description')}>
        <textarea
          id="gallery-description"
          value={description}
          rows={2}
          onChange={(e) => setDescription(e.target.value)}
          aria-invalid={errorOf('description') ? true : undefined}
          aria-describedby={describedBy('gallery-description', undefined, errorOf('description'))}
        />
      </Field>
      <Field
        id="gallery-threshold"
        label="Match threshold"
        hint={thresholdHint}
        error={errorOf('matchThreshold')}
      >
        <div className="slider-row">
          <input
            type="range"
            min={0.01}
            max={0.99}
            step={0.01}
            value={Number.isFinite(thresholdNumber) ? thresholdNumber : DEFAULT_MODEL_PAIR_THRESHOLD}
            onChange={(e) => setOwnThreshold(e.target.value)}
            aria-label="Match threshold slider"
            aria-describedby="gallery-threshold-hint"
          />
          <input
            id="gallery-threshold"
            type="number"
            inputMode="decimal"
            min={0.01}
            max={0.99}
            step={0.01}
            className="number"
            value={threshold}
            onChange={(e) => setOwnThreshold(e.target.value)}
            aria-invalid={errorOf('matchThreshold') ? true : undefined}
            aria-describedby={describedBy('gallery-threshold', thresholdHint, errorOf('matchThreshold'))}
          />
        </div>
      </Field>
      <Field
        id="gallery-target-fpir"
        label="Identify: strangers answered MATCH (target FPIR)"
        hint={
          <>
            The share of people who are not in the gallery that identify may report as someone who is. The
            identify threshold follows from it and from the gallery's size, using the model's calibration, and
            rises or falls as the gallery grows. 0.01 is 1 in 100.
          </>
        }
        error={errorOf('identifyTargetFpir')}
      >
        <input
          id="gallery-target-fpir"
          type="number"
          inputMode="decimal"
          min={0.001}
          max={0.5}
          step={0.001}
          className="number"
          value={targetFpir}
          onChange={(e) => setTargetFpir(e.target.value)}
          aria-invalid={errorOf('identifyTargetFpir') ? true : undefined}
          aria-describedby={describedBy('gallery-target-fpir', 'hint', errorOf('identifyTargetFpir'))}
        />
      </Field>
      <Field
        id="gallery-identify-override"
        label="Identify threshold override (optional)"
        hint={
          gallery
            ? `Leave empty to follow the calibration. Identify threshold now: ${
                gallery.identifyThreshold == null
                  ? 'none (the model has no calibration)'
                  : gallery.identifyThreshold.toFixed(4)
              } (${gallery.identifyThresholdSource === 'OVERRIDE' ? 'override' : 'calibrated'} at ${gallery.identityCount} identities).`
            : 'Leave empty to follow the calibration (recommended).'
        }
        error={errorOf('identifyThresholdOverride')}
      >
        <input
          id="gallery-identify-override"
          type="number"
          inputMode="decimal"
          min={0.01}
          max={1.99}
          step={0.001}
          className="number"
          value={override}
          onChange={(e) => setOverride(e.target.value)}
          aria-invalid={errorOf('identifyThresholdOverride') ? true : undefined}
          aria-describedby={describedBy(
            'gallery-identify-override',
            'hint',
            errorOf('identifyThresholdOverride'),
          )}
        />
      </Field>
      <Field
        id="gallery-retention"
        label="Probe image retention (days)"
        hint="How long the photos sent to identify and verify are kept for review before they are deleted. 0 keeps none."
        error={errorOf('probeRetentionDays')}
      >
        <input
          id="gallery-retention"
          type="number"
          inputMode="numeric"
          min={0}
          max={36500}
          step={1}
          className="number"
          value={retention}
          onChange={(e) => setRetention(e.target.value)}
          aria-invalid={errorOf('probeRetentionDays') ? true : undefined}
          aria-describedby={describedBy('gallery-retention', 'hint', errorOf('probeRetentionDays'))}
        />
      </Field>
      {hasFaces ? (
        <Field
          id="gallery-model"
          label="Recognition model"
          hint="Fixed while the gallery holds people: faces read by different models cannot be compared."
        >
          <input id="gallery-model" value={modelName(model)} readOnly aria-describedby="gallery-model-hint" />
        </Field>
      ) : (
        <Field
          id="gallery-model"
          label="Recognition model"
          hint="The engine that reads faces. Keep the server's default unless you were told otherwise; it is fixed once people are enrolled."
          error={errorOf('embeddingModelId')}
        >
          <select
            {...fieldInputProps('gallery-model', 'hint', errorOf('embeddingModelId'))}
            value={model}
            onChange={(e) => chooseModel(e.target.value)}
          >
            <option value="">The server&apos;s default</option>
            {MODEL_CHOICES.map((m) => (
              <option key={m.id} value={m.id}>
                {choiceLabel(m)}
              </option>
            ))}
            {model && !MODEL_CHOICES.some((m) => m.id === model) && <option value={model}>{model}</option>}
          </select>
        </Field>
      )}
      <div className="field field-check">
        <input
          id="gallery-forbid"
          type="checkbox"
          checked={forbid}
          onChange={(e) => setForbid(e.target.checked)}
          aria-describedby="gallery-forbid-hint"
        />
        <label htmlFor="gallery-forbid">Refuse likely duplicates</label>
        <p id="gallery-forbid-hint" className="hint">
          When on, enrolling a face that looks like another identity of this gallery is refused instead of
          warned about.
        </p>
      </div>
      <div className="actions">
        <button type="submit" className="button" disabled={isPending}>
          {isPending ? pendingLabel : submitLabel}
        </button>
      </div>
    </form>
  );
}
