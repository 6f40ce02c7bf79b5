#!/usr/bin/env bash
# npm run test:compose: builds the three images, starts docker-compose.yml with three workers and fresh
# secrets (deploy/compose/init-env.sh), runs deploy/test/*.compose-spec.ts against the published ports
# (a collect end to end; a worker SIGKILLed in the middle of a collect), and always ends with `down -v`.
#
# A Docker engine must answer, or ../shared/tools/offline-images.sh must exist (it installs and starts one
# and builds local base images; OFFLINE_IMAGES_SCRIPT names another path). Without it the official base
# images are used. COMPOSE chooses the command (default: `docker compose` if present, else docker-compose).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
started=$(date +%s)
step() { echo "test:compose: $* ($(($(date +%s) - started)) s)"; }

offline_script=${OFFLINE_IMAGES_SCRIPT:-}
if [ -z "$offline_script" ]; then
  for candidate in ../shared/tools/offline-images.sh /work/shared/tools/offline-images.sh; do
    [ -x "$candidate" ] && { offline_script=$candidate; break; }
  done
fi
if [ -n "$offline_script" ]; then
  # starts dockerd where none runs, builds local base images once, exports NODE_IMAGE / POSTGRES_IMAGE
  eval "$("$offline_script" --env)"
elif ! docker info >/dev/null 2>&1; then
  echo "test:compose: no Docker engine answers (docker info failed)" >&2
  exit 1
fi
if [ -z "${COMPOSE:-}" ]; then
  if docker compose version >/dev/null 2>&1; then COMPOSE="docker compose"; else COMPOSE=docker-compose; fi
fi
step "using $($COMPOSE version | head -1); NODE_IMAGE=${NODE_IMAGE:-official} POSTGRES_IMAGE=${POSTGRES_IMAGE:-official}"

work=$(mktemp -d /tmp/cinv-compose-test.XXXXXX)
project="cinvtest-$(basename "$work" | cut -d. -f2 | tr "A-Z" "a-z")"
ENV_FILE=$work/.env SECRETS_DIR=$work/secrets deploy/compose/init-env.sh >/dev/null
{
  # Docker picks free host ports; the spec asks compose which ones
  echo "PUBLISH_GRPC_PORT=0"
  echo "PUBLISH_HTTP_PORT=0"
  # a dead worker's task is claimed again after this: short, so that the kill test is quick
  echo "TASK_LEASE_SECONDS=10"
} >>"$work/.env"
# the spec drives compose through this: the project, its env file and this compose command
cat >"$work/compose" <<SHIM
#!/bin/sh
exec $COMPOSE -p $project --project-directory "$root" -f "$root/docker-compose.yml" --env-file "$work/.env" "\$@"
SHIM
chmod +x "$work/compose"

finish() {
  status=$?
  if [ $status -ne 0 ]; then
    echo "test:compose: failed; the last lines of each service's log:" >&2
    "$work/compose" ps >&2 || true
    "$work/compose" logs --no-color --tail=40 >&2 || true
  fi
  "$work/compose" down -v --remove-orphans >/dev/null 2>&1 || echo "test:compose: down -v failed (project $project)" >&2
  rm -rf "$work"
  step "done (exit $status)"
  exit $status
}
trap finish EXIT
trap 'exit 130' INT TERM

"$work/compose" config -q
"$work/compose" build
step "images built"
base_size=$(docker image inspect --format '{{.Size}}' "${NODE_IMAGE:-node:20-bookworm-slim}")
for app in inventory collector-plugin storage-plugin; do
  size=$(docker image inspect --format '{{.Size}}' "cloud-inventory/$app:${IMAGE_TAG:-latest}")
  echo "test:compose: cloud-inventory/$app: $(( (size - base_size) / 1000000 )) MB above the node image ($(( size / 1000000 )) MB in all)"
done

"$work/compose" up -d --no-build --scale inventory-worker=3
step "stack started"
# a token as a user mints one: the inventory's own command, in its image, with the stack's signing key
COMPOSE_TEST_TOKEN=$("$work/compose" run --rm --no-deps -T inventory-api node main.js token --role DOMAIN_ADMIN --ttl 1h)
export COMPOSE_TEST_TOKEN
step "token minted"
COMPOSE_TEST_BIN="$work/compose" npx jest -c deploy/jest.compose.config.cts --runInBand
step "tests passed"
