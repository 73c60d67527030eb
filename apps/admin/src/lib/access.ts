// Which roles may open which page: the one table the navigation and the page guard both read.
// Add a line here when adding a page; the first matching prefix wins, so list deeper paths first.
import type { Role } from '@faceledger/schema/client';

/** Every role, for pages that any signed-in user may open. */
export const ALL_ROLES: readonly Role[] = ['ADMIN', 'HR', 'REVIEWER', 'AUDITOR'];

/** A page of the dashboard and who may open it. */
export interface PageAccess {
  /** Path prefix: "/galleries" also covers "/galleries/123". */
  path: string;
  /** Roles that may open it; null for public pages (no sign-in needed). */
  roles: readonly Role[] | null;
  /** Label in the main navigation; pages without one are reached from other pages. */
  navLabel?: string;
}

export const PAGES: readonly PageAccess[] = [
  { path: '/sign-in', roles: null },
  { path: '/galleries/new', roles: ['ADMIN', 'HR'] },
  { path: '/galleries', roles: ['ADMIN', 'HR'], navLabel: 'Galleries' },
  { path: '/identities', roles: ['ADMIN', 'HR'], navLabel: 'Identities' },
  { path: '/identify', roles: ['ADMIN', 'HR', 'REVIEWER'], navLabel: 'Identify' },
  { path: '/reviews', roles: ['ADMIN', 'REVIEWER'], navLabel: 'Reviews' },
  { path: '/audit', roles: ['ADMIN', 'AUDITOR'], navLabel: 'Audit' },
  { path: '/settings', roles: ['ADMIN'], navLabel: 'Settings' },
  { path: '/imports', roles: ['ADMIN', 'HR'], navLabel: 'Imports' },
  { path: '/evaluation', roles: ['ADMIN', 'AUDITOR'], navLabel: 'Evaluation' },
  // What the cameras saw (sightings.read, sightings.search); the cameras themselves (cameras.read).
  { path: '/cameras/alerts', roles: ['ADMIN', 'REVIEWER'] },
  { path: '/cameras/unknown', roles: ['ADMIN', 'REVIEWER'] },
  { path: '/cameras/search', roles: ['ADMIN', 'REVIEWER'] },
  { path: '/cameras', roles: ['ADMIN', 'REVIEWER', 'AUDITOR'], navLabel: 'Cameras' },
  { path: '/', roles: null, navLabel: 'Status' },
];

function matches(pathname: string, path: string): boolean {
  if (path === '/') return pathname === '/';
  return pathname === path || pathname.startsWith(`${path}/`);
}

/** The access rule of a pathname; unknown paths need a signed-in user of any role. */
export function accessOf(pathname: string): PageAccess {
  return PAGES.find((page) => matches(pathname, page.path)) ?? { path: pathname, roles: ALL_ROLES };
}

/** True when a visitor with `role` (null: not signed in) may open `pathname`. */
export function canOpen(pathname: string, role: Role | null): boolean {
  const { roles } = accessOf(pathname);
  if (roles === null) return true;
  return role !== null && roles.includes(role);
}

/** The navigation entries `role` may see, in display order (Status first). */
export function navFor(role: Role | null): Array<{ href: string; label: string }> {
  const entries = PAGES.filter((page) => page.navLabel && canOpen(page.path, role)).map((page) => ({
    href: page.path,
    label: page.navLabel ?? page.path,
  }));
  return [...entries.filter((e) => e.href === '/'), ...entries.filter((e) => e.href !== '/')];
}

/** Galleries may be changed by admins only (galleries.write on the server). */
export function canEditGalleries(role: Role | null): boolean {
  return role === 'ADMIN';
}

/** A gallery's webhooks may be seen, added and deleted by admins only (webhooks.manage on the server). */
export function canManageWebhooks(role: Role | null): boolean {
  return role === 'ADMIN';
}

/** Galleries may be created by ADMIN and HR (galleries.create on the server). */
export function canCreateGalleries(role: Role | null): boolean {
  return role === 'ADMIN' || role === 'HR';
}

/** Identities may be created, changed, enrolled and erased by ADMIN and HR. */
export function canWriteIdentities(role: Role | null): boolean {
  return role === 'ADMIN' || role === 'HR';
}

/** Cameras may be added, changed, tested and deleted by admins only (cameras.manage on the server). */
export function canManageCameras(role: Role | null): boolean {
  return role === 'ADMIN';
}

/** Sightings, alerts and unknown clusters may be read by ADMIN and REVIEWER (sightings.read). */
export function canReadSightings(role: Role | null): boolean {
  return role === 'ADMIN' || role === 'REVIEWER';
}

/** Naming an unknown cluster enrolls its faces under the reviewer's decision (sightings.review). */
export function canNameClusters(role: Role | null): boolean {
  return role === 'ADMIN' || role === 'REVIEWER';
}

/**
 * Where each role lands after signing in (when no page asked for the sign-in): the page with its
 * next step. HR enrolls people, so its galleries with "Enroll people" and "Import"; reviewers their
 * queue; auditors the audit trail; admins the service status. Each is a page the role may open.
 */
export const HOME: Readonly<Record<Role, string>> = {
  ADMIN: '/',
  HR: '/galleries',
  REVIEWER: '/reviews',
  AUDITOR: '/audit',
};

/** The home page of `role` (see HOME); the status page for visitors. */
export function homeFor(role: Role | null): string {
  return role ? HOME[role] : '/';
}

/**
 * A same-site path to return to after sign-in; null when none was asked for or it is unsafe
 * (another origin, //host, the sign-in page), so the caller goes to the user's home.
 */
export function safeNextPath(next: string | null): string | null {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/sign-in')) return null;
  return next;
}
