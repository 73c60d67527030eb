// Signing in through the admin's sign-in page, the way a person does.
import { expect, type Page } from '@playwright/test';

/** Opens /sign-in (or `next` after it), signs in, and waits until the top bar shows the user. */
export async function signIn(
  page: Page,
  user: { email: string; password: string },
  next = '/',
): Promise<void> {
  await page.goto(`/sign-in?next=${encodeURIComponent(next)}`);
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('banner').getByText(user.email)).toBeVisible();
  await expect(page).toHaveURL((url) => url.pathname === next.split('?')[0]);
}
