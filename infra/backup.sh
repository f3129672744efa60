#!/usr/bin/env bash
# Backs up one service's database while it runs.
#   infra/backup.sh --url "$DB_URL" --file billing.sql.gz     MariaDB: mariadb-dump, one consistent snapshot
#   infra/backup.sh --sqlite data/billing.sqlite --file billing.sqlite   SQLite: the online .backup API
# See infra/README.md ("Backup and restore") for every service at once.
set -euo pipefail
source "$(dirname "$0")/db-target.sh"
if [ "$kind" = mariadb ]; then
  # --single-transaction: a consistent InnoDB snapshot without locking the service out.
  mariadb-dump --host="$host" --port="$port" --user="$user" \
    --single-transaction --routines --triggers --events --hex-blob \
    --default-character-set=utf8mb4 --databases "$database" | gzip -c >"$file.partial"
else
  sqlite3 "$sqlite" ".backup '$file.partial'"
fi
mv "$file.partial" "$file"
echo "backed up $kind ${database:-$sqlite} to $file ($(wc -c <"$file") bytes)"
