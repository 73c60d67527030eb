'use client';

// Settings > Users: everyone who signs in, their role, and whether they may; create a user with a role.
import type { Role, UserFieldsFragment } from '@faceledger/schema/client';
import { useState } from 'react';
import { formatDateTime } from '../lib/format';
import { useSession } from '../queries/session';
import { useCreateUser, useUpdateUser, useUsers } from '../queries/settings';
import { Dialog } from './dialog';
import { Field } from './field';
import { FormActions } from './form-actions';
import { ConfirmDialog } from './settings-confirm-dialog';

const ROLES: ReadonlyArray<{ value: Role; label: string; hint: string }> = [
  { value: 'ADMIN', label: 'Admin', hint: 'everything, including users, API keys and settings' },
  { value: 'HR', label: 'HR', hint: 'galleries’ identities and enrollment' },
  { value: 'REVIEWER', label: 'Reviewer', hint: 'the review queue and identify' },
  { value: 'AUDITOR', label: 'Auditor', hint: 'the audit log and its exports' },
];

function RoleCell({ user, isSelf }: { user: UserFieldsFragment; isSelf: boolean }) {
  const update = useUpdateUser();
  const [role, setRole] = useState<Role>(user.role);
  const id = `role-${user.id}`;
  return (
    <div className="role-cell">
      <label htmlFor={id} className="visually-hidden">
        Role of {user.email}
      </label>
      <select
        id={id}
        value={role}
        onChange={(e) => setRole(e.target.value as Role)}
        disabled={update.isPending}
      >
        {ROLES.map((r) => (
          <option key={r.value} value={r.value}>
            {r.label}
          </option>
        ))}
      </select>
      {role !== user.role && (
        <button
          type="button"
          className="button button-small"
          disabled={update.isPending}
          onClick={() => update.mutate({ id: user.id, input: { role } })}
        >
          {update.isPending ? 'Saving…' : isSelf ? 'Change my role' : 'Save role'}
        </button>
      )}
      {update.error && (
        <p role="alert" className="field-error">
          {update.error.message}
        </p>
      )}
    </div>
  );
}

function CreateUserForm({ onDone }: { onDone: () => void }) {
  const create = useCreateUser();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('REVIEWER');
  const tooShort = password.length > 0 && password.length < 12;
  return (
    <form
      className="form"
      onSubmit={(e) => {
        e.preventDefault();
        if (password.length < 12) return;
        create.mutate({ email: email.trim(), password, role }, { onSuccess: onDone });
      }}
    >
      <Field id="new-user-email" label="Email">
        <input
          id="new-user-email"
          type="email"
          required
          autoComplete="off"
          data-autofocus
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
      </Field>
      <Field
        id="new-user-password"
        label="Password"
        hint="At least 12 characters. Hand it over safely; only an admin can change it later."
        error={tooShort ? `${12 - password.length} more characters needed.` : undefined}
      >
        <input
          id="new-user-password"
          type="password"
          required
          minLength={12}
          autoComplete="new-password"
          value={password}
          aria-invalid={tooShort || undefined}
          aria-describedby={`new-user-password-hint${tooShort ? ' new-user-password-error' : ''}`}
          onChange={(e) => setPassword(e.target.value)}
        />
      </Field>
      <fieldset className="role-choice">
        <legend>Role</legend>
        {ROLES.map((r) => (
          <label key={r.value} className="review-candidate">
            <input
              type="radio"
              name="new-user-role"
              value={r.value}
              checked={role === r.value}
              onChange={() => setRole(r.value)}
            />
            <span>
              <strong>{r.label}</strong> <span className="muted small">{r.hint}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <FormActions mutation={create} submitLabel="Create user" pendingLabel="Creating…" onCancel={onDone} />
    </form>
  );
}

export function SettingsUsers() {
  const { user: me } = useSession();
  const users = useUsers();
  const update = useUpdateUser();
  const [creating, setCreating] = useState(false);
  const [toggling, setToggling] = useState<UserFieldsFragment | null>(null);

  return (
    <section className="settings-section" aria-labelledby="settings-users-title">
      <div className="page-head">
        <h2 id="settings-users-title">Users</h2>
        <button type="button" className="button" onClick={() => setCreating(true)}>
          New user
        </button>
      </div>
      {users.isPending && <p role="status">Loading users…</p>}
      {users.error && (
        <p role="alert" className="error">
          {users.error.message}
        </p>
      )}
      {users.data && (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Users and their roles</caption>
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
                <th scope="col">Created</th>
                <th scope="col" className="row-actions">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {users.data.map((user) => {
                const isSelf = user.id === me?.id;
                return (
                  <tr key={user.id}>
                    <th scope="row">
                      {user.email}
                      {isSelf && <span className="muted small"> (you)</span>}
                    </th>
                    <td>
                      <RoleCell key={user.role} user={user} isSelf={isSelf} />
                    </td>
                    <td>
                      <span className={user.disabled ? 'badge badge-muted' : 'badge badge-ok'}>
                        {user.disabled ? 'Disabled' : 'Active'}
                      </span>
                    </td>
                    <td className="small">{formatDateTime(user.createdAt)}</td>
                    <td className="row-actions">
                      <button
                        type="button"
                        className={
                          user.disabled
                            ? 'button button-quiet button-small'
                            : 'button button-quiet button-small danger-text'
                        }
                        onClick={() => {
                          update.reset();
                          if (user.disabled) update.mutate({ id: user.id, input: { disabled: false } });
                          else setToggling(user);
                        }}
                      >
                        {user.disabled ? 'Enable' : 'Disable'}
                        <span className="visually-hidden"> {user.email}</span>
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {update.error && !toggling && (
        <p role="alert" className="error">
          {update.error.message}
        </p>
      )}
      <Dialog open={creating} title="New user" onClose={() => setCreating(false)}>
        <CreateUserForm onDone={() => setCreating(false)} />
      </Dialog>
      <ConfirmDialog
        open={toggling !== null}
        title={`Disable ${toggling?.email ?? 'this user'}?`}
        confirmLabel="Disable"
        pendingLabel="Disabling…"
        danger
        isPending={update.isPending}
        error={update.error?.message ?? null}
        onCancel={() => setToggling(null)}
        onConfirm={() =>
          toggling &&
          update.mutate(
            { id: toggling.id, input: { disabled: true } },
            { onSuccess: () => setToggling(null) },
          )
        }
      >
        <p>
          They are signed out at once and cannot sign in until enabled again. Their reviews and audit entries
          stay. The last enabled admin cannot be disabled.
        </p>
      </ConfirmDialog>
    </section>
  );
}
