# syntax=docker/dockerfile:1
# secmaster: one image for the sync CronJobs and `secmaster serve`.
#   docker build -t secmaster:dev .
#   docker run --rm --read-only --tmpfs /tmp -e SECMASTER_ENV=kalshi-demo secmaster:dev sync --mode incremental
# Node 24 LTS, pinned to a release. Pin the digest too (node:24.21.0-bookworm-slim@sha256:...)
# where the registry is reachable, and let Renovate/Dependabot move both together.
FROM node:24.21.0-bookworm-slim AS base

# ---- production dependencies only -------------------------------------------------------
FROM base AS deps
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force

# ---- build: all dependencies, TypeScript to dist/ ---------------------------------------
FROM base AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# ---- runtime ------------------------------------------------------------------------------
FROM base AS runtime
# tini as PID 1 forwards SIGTERM to node and reaps zombies; node itself as PID 1 would ignore
# SIGTERM unless the app installs a handler. npm and corepack are not needed at run time.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini=0.19.0-1+b3 \
 && rm -rf /var/lib/apt/lists/* \
 && rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack \
           /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack \
 && groupadd --system --gid 10001 secmaster \
 && useradd --system --uid 10001 --gid 10001 --home-dir /tmp --no-create-home --shell /usr/sbin/nologin secmaster

WORKDIR /app
# Everything the process may write goes to /tmp (an emptyDir in Kubernetes), so the root
# filesystem can be mounted read-only.
ENV NODE_ENV=production \
    HOME=/tmp \
    TMPDIR=/tmp
COPY --from=deps --chown=0:0 /app/node_modules ./node_modules
COPY --from=build --chown=0:0 /app/dist ./dist
COPY --chown=0:0 package.json ./

# Numeric, so Kubernetes' runAsNonRoot can verify it without reading /etc/passwd.
USER 10001:10001
EXPOSE 8080
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/dist/cli/main.js"]
CMD ["--help"]
