// Injected into the CommonJS bundle of the CLI (scripts/bundle-cli.mjs): import.meta as the ES
// modules it was built from see it, so paths relative to the module (shard workers) still resolve.
import { pathToFileURL } from 'node:url';

export const __nfwasmImportMeta = {
  url: pathToFileURL(__filename).href,
  resolve: (specifier) => pathToFileURL(require.resolve(specifier)).href,
};
