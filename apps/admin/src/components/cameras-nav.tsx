'use client';

// The Cameras pages' own navigation: the cameras and their live sightings, alerts, unknown people, and
// the face search. Sightings pages are for ADMIN and REVIEWER (sightings.read), so auditors see only
// the cameras.
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { canOpen } from '../lib/access';
import { useSession } from '../queries/session';

const SECTIONS = [
  { href: '/cameras', label: 'Cameras and live sightings' },
  { href: '/cameras/alerts', label: 'Alerts' },
  { href: '/cameras/unknown', label: 'Unknown people' },
  { href: '/cameras/search', label: 'Where was this face seen?' },
] as const;

export function CamerasNav() {
  const pathname = usePathname();
  const { user } = useSession();
  const sections = SECTIONS.filter((section) => canOpen(section.href, user?.role ?? null));
  if (sections.length < 2) return null;
  return (
    <nav aria-label="Camera pages" className="settings-nav">
      <ul>
        {sections.map((section) => (
          <li key={section.href}>
            <Link href={section.href} aria-current={pathname === section.href ? 'page' : undefined}>
              {section.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
