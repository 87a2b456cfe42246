import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Controller, Get, Injectable, NotFoundException, Param, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';

const NAME = /^[a-z0-9][a-z0-9._-]{0,127}$/i;
const YEAR_SECONDS = 365 * 24 * 3600;

/**
 * Self-hosted static files (styles, scripts, fonts, images), grouped by namespace; each UI
 * registers its folder. URLs carry a content hash, so a file can be cached for a year and a new
 * release still reaches every browser at once.
 */
@Injectable()
export class AssetRegistry {
  private readonly dirs = new Map<string, { dir: string; only?: string }>();
  private readonly hashes = new Map<string, string>();

  /** `only` limits a namespace to one file (a tenant's logo, next to files that are not public). */
  register(namespace: string, dir: string, only?: string): void {
    if (!NAME.test(namespace)) throw new Error(`Invalid asset namespace '${namespace}'`);
    const known = this.dirs.get(namespace);
    if (known && known.dir !== dir) throw new Error(`Asset namespace '${namespace}' is already taken by ${known.dir}`);
    if (known?.only !== only) for (const key of this.hashes.keys()) if (key.startsWith(`${namespace}/`)) this.hashes.delete(key);
    this.dirs.set(namespace, { dir, only });
  }

  /** Absolute path of a registered file, or null (unknown namespace, bad name, missing file). */
  resolve(namespace: string, file: string): string | null {
    const entry = this.dirs.get(namespace);
    if (!entry || !NAME.test(file) || file.includes('..') || (entry.only !== undefined && entry.only !== file)) return null;
    const path = join(entry.dir, file);
    return existsSync(path) && statSync(path).isFile() ? path : null;
  }

  hash(namespace: string, file: string): string | null {
    const key = `${namespace}/${file}`;
    const cached = this.hashes.get(key);
    if (cached) return cached;
    const path = this.resolve(namespace, file);
    if (!path) return null;
    const hash = createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 12);
    this.hashes.set(key, hash);
    return hash;
  }

  /** `/assets/<namespace>/<file>?v=<hash>`; throws for a file that does not exist (a template typo). */
  url(namespace: string, file: string): string {
    const hash = this.hash(namespace, file);
    if (!hash) throw new Error(`Unknown asset ${namespace}/${file}`);
    return `/assets/${namespace}/${file}?v=${hash}`;
  }
}

@ApiExcludeController()
@Controller('assets')
export class AssetsController {
  constructor(private readonly assets: AssetRegistry) {}

  @Get(':namespace/:file')
  serve(@Param('namespace') namespace: string, @Param('file') file: string, @Query('v') version: unknown, @Res() res: Response): void {
    const path = this.assets.resolve(namespace, file);
    if (!path) throw new NotFoundException('Not found');
    const immutable = typeof version === 'string' && version === this.assets.hash(namespace, file);
    // Stricter than the server's policy (security-headers.ts): an SVG opened directly must not run
    // scripts on this origin.
    res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; sandbox");
    res.sendFile(path, {
      // Only a URL with the current hash may be cached for good; anything else is revalidated.
      maxAge: immutable ? YEAR_SECONDS * 1000 : 0,
      immutable,
      dotfiles: 'deny',
    });
  }
}
