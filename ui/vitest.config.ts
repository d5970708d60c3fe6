// Unit tests of the UI's pure helpers (and its redemption flow store): `npm run test:unit`,
// with TZ set to a zone that is not UTC so that day boundaries are tested for real.
import { defineConfig, mergeConfig } from 'vitest/config';
import viteConfig from './vite.config.ts';

export default mergeConfig(
  viteConfig,
  defineConfig({
    // Svelte's client runtime: runes in .svelte.ts modules are reactive as in the app.
    resolve: { conditions: ['browser'] },
    test: { include: ['src/**/*.test.ts'], environment: 'node' },
  }),
);
