// `npm run build`: each process as one ES module for plain `node`, in dist/<process>/main.js.
// The workspace packages export their TypeScript source with extensionless imports, so tsc's
// output would not run under Node's ESM resolver; esbuild bundles the @tradeplane/* sources
// into each process and leaves every npm package external, resolved from node_modules at run
// time (onnxruntime-node and the Prisma runtime load native code and files of their own).
//
//   node scripts/build.mjs               build
//   node scripts/build.mjs --if-changed  build only when a source is newer than the last build
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const repoRoot = path.resolve(import.meta.dirname, '..');
const distDir = path.join(repoRoot, 'dist');
/** The inputs of the last build (metafile), for --if-changed. */
const inputsFile = path.join(distDir, 'inputs.json');

/**
 * dist/<process>/main.js ← source entry. train-in-thread.ts starts its worker thread from
 * `../training-thread/main.js` next to the bundle that runs it.
 */
const entries = {
  engine: 'packages/engine/src/main.ts',
  gateway: 'apps/gateway/src/main.ts',
  workers: 'apps/workers/src/main.ts',
  forensics: 'apps/workers/src/forensics/main.ts',
  'training-thread': 'packages/training/src/thread/training-thread.ts',
  cli: 'apps/cli/src/main.ts',
  migrate: 'packages/db/src/migrate/cli.ts',
};

/** Bare imports other than the workspace's own packages stay imports. */
const npmPackagesExternal = {
  name: 'npm-packages-external',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@tradeplane/') ? undefined : { path: args.path, external: true },
    );
  },
};

/**
 * Sources find files beside them through `import.meta.dirname` (the gateway's .graphql files,
 * prisma/migrations); in a bundle that is dist/<process>, so it is rewritten to the source's
 * own directory, relative to the bundle (every bundle sits two levels below the root).
 */
const sourceDirname = {
  name: 'source-dirname',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('import.meta.')) return undefined;
      const fromBundle = path.relative(path.join(distDir, 'process'), path.dirname(args.path));
      const contents = source
        .replaceAll('import.meta.dirname', `(import.meta.dirname + ${JSON.stringify(`/${fromBundle}`)})`)
        .replaceAll(
          'import.meta.filename',
          `(import.meta.dirname + ${JSON.stringify(`/${fromBundle}/${path.basename(args.path)}`)})`,
        );
      return { contents, loader: 'ts', resolveDir: path.dirname(args.path) };
    });
  },
};

/** Workspace manifests (their `exports` steer resolution) and this script count as inputs too. */
function buildInputs(metafileInputs) {
  const manifests = ['apps', 'packages'].flatMap((group) =>
    readdirSync(path.join(repoRoot, group)).map((name) => path.join(group, name, 'package.json')),
  );
  return [...metafileInputs, ...manifests, 'package.json', 'scripts/build.mjs'];
}

function upToDate() {
  let built;
  let inputs;
  try {
    built = statSync(inputsFile).mtimeMs;
    inputs = JSON.parse(readFileSync(inputsFile, 'utf8'));
    for (const name of Object.keys(entries)) statSync(path.join(distDir, name, 'main.js'));
  } catch {
    return false;
  }
  if (JSON.stringify(inputs.entries) !== JSON.stringify(entries)) return false;
  return inputs.files.every((file) => {
    try {
      return statSync(path.join(repoRoot, file)).mtimeMs <= built;
    } catch {
      return false; // a file that is gone changes the build
    }
  });
}

if (process.argv.includes('--if-changed') && upToDate()) {
  console.log('dist/ is up to date');
  process.exit(0);
}

const started = performance.now();
const result = await build({
  absWorkingDir: repoRoot,
  entryPoints: Object.fromEntries(Object.entries(entries).map(([name, file]) => [`${name}/main`, file])),
  outdir: distDir,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  // Error and class names reach logs and error codes; bundling must not rename them.
  keepNames: true,
  metafile: true,
  logLevel: 'warning',
  plugins: [npmPackagesExternal, sourceDirname],
});
const files = buildInputs(
  Object.keys(result.metafile.inputs).filter((file) => !file.startsWith('node_modules/')),
);
writeFileSync(inputsFile, `${JSON.stringify({ entries, files }, null, 2)}\n`);
console.log(
  `built ${Object.keys(entries)
    .map((name) => `dist/${name}/main.js`)
    .join(', ')} in ${Math.round(performance.now() - started)} ms`,
);
