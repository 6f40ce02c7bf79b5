# One image per app: docker build --build-arg APP=inventory|collector-plugin|storage-plugin .
# NODE_IMAGE defaults to the official image; ../shared/tools/offline-images.sh --env gives a local one.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
ARG APP
RUN test -n "$APP" && npx nx run ${APP}:build --skip-nx-cache --outputStyle=static

FROM ${NODE_IMAGE}
ARG APP
ENV NODE_ENV=production
WORKDIR /app
# the bundle needs its runtime dependencies; the workspace's node_modules has them all
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist/apps/${APP} ./
# the storage plugin's export folder, owned by the user the apps run as (a named volume starts from it)
RUN mkdir -p /exports && chown node:node /exports
USER node
CMD ["node", "main.js"]
