ALTER TABLE "tempus_accounts" ADD COLUMN "next_shift_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tempus_accounts" ADD COLUMN "empty_listing_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tempus_rate_budget" ADD COLUMN "bg_tokens" double precision DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "tempus_rate_budget" ADD COLUMN "hour_tokens" double precision DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "tempus_rate_budget" ADD COLUMN "bg_hour_tokens" double precision DEFAULT 0 NOT NULL;