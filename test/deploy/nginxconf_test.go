package deploy

import (
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// nginxResolveVersion is the first open-source nginx whose upstream `server` directive takes
// the `resolve` parameter.
const nginxResolveVersion = "1.27.3"

// ngxDirective is one directive of an nginx configuration, with its block if it has one.
type ngxDirective struct {
	name  string
	args  []string
	block []*ngxDirective
	line  int
}

// parseNginx parses nginx configuration text into a directive tree. It knows the syntax
// only (words, quotes, comments, blocks), not the meaning of directives.
func parseNginx(src string) ([]*ngxDirective, error) {
	type frame struct{ dirs []*ngxDirective }
	stack := []*frame{{}}
	var words []string
	line, wordLine := 1, 0
	i := 0
	for i < len(src) {
		c := src[i]
		switch {
		case c == '\n':
			line++
			i++
		case c == ' ' || c == '\t' || c == '\r':
			i++
		case c == '#':
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case c == ';' || c == '{':
			if len(words) == 0 {
				return nil, fmt.Errorf("line %d: %q without a directive", line, c)
			}
			d := &ngxDirective{name: words[0], args: words[1:], line: wordLine}
			top := stack[len(stack)-1]
			top.dirs = append(top.dirs, d)
			words = nil
			i++
			if c == '{' {
				stack = append(stack, &frame{})
			}
		case c == '}':
			if len(words) != 0 || len(stack) == 1 {
				return nil, fmt.Errorf("line %d: unexpected }", line)
			}
			inner := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			parent := stack[len(stack)-1]
			parent.dirs[len(parent.dirs)-1].block = inner.dirs
			i++
		case c == '"' || c == '\'':
			j := i + 1
			var b strings.Builder
			for j < len(src) && src[j] != c {
				if src[j] == '\\' && j+1 < len(src) {
					j++
				}
				if src[j] == '\n' {
					line++
				}
				b.WriteByte(src[j])
				j++
			}
			if j >= len(src) {
				return nil, fmt.Errorf("line %d: unterminated quote", line)
			}
			if len(words) == 0 {
				wordLine = line
			}
			words = append(words, b.String())
			i = j + 1
		default:
			j := i
			for j < len(src) && !strings.ContainsRune(" \t\r\n;{}#\"'", rune(src[j])) {
				j++
			}
			if len(words) == 0 {
				wordLine = line
			}
			words = append(words, src[i:j])
			i = j
		}
	}
	if len(stack) != 1 || len(words) != 0 {
		return nil, fmt.Errorf("unexpected end of file")
	}
	return stack[0].dirs, nil
}

// find returns the directives of a block with the given name and, if args are given, with
// those leading arguments.
func find(dirs []*ngxDirective, name string, args ...string) []*ngxDirective {
	var out []*ngxDirective
	for _, d := range dirs {
		if d.name != name || len(d.args) < len(args) {
			continue
		}
		match := true
		for i, a := range args {
			if d.args[i] != a {
				match = false
			}
		}
		if match {
			out = append(out, d)
		}
	}
	return out
}

// one returns the single directive find returns, failing the test otherwise.
func one(t testing.TB, dirs []*ngxDirective, name string, args ...string) *ngxDirective {
	t.Helper()
	found := find(dirs, name, args...)
	if len(found) != 1 {
		t.Fatalf("want one %s %v directive, found %d", name, args, len(found))
	}
	return found[0]
}

// inherited returns the innermost directive of that name in a chain of blocks given from
// the outermost (http) to the innermost (location), as nginx inherits them.
func inherited(name string, chain ...[]*ngxDirective) *ngxDirective {
	for i := len(chain) - 1; i >= 0; i-- {
		if d := find(chain[i], name); len(d) > 0 {
			return d[len(d)-1]
		}
	}
	return nil
}

// nginxTime parses an nginx time value ("95s", "1m", "60").
func nginxTime(s string) (time.Duration, error) {
	if n, err := strconv.Atoi(s); err == nil {
		return time.Duration(n) * time.Second, nil
	}
	return time.ParseDuration(s)
}

// nginxSize parses an nginx size value ("1m", "512k", "1048576").
func nginxSize(s string) (int, error) {
	mult := 1
	switch strings.ToLower(s[len(s)-1:]) {
	case "k":
		mult, s = 1<<10, s[:len(s)-1]
	case "m":
		mult, s = 1<<20, s[:len(s)-1]
	case "g":
		mult, s = 1<<30, s[:len(s)-1]
	}
	n, err := strconv.Atoi(s)
	return n * mult, err
}

// projectNginx parses the repository's nginx.conf and returns its http block.
func projectNginx(t testing.TB) (http []*ngxDirective) {
	t.Helper()
	dirs, err := parseNginx(readRepoFile(t, "nginx.conf"))
	if err != nil {
		t.Fatalf("nginx.conf: %v", err)
	}
	return one(t, dirs, "http").block
}

// nginxBodyLimit returns client_max_body_size in bytes as it applies to /mcp.
func nginxBodyLimit(t testing.TB) int {
	t.Helper()
	http := projectNginx(t)
	srv := one(t, http, "server").block
	loc := one(t, srv, "location", "=", "/mcp").block
	d := inherited("client_max_body_size", http, srv, loc)
	if d == nil {
		t.Fatal("nginx.conf does not set client_max_body_size (nginx default: 1m)")
	}
	n, err := nginxSize(d.args[0])
	if err != nil {
		t.Fatalf("client_max_body_size %q: %v", d.args[0], err)
	}
	return n
}

// nginxVersion returns the version of the installed nginx ("1.22.1").
func nginxVersion(t testing.TB, nginx string) string {
	t.Helper()
	out, err := exec.Command(nginx, "-v").CombinedOutput()
	if err != nil {
		t.Fatalf("nginx -v: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`nginx/(\d+\.\d+\.\d+)`).FindStringSubmatch(string(out))
	if m == nil {
		t.Fatalf("nginx -v: cannot read the version from %q", out)
	}
	return m[1]
}

// nginxTestCopy says how a test copy of nginx.conf differs from the project's file.
type nginxTestCopy struct {
	// upstreams replace the upstream `server <service>:8080 resolve` line: one `server` line
	// per address, without `resolve`. Empty keeps the line as it is.
	upstreams []string
	// listen replaces the `listen 80` address, if set.
	listen string
	// tempDir holds nginx's temporary files, so that it needs no write access elsewhere.
	tempDir string
	// upstreamHeader adds an X-Upstream-Addr response header naming the replica that
	// answered.
	upstreamHeader bool
}

var upstreamServerRE = regexp.MustCompile(`(?m)^(\s*)server\s+` + serverService +
	`:8080\s+resolve\b([^;]*);`)

// adapt returns the test copy of the nginx.conf text src, and one note per change made.
func (c nginxTestCopy) adapt(t testing.TB, src string) (string, []string) {
	t.Helper()
	var notes []string
	replace := func(re *regexp.Regexp, repl func([]string) string, note string) {
		t.Helper()
		if !re.MatchString(src) {
			t.Fatalf("nginx.conf: no line matches %s", re)
		}
		src = re.ReplaceAllStringFunc(src, func(m string) string {
			return repl(re.FindStringSubmatch(m))
		})
		notes = append(notes, note)
	}

	if len(c.upstreams) > 0 {
		replace(upstreamServerRE, func(m []string) string {
			var b strings.Builder
			for i, addr := range c.upstreams {
				if i > 0 {
					b.WriteString("\n")
				}
				fmt.Fprintf(&b, "%sserver %s%s;", m[1], addr, m[2])
			}
			return b.String()
		}, fmt.Sprintf("upstream `server %s:8080 resolve` replaced by %d static address(es) %v",
			serverService, len(c.upstreams), c.upstreams))
	}
	if c.listen != "" {
		replace(regexp.MustCompile(`(?m)^(\s*)listen\s+80;`), func(m []string) string {
			return m[1] + "listen " + c.listen + ";"
		}, "listen 80 replaced by "+c.listen)
	}
	var extra []string
	if c.tempDir != "" {
		for _, kind := range []string{"client_body", "proxy", "fastcgi", "uwsgi", "scgi"} {
			extra = append(extra, fmt.Sprintf("%s_temp_path %s/%s;", kind, c.tempDir, kind))
		}
		notes = append(notes, "temporary file paths set to "+c.tempDir)
	}
	if c.upstreamHeader {
		extra = append(extra, "add_header X-Upstream-Addr $upstream_addr always;")
		notes = append(notes, "X-Upstream-Addr response header added (test instrumentation)")
	}
	if len(extra) > 0 {
		replace(regexp.MustCompile(`(?m)^http\s*\{`), func([]string) string {
			return "http {\n    # Added by the test.\n    " + strings.Join(extra, "\n    ")
		}, "")
		notes = notes[:len(notes)-1]
	}
	return src, notes
}
