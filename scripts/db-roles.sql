-- Roles Countersign expects on any PostgreSQL (run once as a superuser; set passwords for TCP use).
--   countersign_owner: owns the schema, runs `countersign migrate`, never used by the running service.
--   countersign_app:   what `countersign serve` connects as; gets only the grants the migrations give it.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'countersign_owner') THEN
        CREATE ROLE countersign_owner LOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'countersign_app') THEN
        CREATE ROLE countersign_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
    END IF;
END $$;
