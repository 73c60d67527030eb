'use client';

// Name an unknown cluster (ADMIN): enroll its best face crops into a new person of a gallery, or into
// an identity that exists already (searched by name or external ID). The cluster then stops collecting.
import { useEffect, useId, useState } from 'react';
import { fieldError, formError } from '../lib/api-error';
import { useNameUnknownCluster, type UnknownCluster } from '../queries/sightings';
import { Dialog } from './dialog';
import { Field, fieldInputProps } from './field';
import { FormActions } from './form-actions';
import { GallerySelect, IdentitySearch, useGalleryChoice, type PickedIdentity } from './identity-picker';

/** What nameUnknownCluster answered, for the page's message. */
export interface ClusterNamed {
  label: string;
  name: string;
  facesEnrolled: number;
  refusals: readonly string[];
}

export function NameClusterDialog({
  cluster,
  onClose,
  onNamed,
}: {
  /** The cluster to name; null closes the dialog. */
  cluster: UnknownCluster | null;
  onClose: () => void;
  onNamed: (named: ClusterNamed) => void;
}) {
  const choice = useGalleryChoice();
  const name = useNameUnknownCluster();
  const id = useId();
  const [mode, setMode] = useState<'new' | 'existing'>('new');
  const [displayName, setDisplayName] = useState('');
  const [externalId, setExternalId] = useState('');
  const [picked, setPicked] = useState<PickedIdentity | null>(null);
  const [tried, setTried] = useState(false);

  useEffect(() => {
    setDisplayName('');
    setExternalId('');
    setPicked(null);
    setTried(false);
    name.reset();
  }, [cluster?.id]); // a new cluster starts a blank form

  const chosenGallery = choice.galleryId;
  const problems = {
    displayName: tried && mode === 'new' && !displayName.trim() ? 'Enter the person’s name.' : undefined,
    externalId:
      tried && mode === 'new' && !externalId.trim()
        ? 'Enter an external ID, such as an employee number.'
        : undefined,
    identity: tried && mode === 'existing' && !picked ? 'Pick the identity these faces show.' : undefined,
  };
  const errorOf = (field: 'displayName' | 'externalId') => problems[field] ?? fieldError(name.error, field);
  const otherError = formError(name.error, ['displayName', 'externalId']);

  return (
    <Dialog
      open={cluster !== null}
      title={`Name ${cluster?.label ?? 'this unknown person'}`}
      onClose={onClose}
    >
      <form
        className="form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setTried(true);
          if (!cluster || !chosenGallery) return;
          if (mode === 'new' ? !displayName.trim() || !externalId.trim() : !picked) return;
          name.mutate(
            {
              clusterId: cluster.id,
              name:
                mode === 'existing' && picked
                  ? { identityId: picked.id }
                  : {
                      newIdentity: {
                        galleryId: chosenGallery,
                        displayName: displayName.trim(),
                        externalId: externalId.trim(),
                      },
                    },
            },
            {
              onSuccess: (result) =>
                onNamed({
                  label: cluster.label,
                  name: result.identity.displayName ?? 'the identity',
                  facesEnrolled: result.facesEnrolled,
                  refusals: result.refusals,
                }),
            },
          );
        }}
      >
        <p className="hint">
          Its best face crops (up to 3) are enrolled as faces of the person you name; afterwards the cameras
          recognise them in the galleries that are on their watchlist.
        </p>
        <GallerySelect id={`${id}-gallery`} choice={choice} onChange={() => setPicked(null)} autoFocus />
        <fieldset className="role-choice">
          <legend>Who is it?</legend>
          <label className="review-candidate">
            <input
              type="radio"
              name={`${id}-mode`}
              checked={mode === 'new'}
              onChange={() => setMode('new')}
            />{' '}
            A new person
          </label>
          <label className="review-candidate">
            <input
              type="radio"
              name={`${id}-mode`}
              checked={mode === 'existing'}
              onChange={() => setMode('existing')}
            />{' '}
            Someone already enrolled
          </label>
        </fieldset>
        {mode === 'new' ? (
          <>
            <Field id={`${id}-name`} label="Name" error={errorOf('displayName')}>
              <input
                {...fieldInputProps(`${id}-name`, undefined, errorOf('displayName'))}
                autoComplete="off"
                value={displayName}
                onChange={(e) => setDisplayName(e.target.value)}
              />
            </Field>
            <Field id={`${id}-external`} label="External ID" error={errorOf('externalId')}>
              <input
                {...fieldInputProps(`${id}-external`, undefined, errorOf('externalId'))}
                autoComplete="off"
                spellCheck={false}
                value={externalId}
                onChange={(e) => setExternalId(e.target.value)}
              />
            </Field>
          </>
        ) : (
          <>
            <IdentitySearch
              id={id}
              galleryId={mode === 'existing' ? chosenGallery : ''}
              legend="Identity these faces show"
              picked={picked}
              onPick={setPicked}
              error={problems.identity}
            />
          </>
        )}
        <FormActions
          mutation={{ error: otherError ? { message: otherError } : null, isPending: name.isPending }}
          submitLabel="Name and enroll"
          pendingLabel="Enrolling…"
          onCancel={onClose}
        />
      </form>
    </Dialog>
  );
}
