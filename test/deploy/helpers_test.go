package deploy

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Defaults of the server's drain settings (SPEC §2), used where a file does not set them.
const (
	defaultDrainDelay      = 5 * time.Second
	defaultShutdownTimeout = 20 * time.Second
)

// serverBinaryPath is where the image installs the binary (SPEC, Dockerfile).
const serverBinaryPath = "/usr/local/bin/solana-mcp-server"

// repoRoot returns the top directory of the main module, two levels above this one.
func repoRoot(t testing.TB) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("no go.mod at the repository root %s: %v", root, err)
	}
	return root
}

// readRepoFile returns the contents of a file given relative to the repository root.
func readRepoFile(t testing.TB, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot(t), filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// needTool returns the path of an external program. When it is missing the test is skipped,
// except under CI (CI set), which must have every tool installed.
func needTool(t testing.TB, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	// Debian installs nginx in /usr/sbin, which a non-root PATH may lack.
	for _, dir := range []string{"/usr/sbin", "/usr/local/sbin"} {
		if path, err := exec.LookPath(filepath.Join(dir, name)); err == nil {
			return path
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is not installed; CI must install it (see .ci/run)", name)
	}
	t.Skipf("%s is not installed; skipping (CI installs it)", name)
	return ""
}

// run runs a command and fails the test with its output if it does not succeed.
func run(t testing.TB, dir, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// envDuration reads a Go duration from an environment map such as a compose service's
// environment; def is used when the variable is not set.
func envDuration(t testing.TB, env map[string]*string, name string,
	def time.Duration) time.Duration {
	t.Helper()
	v, ok := env[name]
	if !ok || v == nil || *v == "" {
		return def
	}
	d, err := time.ParseDuration(*v)
	if err != nil {
		t.Fatalf("%s=%q is not a duration: %v", name, *v, err)
	}
	return d
}
