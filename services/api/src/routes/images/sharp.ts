import { lazy } from '../../services/lazy.js';

/** sharp (libvips) for the image routes, loaded by the first request that decodes or encodes an image. */
export const loadSharp = lazy(async () => (await import('sharp')).default);
