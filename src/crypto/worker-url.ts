/**
 * The URL of a worker module beside `from` (an import.meta.url): from src/
 * under a TypeScript loader the sibling is .ts, once built it is .js.
 */
export function siblingWorkerUrl(from: string, name: string): URL {
  const extension = from.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./${name}${extension}`, from);
}
