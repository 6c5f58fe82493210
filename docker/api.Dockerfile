# syntax=docker/dockerfile:1.7
# API image (also used for one-shot migrations: `node apps/api/dist/cli/main.js migrate`).
# Same entry points as the tests exercise: apps/api/dist/main.js and dist/cli/main.js.
FROM node:22.21-bookworm-slim AS build
WORKDIR /app
COPY . .
RUN npm install --no-audit --no-fund
RUN npx tsc -b tsconfig.build.json && npm prune --omit=dev

FROM node:22.21-bookworm-slim AS runtime
ENV NODE_ENV=production PORT=3000 HOST=0.0.0.0
WORKDIR /app
COPY --from=build --chown=node:node /app /app
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "apps/api/dist/main.js"]
