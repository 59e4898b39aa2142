/** Types for @echogarden/rnnoise-wasm, which ships none: an Emscripten module factory. */
declare module '@echogarden/rnnoise-wasm' {
  const createRnnoise: (moduleArg?: Record<string, unknown>) => Promise<unknown>;
  export default createRnnoise;
}
