#!/bin/bash
# Runs once, when the official postgres image initialises an empty data directory.
# Creates the role the login probe uses (app, database orders) and a least-privilege monitoring role.
# Passwords come from the compose secrets, never from this file.
set -euo pipefail

app_password="$(cat /run/secrets/pgreach_app_password)"
# The monitoring password lives in the agent's pgpass file: host:port:database:user:password
monitor_password="$(awk -F: '$4 == "pgreach_monitor" { print $5; exit }' /run/secrets/pgreach_pgpass)"
if [[ -z "$monitor_password" ]]; then
    echo "10-pgreach-roles.sh: no pgreach_monitor line in /run/secrets/pgreach_pgpass" >&2
    exit 1
fi

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
     -v app_password="$app_password" -v monitor_password="$monitor_password" <<'SQL'
CREATE ROLE app LOGIN PASSWORD :'app_password';
CREATE DATABASE orders OWNER app;

-- Server-side checks: settings, activity, pg_hba rules and the pg_hba.conf file's change time.
CREATE ROLE pgreach_monitor LOGIN PASSWORD :'monitor_password';
GRANT pg_monitor TO pgreach_monitor;
GRANT SELECT ON pg_catalog.pg_hba_file_rules TO pgreach_monitor;
GRANT EXECUTE ON FUNCTION pg_catalog.pg_hba_file_rules() TO pgreach_monitor;
GRANT EXECUTE ON FUNCTION pg_catalog.pg_stat_file(text) TO pgreach_monitor;
GRANT EXECUTE ON FUNCTION pg_catalog.pg_stat_file(text, boolean) TO pgreach_monitor;
SQL
