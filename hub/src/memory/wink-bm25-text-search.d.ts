/** Types for the parts of wink-bm25-text-search (3.x, CommonJS, no bundled types) the memory uses. */
declare module 'wink-bm25-text-search' {
  interface Bm25Engine {
    defineConfig(config: { fldWeights: Record<string, number>; ovFldNames?: string[] }): boolean;
    definePrepTasks(tasks: ((input: string | string[]) => string | string[])[], field?: string): number;
    addDoc(doc: Record<string, string>, id: string | number): number;
    consolidate(fp?: number): boolean;
    search(text: string, limit?: number, filter?: (fieldValues: Record<string, string>, params: unknown) => boolean, params?: unknown): [string, number][];
    reset(): boolean;
  }
  function bm25(): Bm25Engine;
  export default bm25;
}
