/**
 * Builds the product once for the browser tests: `pnpm build` at the root (the workspace
 * packages the web app bundles, the API and the simulator for the production smoke test,
 * then the web app, which the tests run as `node build/index.js`).
 */
import { buildProduct } from '@familyhub/demo';

export default function setup() {
  buildProduct();
}
