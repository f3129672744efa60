#!/bin/sh
# Runs once, on the first start of an empty MariaDB data directory (the
# official image runs /docker-entrypoint-initdb.d/*.sh): one database and one
# user per service, each user limited to its own database. Passwords come
# from the secret files the compose file mounts.
set -eu
for service in accounts billing sales documents messaging; do
  password=$(cat "/run/secrets/db_password_${service}")
  mariadb --protocol=socket -uroot -p"${MARIADB_ROOT_PASSWORD}" <<SQL
CREATE DATABASE IF NOT EXISTS \`portico_${service}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS '${service}'@'%' IDENTIFIED BY '${password}';
GRANT ALL PRIVILEGES ON \`portico_${service}\`.* TO '${service}'@'%';
SQL
done
