import { describe, expect, it } from 'vitest';
import { endpointAllowed } from './endpoint-policy.js';

const DEFAULT = ['fcm.googleapis.com', 'updates.push.services.mozilla.com', 'web.push.apple.com', 'notify.windows.com'];

describe('push endpoint policy', () => {
  it.each([
    ['https://fcm.googleapis.com/fcm/send/abc:def', true],
    ['https://updates.push.services.mozilla.com/wpush/v2/gAAAA', true],
    ['https://web.push.apple.com/QGx1', true],
    ['https://wns2-db5p.notify.windows.com/w/?token=x', true],
    ['http://fcm.googleapis.com/fcm/send/abc', false],
    ['https://fcm.googleapis.com.evil.example/x', false],
    ['https://evilfcm.googleapis.com.example/x', false],
    ['https://user:pw@fcm.googleapis.com/x', false],
    ['https://127.0.0.1/push', false],
    ['http://169.254.169.254/latest/meta-data', false],
    ['https://10.0.0.1/push', false],
    ['not a url', false],
    ['ftp://fcm.googleapis.com/x', false],
  ])('%s → %s with the default push services', (endpoint, allowed) => {
    expect(endpointAllowed(endpoint, DEFAULT)).toBe(allowed);
  });

  it('accepts plain http only for a loopback host listed by name', () => {
    expect(endpointAllowed('http://127.0.0.1:4567/push/1', ['127.0.0.1'])).toBe(true);
    expect(endpointAllowed('http://127.0.0.1:4567/push/1', DEFAULT)).toBe(false);
    expect(endpointAllowed('http://push.example.com/1', ['push.example.com'])).toBe(false);
  });
});
