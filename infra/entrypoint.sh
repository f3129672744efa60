#!/bin/sh
# Container entry point: `gateway`, or a service name, optionally followed by `migrate`.
#
# Secrets mounted as files: for each NAME below, NAME_FILE=/path sets NAME to
# that file's content before the process starts. The processes themselves read
# these settings from the environment only (accounts alone reads files itself:
# AUTH_SIGNING_KEY_FILE and AUTH_SIGNING_KEY_ACCEPTED_FILE), so this is where compose and Kubernetes secret files
# become settings.
set -eu

for name in AUTH_CLAIMS_SECRET AUTH_CLAIMS_SECRET_ACCEPTED DB_URL REDIS_URL EVENTS_REDIS_URL \
  STRIPE_SECRET_KEY STRIPE_WEBHOOK_SECRET STRIPE_WEBHOOK_SECRET_ACCEPTED MAIL_SMTP_URL \
  S3_ACCESS_KEY_ID S3_SECRET_ACCESS_KEY; do
  eval "file=\${${name}_FILE:-}"
  if [ -n "$file" ]; then
    eval "set_already=\${${name}:-}"
    if [ -n "$set_already" ]; then
      echo "entrypoint: both $name and ${name}_FILE are set; use one" >&2
      exit 64
    fi
    if [ ! -r "$file" ]; then
      echo "entrypoint: ${name}_FILE=$file cannot be read" >&2
      exit 66
    fi
    value=$(cat "$file")
    export "$name=$value"
    unset "${name}_FILE"
  fi
done

process=${1:-gateway}
case "$process" in
  gateway)
    exec node /app/gateway/dist/main.js
    ;;
  accounts | billing | sales | documents | messaging)
    if [ "${2:-}" = migrate ]; then
      exec node "/app/services/$process/dist/migrate.js"
    fi
    exec node "/app/services/$process/dist/main.js"
    ;;
  *)
    echo "usage: gateway | accounts | billing | sales | documents | messaging [migrate]" >&2
    exit 64
    ;;
esac
