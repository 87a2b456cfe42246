import { ComponentLoader } from 'adminjs';
import { fromRoot } from '../apps/server/src/common/project-root.js';

/** Custom components, bundled by AdminJS from admin-config/components/ (React without JSX). */
export const componentLoader = new ComponentLoader();

/** Registers admin-config/components/<file> under `name` and returns the id to use in options. */
export function adminComponent(name: string, file: string): string {
  return componentLoader.add(name, fromRoot('admin-config', 'components', file));
}
