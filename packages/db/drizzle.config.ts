import { defineConfig } from 'drizzle-kit';

// Migrations are generated from src/schema and committed; both Postgres and PGlite apply the same files.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/schema/index.ts',
  out: './drizzle',
});
