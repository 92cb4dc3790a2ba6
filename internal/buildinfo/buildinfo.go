// Package buildinfo holds the version stamp of the binary, set at link time with
//
//	-ldflags "-X github.com/solana-mcp/solana-mcp-server/internal/buildinfo.Version=v1.2.3
//	          -X github.com/solana-mcp/solana-mcp-server/internal/buildinfo.Commit=abc123"
package buildinfo

import "runtime"

// Version is the release version; "dev" for local builds.
var Version = "dev"

// Commit is the source revision the binary was built from; "unknown" when not stamped.
var Commit = "unknown"

// Date is the build time in RFC 3339; "unknown" when not stamped.
var Date = "unknown"

// GoVersion reports the Go toolchain that built the binary.
func GoVersion() string { return runtime.Version() }
