CREATE TABLE "api_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"hash" text NOT NULL,
	"prefix" text NOT NULL,
	"scopes" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "condition_results" (
	"job_id" text NOT NULL,
	"treatment" text NOT NULL,
	"dose" double precision NOT NULL,
	"unit" text DEFAULT '' NOT NULL,
	"role" text NOT NULL,
	"feature" text NOT NULL,
	"n" integer NOT NULL,
	"mean" double precision NOT NULL,
	"sd" double precision,
	"median" double precision NOT NULL,
	CONSTRAINT "condition_results_job_id_treatment_dose_unit_feature_pk" PRIMARY KEY("job_id","treatment","dose","unit","feature")
);
--> statement-breakpoint
CREATE TABLE "dose_response_fits" (
	"job_id" text NOT NULL,
	"treatment" text NOT NULL,
	"feature" text NOT NULL,
	"unit" text DEFAULT '' NOT NULL,
	"n" integer NOT NULL,
	"doses" integer NOT NULL,
	"ec50" double precision,
	"ec50_ci_low" double precision,
	"ec50_ci_high" double precision,
	"log_ec50" double precision,
	"log_ec50_se" double precision,
	"hill" double precision,
	"top" double precision,
	"bottom" double precision,
	"r2" double precision,
	"converged" boolean NOT NULL,
	"error" text,
	CONSTRAINT "dose_response_fits_job_id_treatment_feature_pk" PRIMARY KEY("job_id","treatment","feature")
);
--> statement-breakpoint
CREATE TABLE "engine_executions" (
	"execution_arn" text PRIMARY KEY NOT NULL,
	"state_machine_arn" text NOT NULL,
	"name" text NOT NULL,
	"status" text NOT NULL,
	"input" jsonb,
	"output" jsonb,
	"error" text,
	"cause" text,
	"start_date" timestamp with time zone NOT NULL,
	"stop_date" timestamp with time zone,
	"redrive_count" integer DEFAULT 0 NOT NULL,
	"redrive_date" timestamp with time zone,
	"position" jsonb,
	"caught" jsonb,
	"map_runs" jsonb NOT NULL,
	"map_run_snapshots" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
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
CREATE TABLE "idempotency_keys" (
	"tenant_id" text NOT NULL,
	"key" text NOT NULL,
	"request_hash" text NOT NULL,
	"status_code" integer,
	"response_body" text,
	"content_type" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idempotency_keys_tenant_id_key_pk" PRIMARY KEY("tenant_id","key")
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
	"cost" jsonb,
	"last_event_sequence" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
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
CREATE TABLE "outbox" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "outbox_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"job_id" text NOT NULL,
	"dedupe_key" text NOT NULL,
	"source" text NOT NULL,
	"detail_type" text NOT NULL,
	"detail" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"published_at" timestamp with time zone,
	"event_id" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text
);
--> statement-breakpoint
CREATE TABLE "plate_map_wells" (
	"tenant_id" text DEFAULT 'default' NOT NULL,
	"experiment_id" text NOT NULL,
	"plate" text DEFAULT '' NOT NULL,
	"well" text NOT NULL,
	"treatment" text NOT NULL,
	"dose" double precision,
	"unit" text,
	"role" text NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "plate_map_wells_tenant_id_experiment_id_plate_well_pk" PRIMARY KEY("tenant_id","experiment_id","plate","well")
);
--> statement-breakpoint
CREATE TABLE "plate_qc" (
	"job_id" text NOT NULL,
	"plate" text NOT NULL,
	"feature" text NOT NULL,
	"n_negative" integer NOT NULL,
	"mean_negative" double precision,
	"sd_negative" double precision,
	"n_positive" integer NOT NULL,
	"mean_positive" double precision,
	"sd_positive" double precision,
	"z_prime" double precision,
	CONSTRAINT "plate_qc_job_id_plate_feature_pk" PRIMARY KEY("job_id","plate","feature")
);
--> statement-breakpoint
CREATE TABLE "processed_events" (
	"event_id" text PRIMARY KEY NOT NULL,
	"job_id" text NOT NULL,
	"processed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tenants" (
	"id" text PRIMARY KEY NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_attempts" (
	"delivery_id" text NOT NULL,
	"attempt" integer NOT NULL,
	"attempted_at" timestamp with time zone DEFAULT now() NOT NULL,
	"status_code" integer,
	"error" text,
	"duration_ms" integer NOT NULL,
	CONSTRAINT "webhook_attempts_delivery_id_attempt_pk" PRIMARY KEY("delivery_id","attempt")
);
--> statement-breakpoint
CREATE TABLE "webhook_deliveries" (
	"id" text PRIMARY KEY NOT NULL,
	"webhook_id" text NOT NULL,
	"tenant_id" text NOT NULL,
	"event_id" text NOT NULL,
	"event_type" text NOT NULL,
	"payload" text NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhooks" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"url" text NOT NULL,
	"event_types" jsonb NOT NULL,
	"description" text,
	"secret" text NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"disabled_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone
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
	"feature_medians" jsonb,
	"treatment" text,
	"dose" double precision,
	"unit" text,
	"role" text,
	"robust_z" jsonb,
	CONSTRAINT "well_results_job_id_plate_well_pk" PRIMARY KEY("job_id","plate","well")
);
--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "condition_results" ADD CONSTRAINT "condition_results_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dose_response_fits" ADD CONSTRAINT "dose_response_fits_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "image_results" ADD CONSTRAINT "image_results_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plate_qc" ADD CONSTRAINT "plate_qc_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_attempts" ADD CONSTRAINT "webhook_attempts_delivery_id_webhook_deliveries_id_fk" FOREIGN KEY ("delivery_id") REFERENCES "public"."webhook_deliveries"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_webhook_id_webhooks_id_fk" FOREIGN KEY ("webhook_id") REFERENCES "public"."webhooks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "well_results" ADD CONSTRAINT "well_results_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "api_keys_hash_idx" ON "api_keys" USING btree ("hash");--> statement-breakpoint
CREATE INDEX "api_keys_tenant_idx" ON "api_keys" USING btree ("tenant_id");--> statement-breakpoint
CREATE INDEX "engine_executions_status_idx" ON "engine_executions" USING btree ("state_machine_arn","status");--> statement-breakpoint
CREATE INDEX "idempotency_keys_created_idx" ON "idempotency_keys" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "jobs_tenant_created_idx" ON "jobs" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "jobs_experiment_idx" ON "jobs" USING btree ("tenant_id","experiment_id");--> statement-breakpoint
CREATE UNIQUE INDEX "models_tenant_name_version_idx" ON "models" USING btree ("tenant_id","name","version");--> statement-breakpoint
CREATE INDEX "models_tenant_created_idx" ON "models" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "outbox_dedupe_idx" ON "outbox" USING btree ("dedupe_key");--> statement-breakpoint
CREATE INDEX "outbox_unpublished_idx" ON "outbox" USING btree ("id") WHERE "outbox"."published_at" IS NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "webhook_deliveries_event_idx" ON "webhook_deliveries" USING btree ("webhook_id","event_id");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_due_idx" ON "webhook_deliveries" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "webhooks_tenant_idx" ON "webhooks" USING btree ("tenant_id");