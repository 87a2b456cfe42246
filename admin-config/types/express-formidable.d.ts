// express-formidable ships no types; the loader uses only its middleware factory.
declare module 'express-formidable' {
  import type { RequestHandler } from 'express';
  export default function formidableMiddleware(options?: unknown): RequestHandler;
}
