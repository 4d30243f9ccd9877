import { describe, expect, it } from 'vitest';
import { apiErrorMessage } from './api-error-messages';

describe('API error messages', () => {
  it('words API refusals of form actions', () => {
    expect(apiErrorMessage('rate_limited')).toMatch(/Vänta en minut/);
    expect(apiErrorMessage('read_only_event')).toMatch(/Ändra passet i Tempus/);
    expect(apiErrorMessage('reauth_required')).toMatch(/anslut igen/);
  });
});
