CREATE TYPE "public"."tempus_account_state" AS ENUM('active', 'reauth_required', 'disabled');--> statement-breakpoint
CREATE TYPE "public"."tempus_audit_action" AS ENUM('created', 'updated', 'deleted', 'restored');--> statement-breakpoint
CREATE TYPE "public"."event_source" AS ENUM('manual', 'tempus');--> statement-breakpoint
CREATE TYPE "public"."role" AS ENUM('parent', 'member');--> statement-breakpoint
CREATE TYPE "public"."shift_status" AS ENUM('scheduled', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."tempus_sync_status" AS ENUM('running', 'succeeded', 'failed');--> statement-breakpoint
CREATE TYPE "public"."tempus_sync_trigger" AS ENUM('connect', 'schedule', 'manual', 'admin');--> statement-breakpoint
CREATE TYPE "public"."tempus_sync_type" AS ENUM('initial', 'incremental', 'full');--> statement-breakpoint
CREATE TABLE "calendar_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"family_id" uuid NOT NULL,
	"owner_user_id" uuid NOT NULL,
	"title" text NOT NULL,
	"start_at" timestamp with time zone NOT NULL,
	"end_at" timestamp with time zone NOT NULL,
	"all_day" boolean DEFAULT false NOT NULL,
	"source" "event_source" DEFAULT 'manual' NOT NULL,
	"editable" boolean DEFAULT true NOT NULL,
	"status" "shift_status" DEFAULT 'scheduled' NOT NULL,
	"location" text,
	"note" text,
	"tempus_account_id" uuid,
	"tempus_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "families" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tempus_accounts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"family_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"tempus_user_id" text NOT NULL,
	"email" text,
	"name" text,
	"employer" text,
	"timezone" text,
	"access_token_enc" text,
	"refresh_token_enc" text,
	"token_expires_at" timestamp with time zone,
	"scopes" text DEFAULT '' NOT NULL,
	"sync_enabled" boolean DEFAULT true NOT NULL,
	"state" "tempus_account_state" DEFAULT 'active' NOT NULL,
	"sync_cursor" timestamp with time zone,
	"last_sync_at" timestamp with time zone,
	"last_success_at" timestamp with time zone,
	"last_full_sync_at" timestamp with time zone,
	"next_sync_at" timestamp with time zone,
	"consecutive_failures" integer DEFAULT 0 NOT NULL,
	"lease_owner" text,
	"lease_expires_at" timestamp with time zone,
	"last_error_code" text,
	"last_error_message" text,
	"last_error_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tempus_oauth_states" (
	"state_hash" text PRIMARY KEY NOT NULL,
	"session_id" text NOT NULL,
	"user_id" uuid NOT NULL,
	"family_id" uuid NOT NULL,
	"code_verifier_enc" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tempus_pending_revocations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"refresh_token_enc" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tempus_rate_budget" (
	"id" text PRIMARY KEY NOT NULL,
	"tokens" double precision NOT NULL,
	"refilled_at" timestamp with time zone NOT NULL,
	"blocked_until" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "tempus_schedule_cache" (
	"account_id" uuid NOT NULL,
	"tempus_id" text NOT NULL,
	"tempus_updated_at" timestamp with time zone NOT NULL,
	"payload_hash" text NOT NULL,
	CONSTRAINT "tempus_schedule_cache_account_id_tempus_id_pk" PRIMARY KEY("account_id","tempus_id")
);
--> statement-breakpoint
CREATE TABLE "tempus_sync_audit" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"sync_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"event_id" uuid,
	"tempus_id" text NOT NULL,
	"action" "tempus_audit_action" NOT NULL,
	"before" jsonb,
	"after" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tempus_sync_log" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"family_id" uuid NOT NULL,
	"sync_type" "tempus_sync_type" NOT NULL,
	"trigger" "tempus_sync_trigger" NOT NULL,
	"status" "tempus_sync_status" DEFAULT 'running' NOT NULL,
	"fetched" integer DEFAULT 0 NOT NULL,
	"created" integer DEFAULT 0 NOT NULL,
	"updated" integer DEFAULT 0 NOT NULL,
	"deleted" integer DEFAULT 0 NOT NULL,
	"requests" integer DEFAULT 0 NOT NULL,
	"error_code" text,
	"error_message" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"family_id" uuid NOT NULL,
	"email" text NOT NULL,
	"name" text NOT NULL,
	"role" "role" NOT NULL,
	"password_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "calendar_events" ADD CONSTRAINT "calendar_events_family_id_families_id_fk" FOREIGN KEY ("family_id") REFERENCES "public"."families"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calendar_events" ADD CONSTRAINT "calendar_events_owner_user_id_users_id_fk" FOREIGN KEY ("owner_user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calendar_events" ADD CONSTRAINT "calendar_events_tempus_account_id_tempus_accounts_id_fk" FOREIGN KEY ("tempus_account_id") REFERENCES "public"."tempus_accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tempus_accounts" ADD CONSTRAINT "tempus_accounts_family_id_families_id_fk" FOREIGN KEY ("family_id") REFERENCES "public"."families"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tempus_accounts" ADD CONSTRAINT "tempus_accounts_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tempus_oauth_states" ADD CONSTRAINT "tempus_oauth_states_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tempus_oauth_states" ADD CONSTRAINT "tempus_oauth_states_family_id_families_id_fk" FOREIGN KEY ("family_id") REFERENCES "public"."families"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tempus_schedule_cache" ADD CONSTRAINT "tempus_schedule_cache_account_id_tempus_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."tempus_accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tempus_sync_audit" ADD CONSTRAINT "tempus_sync_audit_sync_id_tempus_sync_log_id_fk" FOREIGN KEY ("sync_id") REFERENCES "public"."tempus_sync_log"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tempus_sync_audit" ADD CONSTRAINT "tempus_sync_audit_account_id_tempus_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."tempus_accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tempus_sync_log" ADD CONSTRAINT "tempus_sync_log_account_id_tempus_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."tempus_accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tempus_sync_log" ADD CONSTRAINT "tempus_sync_log_family_id_families_id_fk" FOREIGN KEY ("family_id") REFERENCES "public"."families"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_family_id_families_id_fk" FOREIGN KEY ("family_id") REFERENCES "public"."families"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "calendar_events_tempus_identity" ON "calendar_events" USING btree ("tempus_account_id","tempus_id");--> statement-breakpoint
CREATE INDEX "calendar_events_family_range_idx" ON "calendar_events" USING btree ("family_id","start_at","end_at");--> statement-breakpoint
CREATE INDEX "sessions_user_idx" ON "sessions" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "sessions_expires_idx" ON "sessions" USING btree ("expires_at");--> statement-breakpoint
CREATE UNIQUE INDEX "tempus_accounts_family_user_unique" ON "tempus_accounts" USING btree ("family_id","tempus_user_id");--> statement-breakpoint
CREATE INDEX "tempus_accounts_due_idx" ON "tempus_accounts" USING btree ("next_sync_at") WHERE "tempus_accounts"."sync_enabled" and "tempus_accounts"."state" = 'active';--> statement-breakpoint
CREATE INDEX "tempus_sync_audit_sync_idx" ON "tempus_sync_audit" USING btree ("sync_id");--> statement-breakpoint
CREATE INDEX "tempus_sync_log_account_idx" ON "tempus_sync_log" USING btree ("account_id","started_at");--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_unique" ON "users" USING btree ("email");--> statement-breakpoint
CREATE INDEX "users_family_idx" ON "users" USING btree ("family_id");