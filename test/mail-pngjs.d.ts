// pngjs ships no types and @types/pngjs is not installed; the tests need only PNG.sync.read.
declare module 'pngjs' {
  export const PNG: { sync: { read(buffer: Buffer): { width: number; height: number; data: Buffer } } };
}
