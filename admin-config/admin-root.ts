/** Where the panel is mounted; its own module, so that mounting it does not load AdminJS. */
export const ADMIN_ROOT = '/admin';
