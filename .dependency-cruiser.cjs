/**
 * The house's import boundaries (DESIGN.md §1 and §3, CONVENTIONS.md 15), checked by `npm run lint`.
 *
 * Known violations of `cross-part-only-through-index` that predate this rule are listed in
 * `.dependency-cruiser-known-violations.json` and reported as warnings; any new one fails the lint. Shrink
 * that file as parts export what others need from their `index.ts` (`npm run lint:boundaries:baseline`
 * rewrites it; never grow it by hand).
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycles, type imports included: a cycle means two parts that cannot be understood alone.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'protocol-imports-nothing-of-ours',
      severity: 'error',
      comment: '@jarvis/protocol is pure wire formats: it imports no other package of this repository.',
      from: { path: '^protocol/src/' },
      to: { path: '^(hub|edge-agent|wearable-ts-bridge|worker-node|whisper-native|ha-simulator|dashboard)/' },
    },
    {
      name: 'nothing-imports-the-hub',
      severity: 'error',
      comment: 'The hub is an application, not a library: no other package (the HA simulator included) imports it.',
      from: { path: '^(protocol|edge-agent|wearable-ts-bridge|worker-node|whisper-native|ha-simulator|dashboard)/' },
      to: { path: '^hub/' },
    },
    {
      name: 'audio-knows-no-intents',
      severity: 'error',
      comment: 'audio/ turns frames into utterances; what was said and what to do about it is downstream.',
      from: { path: '^hub/src/audio/' },
      to: { path: '^hub/src/(language|router|home-assistant|voice|observer|tasks|api)/' },
    },
    {
      name: 'only-api-knows-http',
      severity: 'error',
      comment: 'Parts expose plain functions; api/ maps them to HTTP routes. Nothing else imports fastify.',
      from: { path: '^hub/src/', pathNot: '^hub/src/api/' },
      to: { path: '(^|/)node_modules/(fastify|@fastify/[^/]+)/' },
    },
    {
      name: 'executor-does-not-decide',
      severity: 'error',
      comment: 'The executor carries out a Decision; deciding (tier 0, tier 1, the router) is router/’s job.',
      from: { path: '^hub/src/home-assistant/' },
      to: { path: '^hub/src/router/' },
    },
    {
      name: 'observer-reaches-ha-through-a-sink',
      severity: 'error',
      comment: 'The observer gets a to-do sink from main.ts; it never imports the Home Assistant part.',
      from: { path: '^hub/src/observer/' },
      to: { path: '^hub/src/home-assistant/' },
    },
    {
      name: 'parts-do-not-import-the-root',
      severity: 'error',
      comment: 'main.ts builds the parts; a part that imports it (or the package index) is a cycle waiting to happen.',
      from: { path: '^hub/src/[^/]+/', pathNot: '^hub/src/cli/' },
      to: { path: '^hub/src/(main|index)\\.ts$' },
    },
    {
      name: 'cross-part-only-through-index',
      severity: 'error',
      comment: 'A part is reached only through its index.ts (main.ts, the package index and the CLI entry are the root).',
      from: { path: '^hub/src/([^/]+)/' },
      to: { path: '^hub/src/[^/]+/', pathNot: ['^hub/src/$1/', '^hub/src/[^/]+/index\\.ts$'] },
    },
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
