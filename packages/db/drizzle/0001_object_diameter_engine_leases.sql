ALTER TABLE "engine_executions" ADD COLUMN "lease_owner" text;--> statement-breakpoint
ALTER TABLE "engine_executions" ADD COLUMN "lease_expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "experiments" ADD COLUMN "object_diameter" double precision;--> statement-breakpoint
ALTER TABLE "image_results" ADD COLUMN "object_diameter" double precision;--> statement-breakpoint
ALTER TABLE "image_results" ADD COLUMN "diameter_source" text;--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "object_diameter" double precision;