/**
 * The Swedish text a form action shows when the API refuses it, by the API's error code.
 * Codes of a failed Tempus sync are worded by the Tempus wording, with what to do about them.
 */
import { knownErrorAdvice } from '$lib/tempus/wording';

/** Swedish text for an error the API answered a form action with. */
export function apiErrorMessage(code: string): string {
  switch (code) {
    case 'rate_limited':
      return 'Du har synkat flera gånger nyss. Vänta en minut och försök igen.';
    case 'too_many_new_events':
      return 'Du har lagt till många händelser den senaste timmen. Vänta en stund och försök igen.';
    case 'calendar_full':
      return 'Kalendern rymmer inte fler egna händelser. Ta bort gamla händelser och försök igen.';
    case 'not_your_event':
      return 'Bara den som lade till händelsen och föräldrarna kan ändra eller ta bort den.';
    case 'password_too_common':
      return 'Lösenordet är ett av de vanligaste och gissas först. Välj ett annat.';
    case 'too_many_signups':
      return 'Många konton har skapats härifrån den senaste timmen. Försök igen senare.';
    case 'read_only_event':
      return 'Pass från Tempus kan inte ändras här. Ändra passet i Tempus, så syns ändringen efter nästa synk.';
    case 'parent_only':
      return 'Bara föräldrar kan göra det här.';
    case 'forbidden':
      return 'Du får inte göra det här.';
    case 'not_found':
      return 'Det finns inte längre. Ladda om sidan.';
    case 'unauthorized':
      return 'Du behöver logga in igen.';
    case 'api_unreachable':
    case 'database_unavailable':
      return 'Familjehubben svarar inte just nu. Försök igen om en stund.';
    case 'validation_error':
    case 'bad_request':
      return 'Något av fälten är inte rätt ifyllt.';
    default: {
      const advice = knownErrorAdvice(code);
      return advice ? `${advice.message} ${advice.action}` : 'Något gick fel. Försök igen om en stund.';
    }
  }
}
