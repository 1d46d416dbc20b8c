-- CONTRACT v2 "Privacy": events carry only the redacted form of webhook URLs (their origin) and email
-- addresses (first character, ***, the domain), fallback targets included. New events are written that way
-- (src/core/redact.ts); this redacts the ones stored before. deliveries.target keeps the real target.
CREATE FUNCTION dw_redact_url(u text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(
    regexp_replace(lower(m[1] || '://' || m[2]), '^(https://[^/]*):443$|^(http://[^/]*):80$', '\1\2'),
    '***')
  FROM (SELECT regexp_match(u, '^([A-Za-z][A-Za-z0-9+.-]*)://(?:[^/?#@]*@)?([^/?#]*)') AS m) AS parts
$$;
--> statement-breakpoint
CREATE FUNCTION dw_redact_email(e text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN position('@' in e) > 1 THEN left(e, 1) || '***' || substring(e from '(@[^@]*)$') ELSE '***' END
$$;
--> statement-breakpoint
UPDATE "events" SET "data" = "data" || jsonb_build_object('subscriber_id',
  CASE "data"->>'subscriber_kind'
    WHEN 'webhook' THEN dw_redact_url("data"->>'subscriber_id')
    ELSE dw_redact_email("data"->>'subscriber_id')
  END)
WHERE "data"->>'subscriber_kind' IN ('webhook', 'email') AND jsonb_typeof("data"->'subscriber_id') = 'string';
--> statement-breakpoint
UPDATE "events" SET "data" = jsonb_set("data", '{fallback}', ("data"->'fallback')
  || CASE WHEN jsonb_typeof("data"->'fallback'->'webhook_url') = 'string'
       THEN jsonb_build_object('webhook_url', dw_redact_url("data"->'fallback'->>'webhook_url')) ELSE '{}'::jsonb END
  || CASE WHEN jsonb_typeof("data"->'fallback'->'email') = 'string'
       THEN jsonb_build_object('email', dw_redact_email("data"->'fallback'->>'email')) ELSE '{}'::jsonb END)
WHERE jsonb_typeof("data"->'fallback') = 'object';
--> statement-breakpoint
DROP FUNCTION dw_redact_url(text);
--> statement-breakpoint
DROP FUNCTION dw_redact_email(text);
