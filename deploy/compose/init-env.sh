#!/bin/sh
# Writes the .env that docker-compose.yml needs, with fresh random secrets, and the token signing key:
#
#   deploy/compose/init-env.sh            # writes ./.env and ./secrets/auth-signing-key.pem (never overwrites)
#
# ENV_FILE and SECRETS_DIR choose other places (npm run test:compose writes into a temporary folder).
# Needs openssl. .env.example lists every variable and what it means.
set -eu
cd "$(dirname "$0")/../.."
env_file=${ENV_FILE:-.env}
secrets_dir=${SECRETS_DIR:-./secrets}
if [ -e "$env_file" ]; then
  echo "$env_file exists; not overwritten (delete it first to start over with new secrets)" >&2
  exit 1
fi
command -v openssl >/dev/null || { echo "init-env.sh needs openssl" >&2; exit 1; }

umask 077
mkdir -p "$secrets_dir"
key="$secrets_dir/auth-signing-key.pem"
if [ ! -e "$key" ]; then
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$key" 2>/dev/null
  # the containers read it as uid 1000, whoever owns it here; the 0700 folder keeps it private on this host
  chmod 0644 "$key"
fi
cat >"$env_file" <<ENV
# Written by deploy/compose/init-env.sh on $(date -u +%Y-%m-%dT%H:%M:%SZ); see .env.example.
SECRET_ENCRYPTION_KEY=$(openssl rand -hex 32)
POSTGRES_PASSWORD=$(openssl rand -hex 24)
INVENTORY_DB_PASSWORD=$(openssl rand -hex 24)
AUTH_SIGNING_KEY_PATH=$key
ENV
echo "wrote $env_file and $key"
