#!/usr/bin/env bash
# Writes the secret files compose.yaml mounts, under infra/secrets/ (ignored by
# git), once: existing files are kept, so running it again changes nothing.
set -euo pipefail
dir="$(cd "$(dirname "$0")" && pwd)/secrets"
mkdir -p "$dir"
chmod 700 "$dir"
random() { openssl rand -base64 48 | tr -d '\n/+=' | cut -c1-48; }
write() { # name, content
  if [ ! -e "$dir/$1" ]; then
    (umask 077 && printf '%s' "$2" >"$dir/$1")
    echo "wrote $dir/$1"
  fi
}
write claims_secret "$(random)"
# Rotation slots (infra/README.md, "Rotating keys and secrets"): empty until one is under way.
write claims_secret_accepted ''
write signing_key_accepted.pem ''
write mariadb_root_password "$(random)"
for service in accounts billing sales documents messaging; do
  write "db_password_${service}" "$(random)"
  password=$(cat "$dir/db_password_${service}")
  write "db_url_${service}" "mariadb://${service}:${password}@mariadb:3306/portico_${service}"
done
if [ ! -e "$dir/signing_key.pem" ]; then
  (umask 077 && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$dir/signing_key.pem")
  echo "wrote $dir/signing_key.pem"
fi
# Stripe keys are the operator's own: empty files until PAYMENTS_PROVIDER=stripe.
write stripe_secret_key ''
write stripe_webhook_secret ''
write stripe_webhook_secret_accepted ''
