/** Vite's `?url` imports: the URL the dev server serves the file under. */
declare module '*.wasm?url' {
  const url: string;
  export default url;
}
