package deploy

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	dfparser "github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"
)

// buildinfoPkg is the package whose variables the Dockerfile stamps with -X.
const buildinfoPkg = "github.com/solana-mcp/solana-mcp-server/internal/buildinfo"

// parseDockerfile parses the repository's Dockerfile with BuildKit's parser and fails on any
// parser or linter warning.
func parseDockerfile(t *testing.T) []instructions.Stage {
	t.Helper()
	f, err := os.Open(filepath.Join(repoRoot(t), "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	res, err := dfparser.Parse(f)
	if err != nil {
		t.Fatalf("parse Dockerfile: %v", err)
	}
	for _, w := range res.Warnings {
		t.Errorf("Dockerfile parser warning: %s", w.Short)
	}
	lint := linter.New(&linter.Config{
		Warn: func(rule, desc, _, msg string, loc []dfparser.Range) {
			t.Errorf("Dockerfile lint %s at %v: %s", rule, loc, msg)
		},
	})
	stages, _, err := instructions.Parse(res.AST, lint)
	if err != nil {
		t.Fatalf("Dockerfile instructions: %v", err)
	}
	return stages
}

// commandsOf returns the commands of type T in a stage, in order.
func commandsOf[T instructions.Command](st instructions.Stage) []T {
	var out []T
	for _, c := range st.Commands {
		if v, ok := c.(T); ok {
			out = append(out, v)
		}
	}
	return out
}

func TestDockerfile(t *testing.T) {
	stages := parseDockerfile(t)
	if len(stages) < 2 {
		t.Fatalf("want a multi-stage build, got %d stage(s)", len(stages))
	}
	build, final := stages[0], stages[len(stages)-1]

	t.Run("build stage", func(t *testing.T) {
		if !strings.HasPrefix(build.BaseName, "golang:") {
			t.Errorf("build stage FROM %q, want a golang image", build.BaseName)
		}
		var script strings.Builder
		for _, env := range commandsOf[*instructions.EnvCommand](build) {
			for _, kv := range env.Env {
				script.WriteString(kv.Key + "=" + kv.Value + "\n")
			}
		}
		for _, r := range commandsOf[*instructions.RunCommand](build) {
			script.WriteString(strings.Join(r.CmdLine, " ") + "\n")
		}
		s := script.String()
		for _, want := range []string{
			"CGO_ENABLED=0",
			"go build",
			"./cmd/solana-mcp-server",
			"-X " + buildinfoPkg + ".Version=${VERSION}",
			"-X " + buildinfoPkg + ".Commit=${COMMIT}",
			"-X " + buildinfoPkg + ".Date=${DATE}",
		} {
			if !strings.Contains(s, want) {
				t.Errorf("build stage lacks %q", want)
			}
		}
		var args []string
		for _, a := range commandsOf[*instructions.ArgCommand](build) {
			for _, kv := range a.Args {
				args = append(args, kv.Key)
			}
		}
		for _, want := range []string{"VERSION", "COMMIT"} {
			if !slices.Contains(args, want) {
				t.Errorf("build stage has no ARG %s (args: %v)", want, args)
			}
		}
	})

	t.Run("final stage", func(t *testing.T) {
		if !strings.HasPrefix(final.BaseName, "gcr.io/distroless/static") {
			t.Errorf("final stage FROM %q, want gcr.io/distroless/static", final.BaseName)
		}
		copied := false
		for _, c := range commandsOf[*instructions.CopyCommand](final) {
			if c.From == build.Name && c.DestPath == serverBinaryPath {
				copied = true
			}
		}
		if !copied {
			t.Errorf("final stage does not COPY --from=%s the binary to %s", build.Name,
				serverBinaryPath)
		}

		users := commandsOf[*instructions.UserCommand](final)
		if len(users) == 0 {
			t.Fatal("final stage has no USER")
		}
		user, _, _ := strings.Cut(users[len(users)-1].User, ":")
		if user == "" || user == "root" || user == "0" {
			t.Errorf("final USER %q runs as root", users[len(users)-1].User)
		}

		var hc *instructions.HealthCheckCommand
		if hcs := commandsOf[*instructions.HealthCheckCommand](final); len(hcs) > 0 {
			hc = hcs[len(hcs)-1]
		}
		want := []string{"CMD", serverBinaryPath, "healthcheck"}
		if hc == nil || !slices.Equal(hc.Health.Test, want) {
			t.Errorf("HEALTHCHECK = %v, want exec form %v (no shell in the image)", hc, want)
		}

		var ports []string
		for _, e := range commandsOf[*instructions.ExposeCommand](final) {
			ports = append(ports, e.Ports...)
		}
		if !slices.Contains(ports, "8080") && !slices.Contains(ports, "8080/tcp") {
			t.Errorf("EXPOSE %v, want 8080", ports)
		}

		if s := commandsOf[*instructions.StopSignalCommand](final); len(s) == 0 ||
			s[len(s)-1].Signal != "SIGTERM" {
			t.Errorf("STOPSIGNAL is not SIGTERM")
		}
		e := commandsOf[*instructions.EntrypointCommand](final)
		if len(e) == 0 || e[len(e)-1].PrependShell ||
			!slices.Equal(e[len(e)-1].CmdLine, []string{serverBinaryPath}) {
			t.Errorf("ENTRYPOINT is not [%q] in exec form", serverBinaryPath)
		}
		if c := commandsOf[*instructions.CmdCommand](final); len(c) == 0 ||
			!slices.Equal(c[len(c)-1].CmdLine, []string{"serve"}) {
			t.Errorf(`CMD is not ["serve"]`)
		}
	})
}

// TestBuildinfoVariables checks that the variables the Dockerfile stamps with -X exist: a
// misspelt -X is silently ignored by the linker.
func TestBuildinfoVariables(t *testing.T) {
	dir := filepath.Join(repoRoot(t), "internal", "buildinfo")
	pkgs, err := parser.ParseDir(token.NewFileSet(), dir, func(fi os.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go")
	}, 0)
	if err != nil {
		t.Fatalf("read %s: %v", dir, err)
	}
	vars := map[string]bool{}
	for _, p := range pkgs {
		for _, f := range p.Files {
			for _, d := range f.Decls {
				g, ok := d.(*ast.GenDecl)
				if !ok || g.Tok != token.VAR {
					continue
				}
				for _, s := range g.Specs {
					for _, n := range s.(*ast.ValueSpec).Names {
						vars[n.Name] = true
					}
				}
			}
		}
	}
	for _, want := range []string{"Version", "Commit", "Date"} {
		if !vars[want] {
			t.Errorf("%s has no package variable %s for -ldflags -X", buildinfoPkg, want)
		}
	}
}

// TestDockerignore checks that the build context keeps what the build needs: go.mod, go.sum
// and every non-test Go file of the main module.
func TestDockerignore(t *testing.T) {
	root := repoRoot(t)
	f, err := os.Open(filepath.Join(root, ".dockerignore"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	patterns, err := ignorefile.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	pm, err := patternmatcher.New(patterns)
	if err != nil {
		t.Fatal(err)
	}

	need := []string{"go.mod", "go.sum"}
	err = filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			// Nested modules and VCS data are not part of the main module.
			if rel != "." && (strings.HasPrefix(d.Name(), ".") || isModule(path)) {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(rel, ".go") && !strings.HasSuffix(rel, "_test.go") &&
			!strings.Contains(rel, "testdata") {
			need = append(need, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(need) == 2 {
		t.Log("no Go sources found yet; only go.mod and go.sum checked")
	}
	for _, p := range need {
		excluded, err := pm.MatchesOrParentMatches(p)
		if err != nil {
			t.Fatal(err)
		}
		if excluded {
			t.Errorf(".dockerignore excludes %s, which the build needs", p)
		}
	}
	for _, p := range []string{".git/HEAD", "test/deploy/go.mod", "docs/scaling.md"} {
		if excluded, _ := pm.MatchesOrParentMatches(p); !excluded {
			t.Errorf(".dockerignore keeps %s in the build context", p)
		}
	}
}

// isModule reports whether dir holds a go.mod of its own (a nested module).
func isModule(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "go.mod"))
	return err == nil
}
