-- Members who existed before colours get them the way new members do: in the order they
-- joined their family, the palette's colours in order (MEMBER_COLORS in packages/shared).
UPDATE "users" SET "color" = ranked."color"
FROM (
  SELECT "id",
         (ARRAY['blue', 'orange', 'green', 'pink', 'teal', 'purple', 'brown', 'red'])[
           ((row_number() OVER (PARTITION BY "family_id" ORDER BY "created_at", "id") - 1) % 8) + 1
         ] AS "color"
  FROM "users"
) AS ranked
WHERE ranked."id" = "users"."id";
