'use client';

// Settings (ADMIN): users and roles, API keys, and the recognition engine in use.
import { SettingsApiKeys } from '../../components/settings-api-keys';
import { SettingsEngine } from '../../components/settings-engine';
import { SettingsUsers } from '../../components/settings-users';

export default function SettingsPage() {
  return (
    <section aria-labelledby="settings-title">
      <h1 id="settings-title">Settings</h1>
      <nav aria-label="Settings sections" className="settings-nav">
        <ul>
          <li>
            <a href="#settings-users-title">Users</a>
          </li>
          <li>
            <a href="#settings-keys-title">API keys</a>
          </li>
          <li>
            <a href="#settings-engine-title">Engine</a>
          </li>
        </ul>
      </nav>
      <SettingsUsers />
      <SettingsApiKeys />
      <SettingsEngine />
    </section>
  );
}
