import { fileURLToPath } from 'node:url';

/** Where `npm run build:web` writes the built UI (index.html + hashed assets); the API serves it at `/`. */
export const webDistDir = fileURLToPath(new URL('../dist/', import.meta.url));
