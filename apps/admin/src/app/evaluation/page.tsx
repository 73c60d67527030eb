'use client';

// Evaluation: measure the engine with a gallery's model on a labelled set (a zip with a folder per
// person, or an LFW pairs file with its images) as a background job; show accuracy, the ROC curve,
// the false match / false non-match rates at the gallery's threshold, and (ADMIN) set the threshold
// from a target false match rate. With "Identification" it runs the open-set protocol instead (K photos
// enrolled per person, photo K+1 searched, people with one photo as strangers) and shows rank-1, FNIR
// at the FPIR targets and the DET curve.
import type { IdentifyEvaluationResultFieldsFragment } from '@faceledger/schema/client';
import { useState } from 'react';
import { DetChart } from '../../components/det-chart';
import { Field } from '../../components/field';
import { JobProgress } from '../../components/job-progress';
import { JobUploadForm } from '../../components/job-upload-form';
import { RecentJobs } from '../../components/recent-jobs';
import { RocChart } from '../../components/roc-chart';
import { canEditGalleries } from '../../lib/access';
import { useEvaluationJob, useSetThresholdForFmr, useStartEvaluation } from '../../queries/jobs';
import { useSession } from '../../queries/session';

function percent(value: number, digits = 1): string {
  return `${(value * 100).toFixed(digits)}%`;
}

function ThresholdForm({ galleryId, jobId }: { galleryId: string; jobId: string }) {
  const apply = useSetThresholdForFmr();
  const [target, setTarget] = useState('0.001');
  const value = Number(target);
  const isValid = target.trim() !== '' && Number.isFinite(value) && value >= 0 && value <= 1;
  return (
    <form
      className="form threshold-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (isValid) apply.mutate({ galleryId, jobId, targetFmr: value });
      }}
    >
      <Field
        id="target-fmr"
        label="Target false match rate"
        hint="From 0 to 1, such as 0.001 (one false match in a thousand different-person pairs). The gallery gets the lowest threshold that meets it."
        error={isValid ? undefined : 'Enter a number from 0 to 1.'}
      >
        <input
          id="target-fmr"
          className="number"
          inputMode="decimal"
          value={target}
          onChange={(e) => setTarget(e.target.value)}
          aria-invalid={!isValid}
          aria-describedby="target-fmr-hint"
        />
      </Field>
      <div className="actions">
        <button type="submit" className="button" disabled={!isValid || apply.isPending}>
          Set threshold for target FMR
        </button>
        {apply.data && (
          <span className="saved" role="status">
            {apply.data.gallery.name} now uses threshold {apply.data.threshold.toFixed(3)} (FMR{' '}
            {apply.data.fmr.toFixed(4)}, FNMR {apply.data.fnmr.toFixed(4)}).
          </span>
        )}
      </div>
      {apply.error && (
        <p role="alert" className="error">
          {apply.error.message}
        </p>
      )}
    </form>
  );
}

function IdentifyResult({ result }: { result: IdentifyEvaluationResultFieldsFragment }) {
  return (
    <div className="evaluation-result">
      <dl className="facts">
        <dt>Rank-1</dt>
        <dd>
          {percent(result.rank1)}{' '}
          <span className="muted small">of mated searches find their mate first, without a threshold</span>
        </dd>
        <dt>Searches</dt>
        <dd>
          {result.mated} mated, {result.nonMated} non-mated
          {result.failures > 0 && `, ${result.failures} without a usable face`}
        </dd>
        <dt>Gallery</dt>
        <dd>
          {result.identities} identities, {result.enroll} photo{result.enroll === 1 ? '' : 's'} enrolled each
          {result.enrollFailures > 0 && ` (${result.enrollFailures} without a usable face)`}; {result.images}{' '}
          images
          {result.failedImages > 0 && `, ${result.failedImages} unusable`}
        </dd>
        <dt>Model</dt>
        <dd>
          <code>{result.modelId}</code>
        </dd>
      </dl>
      <div className="table-wrap">
        <table>
          <caption>FNIR at each FPIR target</caption>
          <thead>
            <tr>
              <th scope="col">FPIR target</th>
              <th scope="col">FNIR</th>
              <th scope="col">Threshold</th>
            </tr>
          </thead>
          <tbody>
            {result.atFpir.map((point) => (
              <tr key={point.fpir}>
                <th scope="row">{point.fpir}</th>
                <td>{point.fnir === null ? 'n/a' : percent(point.fnir)}</td>
                <td>{point.threshold === null ? 'none' : point.threshold.toFixed(3)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <DetChart det={result.det} targets={result.atFpir.map((p) => p.fpir)} />
    </div>
  );
}

function EvaluationResult({ jobId }: { jobId: string }) {
  const { user } = useSession();
  const { data: job, error, isPending } = useEvaluationJob(jobId);
  if (isPending) return <p role="status">Loading the evaluation…</p>;
  if (error)
    return (
      <p role="alert" className="error">
        {error.message}
      </p>
    );
  const result = job.evaluation;
  const atGallery = result?.atGalleryThreshold ?? null;
  return (
    <section aria-labelledby="evaluation-job-title" className="panel job-panel">
      <h2 id="evaluation-job-title">Evaluation</h2>
      <JobProgress job={job} noun="images" />
      {job.identifyEvaluation && <IdentifyResult result={job.identifyEvaluation} />}
      {result && (
        <div className="evaluation-result">
          <dl className="facts">
            <dt>Accuracy</dt>
            <dd>
              {percent(result.accuracy, 2)}{' '}
              <span className="muted small">± {percent(result.accuracyStd, 2)} over folds</span>
            </dd>
            <dt>AUC</dt>
            <dd>{result.auc.toFixed(4)}</dd>
            <dt>Equal error rate</dt>
            <dd>{percent(result.eer, 2)}</dd>
            <dt>Best threshold</dt>
            <dd>{result.bestThreshold.toFixed(3)}</dd>
            <dt>TMR at FMR 1e-2 / 1e-3</dt>
            <dd>
              {percent(result.tmrAtFmr1e2)} / {percent(result.tmrAtFmr1e3)}
            </dd>
            <dt>Pairs</dt>
            <dd>
              {result.pairs} ({result.samePairs} same person, {result.differentPairs} different),{' '}
              {result.images} images
              {result.failedImages > 0 &&
                `, ${result.failedImages} without a usable face (${result.unscoredPairs} pairs count as errors)`}
            </dd>
            <dt>Model</dt>
            <dd>
              <code>{result.modelId}</code>
            </dd>
            {atGallery && (
              <>
                <dt>At the gallery threshold {atGallery.threshold.toFixed(3)}</dt>
                <dd>
                  FMR <strong>{atGallery.fmr.toFixed(4)}</strong>, FNMR{' '}
                  <strong>{atGallery.fnmr.toFixed(4)}</strong>
                </dd>
              </>
            )}
            {atGallery && atGallery.threshold !== result.atEvaluation.threshold && (
              <>
                <dt>At the threshold when it ran ({result.atEvaluation.threshold.toFixed(3)})</dt>
                <dd>
                  FMR {result.atEvaluation.fmr.toFixed(4)}, FNMR {result.atEvaluation.fnmr.toFixed(4)}
                </dd>
              </>
            )}
          </dl>
          <RocChart roc={result.roc} operatingPoint={atGallery ?? result.atEvaluation} />
          {canEditGalleries(user?.role ?? null) && (
            <ThresholdForm galleryId={result.galleryId} jobId={jobId} />
          )}
        </div>
      )}
    </section>
  );
}

export default function EvaluationPage() {
  const start = useStartEvaluation();
  const [jobId, setJobId] = useState<string | null>(null);
  const [mode, setMode] = useState<'verify' | 'identify'>('verify');

  return (
    <section aria-labelledby="evaluation-title">
      <div className="page-head">
        <h1 id="evaluation-title">Evaluation</h1>
      </div>
      <p className="muted">
        Measures how well the engine tells people apart with the gallery&apos;s model: upload a zip with one
        folder of photos per person (same- and different-person pairs are made from it), or an LFW pairs file
        with a zip of its images. Identification searches each person&apos;s next photo among everyone
        enrolled, and people with a single photo as strangers.
      </p>
      <JobUploadForm
        idPrefix="evaluation"
        galleryLabel="Gallery (model and threshold)"
        galleryOption={(g) => `${g.name} (threshold ${g.matchThreshold.toFixed(2)})`}
        optionalFiles={['pairs']}
        submitLabel="Start evaluation"
        upload={start}
        started={
          start.data &&
          (mode === 'identify'
            ? `Started: ${start.data.images} images.`
            : `Started: ${start.data.images} images, ${start.data.pairs} pairs.`)
        }
        onSubmit={(form) => start.mutate(form, { onSuccess: (result) => setJobId(result.jobId) })}
      >
        <fieldset className="role-choice">
          <legend>What to measure</legend>
          <label className="review-candidate">
            <input
              type="radio"
              name="mode"
              value="verify"
              checked={mode === 'verify'}
              onChange={() => setMode('verify')}
            />
            <span>
              <strong>Verification</strong>{' '}
              <span className="muted small">pairs: accuracy and ROC (1:1, the match threshold)</span>
            </span>
          </label>
          <label className="review-candidate">
            <input
              type="radio"
              name="mode"
              value="identify"
              checked={mode === 'identify'}
              onChange={() => setMode('identify')}
            />
            <span>
              <strong>Identification</strong>{' '}
              <span className="muted small">open set: rank-1, FNIR at FPIR and the DET curve (1:N)</span>
            </span>
          </label>
        </fieldset>
        <Field
          id="evaluation-archive"
          label="Images (zip)"
          hint="A folder per person, or Name/Name_0001.jpg for a pairs file."
        >
          <input
            id="evaluation-archive"
            name="archive"
            type="file"
            accept=".zip,application/zip"
            required
            aria-describedby="evaluation-archive-hint"
          />
        </Field>
        {mode === 'identify' ? (
          <Field
            id="evaluation-enroll"
            label="Photos enrolled per person"
            hint="K from 1 to 20: each person's first K photos (by file name) are enrolled and photo K+1 is searched; people with exactly one photo are strangers."
          >
            <input
              id="evaluation-enroll"
              name="enroll"
              type="number"
              className="number"
              min={1}
              max={20}
              step={1}
              defaultValue={1}
              required
              aria-describedby="evaluation-enroll-hint"
            />
          </Field>
        ) : (
          <Field
            id="evaluation-pairs"
            label="Pairs file (optional)"
            hint="LFW format: a header line, then “Name n1 n2” and “Name1 n1 Name2 n2” lines."
          >
            <input
              id="evaluation-pairs"
              name="pairs"
              type="file"
              accept=".txt,text/plain"
              aria-describedby="evaluation-pairs-hint"
            />
          </Field>
        )}
      </JobUploadForm>

      {jobId && <EvaluationResult key={jobId} jobId={jobId} />}

      <RecentJobs
        kind="EVALUATION"
        titleId="recent-evaluations-title"
        title="Recent evaluations"
        emptyText="No evaluations yet."
        noun="images"
        selectedId={jobId}
        onSelect={setJobId}
      />
    </section>
  );
}
