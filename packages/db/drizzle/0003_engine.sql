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
CREATE INDEX "engine_executions_status_idx" ON "engine_executions" USING btree ("state_machine_arn","status");