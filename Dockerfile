# The API and the worker share one image; compose picks the entry point.
FROM node:24-bookworm-slim

WORKDIR /app
# better-sqlite3 falls back to a source build when no prebuilt binary matches.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*

COPY package.json package-lock.json .npmrc ./
# Dev dependencies included: the build compiles with @swc-node, which needs typescript.
RUN npm ci --no-audit --no-fund

COPY tsconfig.json ./
COPY scripts ./scripts
COPY libs ./libs
COPY apps ./apps
COPY workflows ./workflows
# The web console the API serves at /console: built here, nothing fetched at run time.
RUN npm run build:console
# The processes run compiled JavaScript (dist/), not the register hook: it would compile every file
# at each start and keep TypeScript and SWC in memory (docs/deployment.md, "What each node needs").
RUN npm run build

ENV NODE_ENV=production
# V8's young generation capped at 16 MB per semi-space (Node 20's default): Node 24 grows it to
# 64 MB, ~70 MB of resident memory per process that an API node keeps after start.
ENV NODE_OPTIONS=--max-semi-space-size=16
# V8's compile cache: a container's first start compiles the code and writes it here, its restarts
# read it instead of compiling again (about a tenth of a restart's CPU, docs/deployment.md).
ENV NODE_COMPILE_CACHE=/tmp/node-compile-cache
# Named volumes mounted at /data take this ownership, so the unprivileged user can write there.
RUN mkdir -p /data && chown node:node /data
USER node
CMD ["node", "dist/apps/api/src/main.js"]
