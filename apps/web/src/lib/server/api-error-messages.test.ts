import { describe, expect, it } from 'vitest';
import { apiErrorMessage } from './api-error-messages';

describe('API error messages', () => {
  it('words API refusals of form actions', () => {
    expect(apiErrorMessage('rate_limited')).toMatch(/Vänta en minut/);
    expect(apiErrorMessage('read_only_event')).toMatch(/Ändra passet i Tempus/);
    expect(apiErrorMessage('reauth_required')).toMatch(/anslut igen/);
  });

  it('words the calendar and account limits in Swedish', () => {
    expect(apiErrorMessage('too_many_new_events')).toMatch(/Vänta en stund/);
    expect(apiErrorMessage('calendar_full')).toMatch(/Ta bort gamla händelser/);
    expect(apiErrorMessage('not_your_event')).toMatch(/föräldrarna/);
    expect(apiErrorMessage('password_too_common')).toMatch(/vanligaste/);
    expect(apiErrorMessage('too_many_signups')).toMatch(/Försök igen senare/);
  });
});
