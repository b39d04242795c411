# The API and the worker share one image; compose picks the entry point.
FROM node:24-bookworm-slim

WORKDIR /app
# better-sqlite3 falls back to a source build when no prebuilt binary matches.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*

COPY package.json package-lock.json .npmrc ./
# Dev dependencies included: the sources run through @swc-node/register, which needs typescript.
RUN npm ci --no-audit --no-fund

COPY tsconfig.json ./
COPY scripts ./scripts
COPY libs ./libs
COPY apps ./apps
COPY workflows ./workflows
# The web console the API serves at /console: built here, nothing fetched at run time.
RUN npm run build:console

ENV NODE_ENV=production
# Named volumes mounted at /data take this ownership, so the unprivileged user can write there.
RUN mkdir -p /data && chown node:node /data
USER node
CMD ["node", "-r", "./scripts/register.js", "apps/api/src/main.ts"]
