/** Builds the web app once for the browser tests, which run it as `node build/index.js`. */
import { buildWeb } from '@familyhub/demo';

export default function setup() {
  buildWeb();
}
