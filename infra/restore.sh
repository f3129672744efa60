#!/usr/bin/env bash
# Restores one service's database from a file made by backup.sh. Stop the
# service's processes first (all replicas): the restore replaces its data.
#   infra/restore.sh --url "$DB_URL" --file billing.sql.gz
#   infra/restore.sh --sqlite data/billing.sqlite --file billing.sqlite
set -euo pipefail
source "$(dirname "$0")/db-target.sh"
if [ ! -r "$file" ]; then
  echo "cannot read $file" >&2
  exit 66
fi
if [ "$kind" = mariadb ]; then
  # The dump names its database (--databases): it is created if missing and
  # its tables are dropped and written again. Restoring under another name
  # needs the CREATE DATABASE / USE lines edited.
  dumped=$(gzip -dc "$file" | grep -m1 -oE '^USE `[A-Za-z0-9_]+`' | tr -d '`' | cut -d' ' -f2)
  if [ "$dumped" != "$database" ]; then
    echo "$file holds database \"$dumped\", not \"$database\"" >&2
    exit 65
  fi
  gzip -dc "$file" | mariadb --host="$host" --port="$port" --user="$user" --default-character-set=utf8mb4
else
  rm -f "$sqlite-wal" "$sqlite-shm"
  sqlite3 "$sqlite" ".restore '$file'"
fi
echo "restored $kind ${database:-$sqlite} from $file"
