/**
 * The layout's rules, checked by `npm run check:deps` in CI: core is the small core and never reaches out; a plugin
 * speaks to core only through the SDK and the capability schemas it implements; only the composition root (app/)
 * reads the plugin list.
 */
module.exports = {
  forbidden: [
    {
      name: 'core-not-to-plugins',
      comment: 'core knows no provider: plugins reach it through the list app/plugins.ts hands it',
      severity: 'error',
      from: { path: '^core/' },
      to: { path: '^plugins/' },
    },
    {
      name: 'core-not-to-tests',
      comment: "core's own tests use core/testing and core/sdk/testing, never the whole-gateway tests' support",
      severity: 'error',
      from: { path: '^core/' },
      to: { path: '^tests/' },
    },
    {
      name: 'core-not-to-app',
      comment: 'the composition root depends on core, not the other way round',
      severity: 'error',
      from: { path: '^core/' },
      to: { path: '^app/' },
    },
    {
      name: 'plugin-only-through-sdk',
      comment: 'a plugin imports core/sdk and the capability schemas (core/capabilities), nothing else of core',
      severity: 'error',
      from: { path: '^plugins/' },
      to: { path: '^core/', pathNot: '^core/(sdk|capabilities)/' },
    },
    {
      name: 'plugin-not-to-other-plugin',
      comment: 'a plugin is one folder: what two plugins share belongs in the SDK or the capability',
      severity: 'error',
      from: { path: '^plugins/([^/]+)/' },
      to: { path: '^plugins/', pathNot: '^plugins/$1/' },
    },
    {
      name: 'plugin-not-to-tests-or-app',
      severity: 'error',
      from: { path: '^plugins/' },
      to: { path: '^(tests|app)/' },
    },
    {
      name: 'production-not-to-test-kits',
      comment: 'the test kits import vitest and msw: only tests and test helpers may use them',
      severity: 'error',
      from: { path: '^(core|plugins|app)/', pathNot: '(\\.test\\.ts|\\.test-helper\\.ts|/test-support/.*|/testing/.*|^core/sdk/testing\\.ts)$' },
      to: { path: '^core/(sdk/)?testing(/|\\.ts$)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js', '.json'] },
  },
};
