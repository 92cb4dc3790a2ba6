# Image of solana-mcp-server: a static Go binary on a distroless, non-root base.
#
#   docker build \
#     --build-arg VERSION="$(git describe --tags --always --dirty)" \
#     --build-arg COMMIT="$(git rev-parse HEAD)" \
#     --build-arg DATE="$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
#     -t solana-mcp-server .
#
# Needs BuildKit (the default builder since Docker 23) for the cache mounts.
#
# The base images are pinned by tag only, because digests could not be looked up where this
# file was written. For reproducible builds pin both by digest (image:tag@sha256:...), e.g. with
# `docker buildx imagetools inspect golang:1.26-bookworm`, and let Dependabot or Renovate bump
# them.

ARG GO_VERSION=1.26

# ---- build ------------------------------------------------------------------------------
FROM --platform=$BUILDPLATFORM golang:${GO_VERSION}-bookworm AS build
WORKDIR /src

# Static binary: no libc, so it runs on distroless/static.
ENV CGO_ENABLED=0

# Module downloads get their own layer, rebuilt only when go.mod or go.sum change.
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download

COPY . .

ARG VERSION=dev
ARG COMMIT=unknown
ARG DATE=unknown
ARG TARGETOS
ARG TARGETARCH
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    GOOS="${TARGETOS:-linux}" GOARCH="${TARGETARCH:-amd64}" \
    go build -trimpath \
      -ldflags "-s -w \
        -X github.com/solana-mcp/solana-mcp-server/internal/buildinfo.Version=${VERSION} \
        -X github.com/solana-mcp/solana-mcp-server/internal/buildinfo.Commit=${COMMIT} \
        -X github.com/solana-mcp/solana-mcp-server/internal/buildinfo.Date=${DATE}" \
      -o /out/solana-mcp-server ./cmd/solana-mcp-server

# ---- runtime ----------------------------------------------------------------------------
# distroless/static: CA certificates, tzdata and /etc/passwd, no shell and no curl. The
# :nonroot tag runs as uid/gid 65532.
FROM gcr.io/distroless/static-debian12:nonroot

ARG VERSION=dev
ARG COMMIT=unknown
LABEL org.opencontainers.image.title="solana-mcp-server" \
      org.opencontainers.image.description="Stateless MCP server for the Solana JSON-RPC API" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${COMMIT}"

COPY --from=build /out/solana-mcp-server /usr/local/bin/solana-mcp-server

USER 65532:65532
EXPOSE 8080

# The server drains on SIGTERM: /ready turns 503, it keeps serving for
# SOLANA_MCP_DRAIN_DELAY (5s), then waits up to SOLANA_MCP_SHUTDOWN_TIMEOUT (20s) for calls
# in flight. Give it a stop timeout above 25s (docker stop -t 35, stop_grace_period: 35s).
STOPSIGNAL SIGTERM

# There is no curl in this image: the binary checks its own /health on loopback.
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
    CMD ["/usr/local/bin/solana-mcp-server", "healthcheck"]

ENTRYPOINT ["/usr/local/bin/solana-mcp-server"]
CMD ["serve"]
