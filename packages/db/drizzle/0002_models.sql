CREATE TABLE "models" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text DEFAULT 'default' NOT NULL,
	"name" text NOT NULL,
	"version" integer NOT NULL,
	"sha256" text NOT NULL,
	"object_key" text NOT NULL,
	"size_bytes" integer NOT NULL,
	"classes" jsonb NOT NULL,
	"channels" jsonb NOT NULL,
	"foreground_class" text NOT NULL,
	"architecture" jsonb NOT NULL,
	"training_images" jsonb NOT NULL,
	"label_counts" jsonb NOT NULL,
	"metrics" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "models_tenant_name_version_idx" ON "models" USING btree ("tenant_id","name","version");--> statement-breakpoint
CREATE INDEX "models_tenant_created_idx" ON "models" USING btree ("tenant_id","created_at");