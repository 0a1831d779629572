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
ALTER TABLE "well_results" ADD COLUMN "feature_medians" jsonb;--> statement-breakpoint
ALTER TABLE "well_results" ADD COLUMN "treatment" text;--> statement-breakpoint
ALTER TABLE "well_results" ADD COLUMN "dose" double precision;--> statement-breakpoint
ALTER TABLE "well_results" ADD COLUMN "unit" text;--> statement-breakpoint
ALTER TABLE "well_results" ADD COLUMN "role" text;--> statement-breakpoint
ALTER TABLE "well_results" ADD COLUMN "robust_z" jsonb;--> statement-breakpoint
ALTER TABLE "condition_results" ADD CONSTRAINT "condition_results_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dose_response_fits" ADD CONSTRAINT "dose_response_fits_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plate_qc" ADD CONSTRAINT "plate_qc_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "outbox_dedupe_idx" ON "outbox" USING btree ("dedupe_key");--> statement-breakpoint
CREATE INDEX "outbox_unpublished_idx" ON "outbox" USING btree ("id") WHERE "outbox"."published_at" IS NULL;