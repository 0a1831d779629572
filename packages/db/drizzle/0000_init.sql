CREATE TABLE "experiments" (
	"tenant_id" text DEFAULT 'default' NOT NULL,
	"id" text NOT NULL,
	"plate_format" integer NOT NULL,
	"image_prefix" text NOT NULL,
	"naming" text NOT NULL,
	"channels" jsonb NOT NULL,
	"manifest" jsonb,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "experiments_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "image_results" (
	"job_id" text NOT NULL,
	"plate" text NOT NULL,
	"well" text NOT NULL,
	"field" integer NOT NULL,
	"ok" boolean NOT NULL,
	"cell_count" integer,
	"mean_area" double precision,
	"median_area" double precision,
	"mean_intensity" jsonb,
	"features" jsonb,
	"objects_key" text,
	"mask_key" text,
	"seconds" double precision,
	"error" text,
	CONSTRAINT "image_results_job_id_plate_well_field_pk" PRIMARY KEY("job_id","plate","well","field")
);
--> statement-breakpoint
CREATE TABLE "jobs" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text DEFAULT 'default' NOT NULL,
	"experiment_id" text NOT NULL,
	"status" text NOT NULL,
	"segmentation_channel" text NOT NULL,
	"model_key" text,
	"max_concurrency" integer NOT NULL,
	"batch_size" integer NOT NULL,
	"tolerated_failure_percentage" double precision NOT NULL,
	"execution_arn" text,
	"map_run_arn" text,
	"results_prefix" text NOT NULL,
	"images_total" integer,
	"images_succeeded" integer,
	"images_failed" integer,
	"error" jsonb,
	"last_event_sequence" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "processed_events" (
	"event_id" text PRIMARY KEY NOT NULL,
	"job_id" text NOT NULL,
	"processed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "well_results" (
	"job_id" text NOT NULL,
	"plate" text NOT NULL,
	"well" text NOT NULL,
	"fields" integer NOT NULL,
	"fields_failed" integer NOT NULL,
	"cell_count" integer NOT NULL,
	"mean_cell_count" double precision,
	"mean_area" double precision,
	"median_area" double precision,
	"mean_intensity" jsonb,
	"features" jsonb,
	CONSTRAINT "well_results_job_id_plate_well_pk" PRIMARY KEY("job_id","plate","well")
);
--> statement-breakpoint
ALTER TABLE "image_results" ADD CONSTRAINT "image_results_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "well_results" ADD CONSTRAINT "well_results_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "jobs_tenant_created_idx" ON "jobs" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "jobs_experiment_idx" ON "jobs" USING btree ("tenant_id","experiment_id");