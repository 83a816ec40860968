# Parent Group Steward: the bot and Debian's Chromium, run as a non-root user.
# Build:  docker build -t parent-group-steward .
# Run:    docker run -d --name steward --restart unless-stopped --memory 1g --stop-timeout 30 \
#           -p 127.0.0.1:8080:8080 -v steward-storage:/app/storage parent-group-steward
# Link:   docker logs steward   (open the status page's link it prints, and scan the QR code there;
#         the terminal QR code in the log and whatsapp-qr.png in the volume are the alternatives)

FROM node:20-bookworm-slim AS build
WORKDIR /app
# .puppeteerrc.cjs skips puppeteer's own browser download: the final image has Debian's chromium.
COPY package.json package-lock.json .puppeteerrc.cjs ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build
RUN npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium fonts-liberation tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# The status page listens on every address inside the container, so that a published port reaches
# it; publish it on the host's loopback only (-p 127.0.0.1:8080:8080). Its token guards it either way.
ENV NODE_ENV=production \
    PUPPETEER_EXECUTABLE_PATH=/usr/bin/chromium \
    BOT_STORAGE_DIR=/app/storage \
    CONSOLE_HOST=0.0.0.0 \
    CONSOLE_PORT=8080
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY config ./config
COPY prompts ./prompts
RUN mkdir -p /app/storage && chown node:node /app/storage
USER node
VOLUME /app/storage
EXPOSE 8080
HEALTHCHECK --interval=60s --timeout=10s --start-period=120s --retries=3 CMD ["node", "dist/main.js", "health"]
# tini is PID 1: it passes docker stop's SIGTERM to the bot (which finishes its write and closes
# Chromium) and reaps Chromium's helper processes, which Node as PID 1 would leave as zombies.
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/main.js", "start"]
