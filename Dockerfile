# One image for all three services; the command picks the service (see docker-compose.yml).
# Stage 1 installs dependencies (native addons: onnxruntime-node, sharp) and builds the console.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY .npmrc package.json package-lock.json ./
COPY packages/contracts/package.json packages/contracts/
COPY packages/synthetic/package.json packages/synthetic/
COPY services/ingest/package.json services/ingest/
COPY services/inference/package.json services/inference/
COPY services/alerts/package.json services/alerts/
COPY web-console/package.json web-console/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# Stage 2: runtime with ffmpeg for RTSP decoding; no compilers, no dev tooling beyond tsx.
FROM node:20-bookworm-slim AS runtime
RUN apt-get update && apt-get install -y --no-install-recommends ffmpeg ca-certificates tini wget \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production MODELS_DIR=/app/models/cache MEDIA_DIR=/data/media MAP_DIR=/data/map
COPY --from=build /app /app
RUN useradd --system --uid 10001 vigil && mkdir -p /data/media /app/models/cache && chown -R vigil /data /app/models/cache
USER vigil
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["npm", "run", "start:alerts"]
