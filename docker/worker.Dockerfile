# syntax=docker/dockerfile:1.7
# Worker image: BullMQ jobs (imports, monthly runs, PDFs) with Debian's Chromium for puppeteer-core.
FROM node:22.21-bookworm-slim AS build
WORKDIR /app
COPY . .
RUN npm install --no-audit --no-fund
RUN npx tsc -b tsconfig.build.json && npm prune --omit=dev

FROM node:22.21-bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production CHROMIUM_PATH=/usr/bin/chromium
WORKDIR /app
COPY --from=build --chown=node:node /app /app
USER node
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "process.kill(1, 0)"]
CMD ["node", "apps/api/dist/worker.js"]
