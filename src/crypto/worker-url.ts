import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts the worker module `name` beside `from` (an import.meta.url): from src/
 * under a TypeScript loader the sibling is .ts, once built it is .js. Node 20
 * does not carry a loader registered with --import into worker threads, so a .ts
 * worker first registers tsx (a dev dependency: only tests and benches run src/).
 */
export function startSiblingWorker(from: string, name: string, options: WorkerOptions = {}): Worker {
  if (!from.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, from), options);
  const loader = import.meta.resolve('tsx/esm/api');
  const module = new URL(`./${name}.ts`, from).href;
  const bootstrap = `import(${JSON.stringify(loader)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(module)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}
