# syntax=docker/dockerfile:1.7
# Web app: static files behind an unprivileged nginx.
FROM node:22.21-bookworm-slim AS build
WORKDIR /app
COPY . .
RUN npm install --no-audit --no-fund && npm run build -w @mtr/admin

FROM nginxinc/nginx-unprivileged:1.27-bookworm AS runtime
COPY docker/admin-nginx.conf /etc/nginx/conf.d/default.conf
COPY --from=build /app/apps/admin/dist /usr/share/nginx/html
USER nginx
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --retries=3 CMD ["wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/"]
