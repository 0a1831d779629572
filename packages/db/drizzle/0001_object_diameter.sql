ALTER TABLE "experiments" ADD COLUMN "object_diameter" double precision;--> statement-breakpoint
ALTER TABLE "image_results" ADD COLUMN "object_diameter" double precision;--> statement-breakpoint
ALTER TABLE "image_results" ADD COLUMN "diameter_source" text;--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "object_diameter" double precision;