// Command solana-mcp-server serves the Solana JSON-RPC API as MCP tools over Streamable
// HTTP or stdio. See the README for settings and deployment.
package main

import (
	"os"

	"github.com/solana-mcp/solana-mcp-server/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:]))
}
