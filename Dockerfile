# The `app` image of docker-compose.yml: kproduce, kconsume, ktopics, kgroups, kconnect, kschemas and kstack on PATH, run as an unprivileged user.
# Two stages: `build` compiles the TypeScript with the dev dependencies; the final stage holds dist/ and the
# production dependencies only. Both install exactly package-lock.json (`npm ci`).
#
# Node 24 is an LTS line (Node 20 reached end of life in April 2026; the package itself still runs on 20.19+).
# bookworm-slim is glibc-based, so lz4-napi and @node-rs/crc32 load their prebuilt linux-x64-gnu / linux-arm64-gnu binaries and nothing
# is compiled. Bump the two FROM lines together.

FROM node:24.21.0-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would run the build before the sources are here; it runs explicitly below.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY cmd ./cmd
COPY lib ./lib
RUN npm run build

FROM node:24.21.0-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only. --ignore-scripts skips `prepare`, which needs TypeScript (a dev dependency);
# no production dependency has an install script (package-lock.json has no "hasInstallScript").
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force
COPY --from=build /app/dist ./dist
# kstack's Maven poms, as package.json "files" ships them (kstack also needs Java, which this image leaves out).
COPY lib/stack/maven ./lib/stack/maven
# The bins of package.json "bin", linked onto PATH the way `npm install -g` would link them.
RUN chmod 755 dist/cmd/kproduce.js dist/cmd/kconsume.js dist/cmd/ktopics.js dist/cmd/kgroups.js dist/cmd/kconnect.js dist/cmd/kschemas.js dist/cmd/kstack.js \
 && ln -s /app/dist/cmd/kproduce.js /usr/local/bin/kproduce \
 && ln -s /app/dist/cmd/kconsume.js /usr/local/bin/kconsume \
 && ln -s /app/dist/cmd/ktopics.js /usr/local/bin/ktopics \
 && ln -s /app/dist/cmd/kgroups.js /usr/local/bin/kgroups \
 && ln -s /app/dist/cmd/kconnect.js /usr/local/bin/kconnect \
 && ln -s /app/dist/cmd/kschemas.js /usr/local/bin/kschemas \
 && ln -s /app/dist/cmd/kstack.js /usr/local/bin/kstack
# The Node image's `node` user (uid and gid 1000), by number so that a runtime can check it is not root
# (Kubernetes runAsNonRoot cannot verify a user name).
USER 1000:1000
# The command is the program itself: `docker compose run --rm app kproduce teste hello` runs kproduce.
# (The Node image's entrypoint would also do so, but would turn an unknown word into `node <word>`.)
ENTRYPOINT []
CMD ["kproduce", "--help"]
