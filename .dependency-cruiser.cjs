// The layers of src/, lowest first; each may import only from itself and the layers below it.
// config -> contracts -> output -> engine -> features -> api -> control -> export -> host -> cli (src/version.ts is a leaf anyone may use).
const layers = ['config', 'contracts', 'output', 'engine', 'features', 'api', 'control', 'export', 'host', 'cli'];

const upwardRules = layers.slice(0, -1).map((layer, index) => ({
  name: `${layer}-imports-no-higher-layer`,
  comment: `src/${layer}/ sits below ${layers.slice(index + 1).join(', ')}: it must not import them`,
  severity: 'error',
  from: { path: `^src/${layer}/` },
  to: { path: `^src/(${layers.slice(index + 1).join('|')})/` },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...upwardRules,
    {
      name: 'no-run-time-cycles',
      comment: 'a cycle of run-time imports hides a layer mix-up; type-only imports between neighbours are fine',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'src-not-from-tests-or-bench',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|bench)/' },
    },
    {
      name: 'no-unknown-folder-in-src',
      comment: 'every module of src/ belongs to a layer, so the rules above see it',
      severity: 'error',
      from: { path: `^src/(?!(${layers.join('|')})/|version\\.ts$)` },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(dist|node_modules)/' },
  },
};
