// Package buildinfo holds the version stamp of the binary, set at link time with
//
//	-ldflags "-X github.com/solana-mcp/solana-mcp-server/internal/buildinfo.Version=v1.2.3
//	          -X github.com/solana-mcp/solana-mcp-server/internal/buildinfo.Commit=abc123"
//
// Without the stamp (go run, go install) it falls back to what the Go toolchain recorded:
// the module version and the VCS revision, when known.
package buildinfo

import (
	"runtime"
	"runtime/debug"
)

// Version is the release version; "dev" for local builds.
var Version = "dev"

// Commit is the source revision the binary was built from; "unknown" when not stamped.
var Commit = "unknown"

// Date is the build time in RFC 3339; "unknown" when not stamped.
var Date = "unknown"

func init() {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return
	}
	if Version == "dev" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		Version = bi.Main.Version
	}
	for _, s := range bi.Settings {
		switch {
		case s.Key == "vcs.revision" && Commit == "unknown":
			Commit = s.Value
		case s.Key == "vcs.time" && Date == "unknown":
			Date = s.Value
		}
	}
}

// GoVersion reports the Go toolchain that built the binary.
func GoVersion() string { return runtime.Version() }
