ALTER TABLE "tempus_accounts" ADD COLUMN "refresh_claim_owner" text;--> statement-breakpoint
ALTER TABLE "tempus_accounts" ADD COLUMN "refresh_claim_until" timestamp with time zone;