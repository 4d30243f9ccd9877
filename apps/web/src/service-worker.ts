/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
/**
 * The service worker: shows the family's push notifications (decrypted by the browser) and
 * opens the calendar at the notification's day when one is tapped. It caches nothing: the
 * calendar must always be the server's current truth.
 */
import { pushPayload } from '@familyhub/shared';

const sw = self as unknown as ServiceWorkerGlobalScope;

sw.addEventListener('push', (event) => {
  let data: unknown;
  try {
    data = event.data?.json();
  } catch {
    return;
  }
  const parsed = pushPayload.safeParse(data);
  if (!parsed.success) return;
  const { id, title, body, url } = parsed.data;
  event.waitUntil(sw.registration.showNotification(title, { body, tag: id, data: { url }, icon: '/favicon.svg', lang: 'sv' }));
});

sw.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = new URL(String((event.notification.data as { url?: string } | null)?.url ?? '/calendar'), sw.location.origin);
  // Only the app's own pages, whatever a payload says.
  const target = url.origin === sw.location.origin ? url.href : `${sw.location.origin}/calendar`;
  event.waitUntil(
    sw.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
      const open = windows.find((w) => new URL(w.url).origin === sw.location.origin);
      return open ? open.focus().then((w) => w.navigate(target)) : sw.clients.openWindow(target);
    }),
  );
});
