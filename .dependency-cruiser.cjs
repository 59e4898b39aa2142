/**
 * The house's import boundaries (DESIGN.md §1 and §3, CONVENTIONS.md 15), checked by `npm run lint`.
 *
 * Known violations of `cross-part-only-through-index` that predate this rule are listed in
 * `.dependency-cruiser-known-violations.json` and reported as warnings; any new one fails the lint. Shrink
 * that file as parts export what others need from their `index.ts` (`npm run lint:boundaries:baseline`
 * rewrites it; never grow it by hand).
 */
/** One forbidden dependency: every rule of the house is an error. */
const forbid = (name, comment, from, to) => ({ name, severity: 'error', comment, from, to });

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    forbid(
      'no-circular',
      'No import cycles, type imports included: a cycle means two parts that cannot be understood alone.',
      {},
      { circular: true },
    ),
    forbid(
      'protocol-imports-nothing-of-ours',
      '@jarvis/protocol is pure wire formats: it imports no other package of this repository.',
      { path: '^protocol/src/' },
      { path: '^(hub|edge-agent|wearable-ts-bridge|worker-node|whisper-native|ha-simulator|dashboard)/' },
    ),
    forbid(
      'nothing-imports-the-hub',
      'The hub is an application, not a library: no other package (the HA simulator included) imports it.',
      { path: '^(protocol|edge-agent|wearable-ts-bridge|worker-node|whisper-native|ha-simulator|dashboard)/' },
      { path: '^hub/' },
    ),
    forbid(
      'config-and-core-import-no-part',
      'config/ and core/ are the bottom of the house: every part imports them, so they import no part (a part’s config section lives in config/sections/).',
      { path: '^hub/src/(config|core)/' },
      { path: '^hub/src/', pathNot: '^hub/src/(config|core)/' },
    ),
    forbid(
      'audio-knows-no-intents',
      'audio/ turns frames into utterances; what was said and what to do about it is downstream.',
      { path: '^hub/src/audio/' },
      { path: '^hub/src/(language|router|home-assistant|voice|observer|tasks|api)/' },
    ),
    forbid(
      'only-api-knows-http',
      'Parts expose plain functions; api/ maps them to HTTP routes. Nothing else imports fastify.',
      { path: '^hub/src/', pathNot: '^hub/src/api/' },
      { path: '(^|/)node_modules/(fastify|@fastify/[^/]+)/' },
    ),
    forbid(
      'executor-does-not-decide',
      'The executor carries out a Decision; deciding (tier 0, tier 1, the router) is router/’s job.',
      { path: '^hub/src/home-assistant/' },
      { path: '^hub/src/router/' },
    ),
    forbid(
      'observer-reaches-ha-through-a-sink',
      'The observer gets a to-do sink from main.ts; it never imports the Home Assistant part.',
      { path: '^hub/src/observer/' },
      { path: '^hub/src/home-assistant/' },
    ),
    forbid(
      'parts-do-not-import-the-root',
      'main.ts builds the parts; a part that imports it (or the package index) is a cycle waiting to happen.',
      { path: '^hub/src/[^/]+/', pathNot: '^hub/src/cli/' },
      { path: '^hub/src/(main|index)\\.ts$' },
    ),
    forbid(
      'cross-part-only-through-index',
      'A part is reached only through its index.ts (main.ts, the package index and the CLI entry are the root).',
      { path: '^hub/src/([^/]+)/' },
      { path: '^hub/src/[^/]+/', pathNot: ['^hub/src/$1/', '^hub/src/[^/]+/index\\.ts$'] },
    ),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|generated)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.test.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.d.ts'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
