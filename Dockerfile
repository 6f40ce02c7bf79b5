# One build of the workspace, then one small image per app:
#
#   docker build --target inventory        -t cloud-inventory/inventory .
#   docker build --target collector-plugin -t cloud-inventory/collector-plugin .
#   docker build --target storage-plugin   -t cloud-inventory/storage-plugin .
#
# (docker-compose.yml builds all three). NODE_IMAGE defaults to the official image;
# ../shared/tools/offline-images.sh --env gives a local one on machines without a registry.
# The file uses no BuildKit-only syntax, so docker-compose v1's classic builder and BuildKit both
# build it; the layers are ordered so that a source edit rebuilds only the bundles.
ARG NODE_IMAGE=node:20-bookworm-slim

# ---- the workspace's dependencies: rebuilt only when package-lock.json changes ----------------------
FROM ${NODE_IMAGE} AS workspace
WORKDIR /src
COPY package.json package-lock.json ./
# install scripts are not needed to build (buf generates code only on demand; the build needs no binaries)
RUN npm ci --ignore-scripts --no-audit --no-fund

# ---- one build of the three apps (webpack bundles, with their .proto files and package.json) --------
FROM workspace AS build
COPY nx.json tsconfig.base.json jest.preset.js jest.config.ts ./
COPY proto ./proto
COPY libs ./libs
COPY apps ./apps
# dist/apps/<app>: main.js, package.json, proto/ (and the inventory's web console); the source maps and the
# lockfile Nx also writes are not used at run time
RUN npx nx run-many -t build -p inventory collector-plugin storage-plugin --outputStyle=static --skip-nx-cache \
    && rm -f dist/apps/*/main.js.map dist/apps/*/package-lock.json

# ---- each app's production dependencies --------------------------------------------------------------
# Nx writes the packages each bundle requires at run time into dist/apps/<app>/package.json
# (generatePackageJson). npm resolves them against the workspace's lockfile (the same versions as in
# development), offline from the cache `npm ci` filled above. This layer depends only on those
# package.json files, so it stays cached while the code changes. Type declarations, source maps and
# docs are never read at run time (a third of the size): they are left out.
FROM workspace AS production-dependencies
COPY --from=build /src/dist/apps/inventory/package.json /deps/inventory/package.json
COPY --from=build /src/dist/apps/collector-plugin/package.json /deps/collector-plugin/package.json
COPY --from=build /src/dist/apps/storage-plugin/package.json /deps/storage-plugin/package.json
RUN set -e; for app in inventory collector-plugin storage-plugin; do \
      cp package-lock.json /deps/$app/ && cd /deps/$app \
      && npm install --omit=dev --offline --ignore-scripts --no-audit --no-fund --loglevel=error \
      && rm package-lock.json && cd /src; \
    done \
    && find /deps -depth -type f \( -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' -o -name '*.map' \
         -o -name '*.md' -o -name '*.markdown' \) -delete

# ---- what every app image shares: tini as PID 1 (forwards SIGTERM, reaps), a non-root user -----------
FROM ${NODE_IMAGE} AS runtime
RUN apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends tini >/dev/null \
    && apt-get clean && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
WORKDIR /app
COPY deploy/docker/grpc-health-check.js ./
# uid 1000 is "node" in the official image; numeric so that Kubernetes' runAsNonRoot can verify it
USER 1000:1000
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "main.js"]

# ---- the plugins -------------------------------------------------------------------------------------
FROM runtime AS collector-plugin
COPY --from=production-dependencies /deps/collector-plugin/node_modules ./node_modules
COPY --from=build /src/dist/apps/collector-plugin ./
# inside a container the plugin must listen on every interface to be reached at all (gRPC, and
# GET /metrics for Prometheus)
ENV COLLECTOR_PLUGIN_LISTEN=0.0.0.0:50061 METRICS_HOST=0.0.0.0 METRICS_PORT=9461
EXPOSE 50061 9461
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "grpc-health-check.js", "COLLECTOR_PLUGIN_LISTEN=0.0.0.0:50061"]

FROM runtime AS storage-plugin
USER root
# the export folder, owned by the app's user (a named volume mounted there starts as a copy of it)
RUN mkdir -p /exports && chown 1000:1000 /exports
USER 1000:1000
COPY --from=production-dependencies /deps/storage-plugin/node_modules ./node_modules
COPY --from=build /src/dist/apps/storage-plugin ./
ENV STORAGE_PLUGIN_LISTEN=0.0.0.0:50062 STORAGE_FILE_DIR=/exports METRICS_HOST=0.0.0.0 METRICS_PORT=9462
EXPOSE 50062 9462
VOLUME ["/exports"]
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "grpc-health-check.js", "STORAGE_PLUGIN_LISTEN=0.0.0.0:50062"]

# ---- the inventory (every role: INVENTORY_ROLES=api|worker|scheduler chooses) ------------------------
FROM runtime AS inventory
USER root
# DATA_DIR: files the inventory keeps besides PostgreSQL (e.g. generated keys); owned by the app's user
RUN mkdir -p /data && chown 1000:1000 /data
USER 1000:1000
COPY --from=production-dependencies /deps/inventory/node_modules ./node_modules
COPY --from=build /src/dist/apps/inventory ./
# no embedded PostgreSQL in the image: DATABASE_URL is required
ENV DATA_DIR=/data
EXPOSE 50051 8080
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "grpc-health-check.js", "INVENTORY_GRPC_LISTEN=0.0.0.0:50051"]
