# Fleetgraph gateway image. Multi-stage: build with dev dependencies, run with production ones only.
# CI runs the same steps without Docker (.ci/run: npm ci, npm run build, start, query).

FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# The example dashboard is an npm workspace: its package.json keeps the lockfile install exact.
COPY examples/dashboard/package.json ./examples/dashboard/
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json codegen.ts ./
COPY scripts ./scripts
COPY schema ./schema
COPY src ./src
# tsc, then the offline explorer's bundle (dist/explorer/; only served outside production).
RUN npm run build

FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY schema ./schema
USER node
ENV PORT=4000
EXPOSE 4000
CMD ["node", "dist/src/main.js"]
