# vpsops: one image for the bot, workers in a wrapper setup, exec and doctor.
#   docker build -t vpsops .
#   docker run --rm -e REDIS_URL=... -e VPSOPS_JOB_KEY=... vpsops exec "/vps list" --as alice

# Node 24 is the active LTS line (Node 20 left support in April 2026).
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Scripts off: "prepare" would build before the sources are copied.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY jobs ./jobs
COPY bench ./bench
COPY testkit ./testkit
RUN npm run build && npm prune --omit=dev

FROM node:24-bookworm-slim
# ssh for vzctl/vzlist wrappers that reach a host over ssh (docs/examples/vzctl-over-ssh).
RUN apt-get update \
  && apt-get install -y --no-install-recommends openssh-client \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# config/default.yaml is read at run time: every option's default.
COPY config ./config
USER node
ENTRYPOINT ["node", "dist/src/cli.js"]
CMD ["--help"]
