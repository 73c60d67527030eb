'use client';

// A set of codes (API key scopes, webhook events): chosen with a fieldset of checkboxes, each with a
// hint and the message shown when the choice is not acceptable; listed as badges.

export function CheckList<T extends string>({
  id,
  legend,
  options,
  selected,
  onChange,
  error,
}: {
  /** Prefix of the ids inside; the error is `${id}-error`. */
  id: string;
  legend: string;
  options: ReadonlyArray<{ value: T; hint: string }>;
  selected: ReadonlySet<T>;
  onChange: (next: ReadonlySet<T>) => void;
  error?: string;
}) {
  return (
    <fieldset className="scope-choice" aria-describedby={error ? `${id}-error` : undefined}>
      <legend>{legend}</legend>
      {options.map((option) => (
        <label key={option.value} className="review-candidate">
          <input
            type="checkbox"
            checked={selected.has(option.value)}
            onChange={(e) => {
              const next = new Set(selected);
              if (e.target.checked) next.add(option.value);
              else next.delete(option.value);
              onChange(next);
            }}
          />
          <span>
            <code>{option.value}</code> <span className="muted small">{option.hint}</span>
          </span>
        </label>
      ))}
      {error && (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      )}
    </fieldset>
  );
}

/** The chosen codes as a list of badges named `label` ("Scopes", "Events"). */
export function CodeBadges({ label, codes }: { label: string; codes: readonly string[] }) {
  return (
    <ul className="badges" aria-label={label}>
      {codes.map((code) => (
        <li key={code} className="badge badge-role">
          {code}
        </li>
      ))}
    </ul>
  );
}
