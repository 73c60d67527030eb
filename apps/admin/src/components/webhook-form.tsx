'use client';

// Add a webhook to a gallery: the receiver's URL (checked here before the API sees it) and which
// decisions it receives, MATCH ticked by default.
import type { CreateWebhookMutation, WebhookEvent } from '@faceledger/schema/client';
import { useState } from 'react';
import { fieldError } from '../lib/api-error';
import { useCreateWebhook } from '../queries/webhooks';
import { CheckList } from './check-list';
import { describedBy, Field } from './field';
import { FormActions } from './form-actions';

/** The events a webhook may take, in the API's order, with what each one means. */
export const WEBHOOK_EVENTS: ReadonlyArray<{ value: WebhookEvent; hint: string }> = [
  { value: 'MATCH', hint: 'identify or verify recognised someone of the gallery (a watchlist hit)' },
  { value: 'NO_MATCH', hint: 'verify found the photo is not the claimed person' },
  { value: 'UNKNOWN', hint: 'identify found nobody at or above the threshold, or no face' },
];

const URL_PROBLEM =
  'Enter an absolute http:// or https:// URL, such as https://alerts.example.org/faceledger.';

/** Why `value` cannot be a webhook URL, or undefined when it can. */
function urlProblem(value: string): string | undefined {
  try {
    const { protocol } = new URL(value.trim());
    return protocol === 'http:' || protocol === 'https:' ? undefined : URL_PROBLEM;
  } catch {
    return URL_PROBLEM;
  }
}

export function WebhookForm({
  galleryId,
  onCreated,
  onCancel,
}: {
  galleryId: string;
  onCreated: (created: CreateWebhookMutation['createWebhook']) => void;
  onCancel: () => void;
}) {
  const create = useCreateWebhook(galleryId);
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<ReadonlySet<WebhookEvent>>(new Set(['MATCH']));
  const [tried, setTried] = useState(false);
  const urlError = (tried ? urlProblem(url) : undefined) ?? fieldError(create.error, 'url');
  const eventsError =
    tried && events.size === 0 ? 'Choose at least one event.' : fieldError(create.error, 'events');
  // FormActions shows the API's errors that no field here shows.
  const otherError =
    fieldError(create.error, 'url') || fieldError(create.error, 'events') ? null : create.error;

  return (
    <form
      className="form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        setTried(true);
        if (urlProblem(url) || events.size === 0) return;
        create.mutate(
          { url: url.trim(), events: WEBHOOK_EVENTS.map((ev) => ev.value).filter((ev) => events.has(ev)) },
          { onSuccess: onCreated },
        );
      }}
    >
      <Field
        id="new-webhook-url"
        label="URL"
        hint="Your endpoint; FaceLedger POSTs each event to it as signed JSON."
        error={urlError}
      >
        <input
          id="new-webhook-url"
          type="url"
          inputMode="url"
          data-autofocus
          autoComplete="off"
          spellCheck={false}
          placeholder="https://alerts.example.org/faceledger"
          value={url}
          aria-invalid={urlError ? true : undefined}
          aria-describedby={describedBy('new-webhook-url', 'hint', urlError)}
          onChange={(e) => setUrl(e.target.value)}
        />
      </Field>
      <CheckList
        id="new-webhook-events"
        legend="Events"
        options={WEBHOOK_EVENTS}
        selected={events}
        onChange={setEvents}
        error={eventsError}
      />
      <FormActions
        mutation={{ error: otherError, isPending: create.isPending }}
        submitLabel="Add webhook"
        pendingLabel="Adding…"
        onCancel={onCancel}
      />
    </form>
  );
}
