# syntax=docker/dockerfile:1
# PgReachExporter container image.
#   docker build -t pgreach-exporter .
#   docker run -p 9930:9930 -v ./pgreach.json:/etc/pgreach/pgreach.json:ro pgreach-exporter --config /etc/pgreach/pgreach.json
# Configuration: a mounted JSON file passed with --config, and/or environment variables
# (PgReach__Targets__0__Host=db1 ..., or PGHOST/PGPORT/PGUSER/PGDATABASE/PGPASSWORD for one target).

# --- build: a native (AOT) executable; restore first so the package layer is cached while only sources change ----
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
# Native AOT links with clang; zlib1g-dev for the runtime's compression library.
RUN apt-get update \
    && apt-get install -y --no-install-recommends clang zlib1g-dev \
    && rm -rf /var/lib/apt/lists/*
ARG TARGETARCH
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/PgReachExporter/PgReachExporter.csproj src/PgReachExporter/
RUN dotnet restore src/PgReachExporter/PgReachExporter.csproj -a ${TARGETARCH:-amd64}
COPY src/ src/
RUN dotnet publish src/PgReachExporter -c Release -o /app --no-restore -a ${TARGETARCH:-amd64} \
    && rm -f /app/*.dbg

# --- runtime: the native executable on the .NET runtime-deps image (no .NET runtime, no SDK) --------------------
FROM mcr.microsoft.com/dotnet/runtime-deps:10.0 AS runtime
LABEL org.opencontainers.image.title="PgReachExporter" \
      org.opencontainers.image.description="Prometheus exporter: can clients reach PostgreSQL, and which layer fails"
WORKDIR /app
COPY --from=build /app ./

# The agent's default address, stated explicitly: the base image would otherwise ask Kestrel for port 8080.
# DOTNET_EnableDiagnostics=0: no diagnostic IPC socket, debugger or profiler attach in production; anyone who can
# reach that socket could dump the process memory, configured passwords included. Override it to debug.
ENV ASPNETCORE_URLS=http://0.0.0.0:9930 \
    ASPNETCORE_HTTP_PORTS= \
    DOTNET_EnableDiagnostics=0
EXPOSE 9930

# The image has no curl; bash talks HTTP to the liveness endpoint itself.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/9930 && printf 'GET /healthz HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]

# Non-root: the .NET images ship the unprivileged user `app` (uid in $APP_UID).
USER $APP_UID
ENTRYPOINT ["/app/PgReachExporter"]
