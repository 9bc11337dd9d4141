# syntax=docker/dockerfile:1
# The ax admin server. Build: docker build -t ax-admin-plane .   Run: see compose.yaml and docs/operating.md.
# test/e2e/container-entry.test.ts runs this file's ENTRYPOINT and CMD, with its ENV, on the built output, with a
# read-only application directory and only the data directory writable: keep ENV one variable per line.

# --- build: compile the server, the CLI bundle and the console; then keep only the runtime dependencies -----------
FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 downloads a prebuilt binary; these build it from source where none matches.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY . .
# `npm ci` runs the `prepare` script, i.e. `npm run build`.
RUN npm ci --no-audit --no-fund \
 && npm prune --omit=dev --no-audit --no-fund

# --- runtime: Node 20, non-root, the application read-only, data in a volume -------------------------------------
FROM node:20-bookworm-slim
ENV NODE_ENV=production
ENV AX_HOST=0.0.0.0
ENV AX_PORT=8080
ENV AX_DATA_DIR=/data
ENV ARIZE_DIRECTORY=/data/ax-cli
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/bin ./bin
COPY --from=build /app/dist ./dist
COPY --from=build /app/node_modules ./node_modules
# `ax` on the PATH (docker exec ax ax users list). The data directory must be the server's alone (it refuses one
# that others can read): 0700, owned by `node`.
RUN ln -s /app/bin/ax.js /usr/local/bin/ax \
 && mkdir -p /data && chown node:node /data && chmod 700 /data
USER node
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.AX_PORT || 8080) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "/app/bin/ax.js"]
CMD ["serve"]
