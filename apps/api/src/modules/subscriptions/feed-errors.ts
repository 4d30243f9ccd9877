/**
 * Why a feed could not be read, with a stable code for the status page and the routes.
 * Messages name the host at most: the rest of a feed's URL is its owner's secret.
 */
export type FeedErrorCode =
  | 'invalid_url'
  | 'url_not_allowed'
  | 'feed_unreachable'
  | 'feed_timeout'
  | 'feed_http_error'
  | 'feed_too_large'
  | 'feed_not_icalendar';

export class FeedError extends Error {
  constructor(
    readonly code: FeedErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'FeedError';
  }
}
