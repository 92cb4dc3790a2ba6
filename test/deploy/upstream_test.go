package deploy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fixture is one recorded Solana JSON-RPC exchange from ../shared/fixtures/solana.
type fixture struct {
	Request struct {
		Method string            `json:"method"`
		Params []json.RawMessage `json:"params"`
	} `json:"request"`
	Response struct {
		Result json.RawMessage `json:"result"`
		Error  json.RawMessage `json:"error"`
	} `json:"response"`
}

// fixturesDir returns the shared fixture directory beside the repository, or the one
// SOLANA_FIXTURES_DIR names (as for the main module's tests).
func fixturesDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("SOLANA_FIXTURES_DIR")
	if dir == "" {
		dir = filepath.Join(repoRoot(t), "..", "shared", "fixtures", "solana")
	}
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("fixtures: %v (the checkout sits beside shared/, or set SOLANA_FIXTURES_DIR)",
			err)
	}
	return dir
}

func loadFixture(t testing.TB, name string) fixture {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixturesDir(t), name))
	if err != nil {
		t.Fatal(err)
	}
	var f fixture
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return f
}

// callCase is one kind of tool call of the load, with the answer it must get.
type callCase struct {
	name string
	tool string
	args map[string]any
	// want is the upstream result the tool must return unchanged; nil if the call must fail.
	want json.RawMessage
	// wantErr are substrings of the tool error text when the call must fail.
	wantErr []string
	// upstream reports whether the call reaches the upstream (false: rejected before).
	upstream bool
}

// caseFromFixture turns a fixture's request into the matching tool call: the first
// positional parameter, if a string, is the public key; the config object's fields are
// arguments of the same names.
func caseFromFixture(t testing.TB, name string) callCase {
	t.Helper()
	f := loadFixture(t, name)
	c := callCase{name: name, tool: f.Request.Method, args: map[string]any{}, upstream: true}
	for _, p := range f.Request.Params {
		var s string
		if json.Unmarshal(p, &s) == nil {
			c.args["pubkey"] = s
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(p))
		dec.UseNumber()
		var cfg map[string]any
		if err := dec.Decode(&cfg); err != nil {
			t.Fatalf("%s: parameter %s is neither a string nor an object", name, p)
		}
		for k, v := range cfg {
			c.args[k] = v
		}
	}
	if f.Response.Error != nil {
		var e struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		}
		if err := json.Unmarshal(f.Response.Error, &e); err != nil {
			t.Fatal(err)
		}
		c.wantErr = []string{fmt.Sprint(e.Code), e.Message}
	} else {
		c.want = f.Response.Result
	}
	return c
}

// check compares a tool result with what the case must get.
func (c callCase) check(text string, isError bool) error {
	if c.want == nil {
		if !isError {
			return fmt.Errorf("%s: want a tool error, got %.200s", c.name, text)
		}
		for _, s := range c.wantErr {
			if !strings.Contains(text, s) {
				return fmt.Errorf("%s: tool error %q lacks %q", c.name, text, s)
			}
		}
		return nil
	}
	if isError {
		return fmt.Errorf("%s: tool error: %.300s", c.name, text)
	}
	if !jsonEqual([]byte(text), c.want) {
		return fmt.Errorf("%s: result %.300s, want %.300s", c.name, text, c.want)
	}
	return nil
}

// jsonEqual reports whether two JSON texts hold the same value. Numbers are compared by
// their digits, so a u64 above 2^53 must come back exactly.
func jsonEqual(a, b []byte) bool {
	decode := func(b []byte) (any, error) {
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		var v any
		err := dec.Decode(&v)
		return v, err
	}
	va, errA := decode(a)
	vb, errB := decode(b)
	return errA == nil && errB == nil && reflect.DeepEqual(va, vb)
}

// fakeUpstream is a Solana JSON-RPC node that answers from fixtures, after a short random
// delay so that calls overlap replica shutdowns.
type fakeUpstream struct {
	*httptest.Server
	answers map[string]json.RawMessage // "method|first string param" -> result or error member

	calls      atomic.Int64 // requests answered from a fixture
	unexpected atomic.Int64 // requests no fixture matches

	mu         sync.Mutex
	unexpSeen  []string
	perMethods map[string]int
}

func upstreamKey(method string, params []json.RawMessage) string {
	var first string
	if len(params) > 0 {
		_ = json.Unmarshal(params[0], &first)
	}
	return method + "|" + first
}

// newFakeUpstream starts a fake node that knows the given fixtures.
func newFakeUpstream(t testing.TB, fixtures ...string) *fakeUpstream {
	t.Helper()
	f := &fakeUpstream{answers: map[string]json.RawMessage{}, perMethods: map[string]int{}}
	for _, name := range fixtures {
		fx := loadFixture(t, name)
		member := `"result":` + string(fx.Response.Result)
		if fx.Response.Error != nil {
			member = `"error":` + string(fx.Response.Error)
		}
		f.answers[upstreamKey(fx.Request.Method, fx.Request.Params)] = json.RawMessage(member)
	}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

type rpcRequest struct {
	ID     json.RawMessage   `json:"id"`
	Method string            `json:"method"`
	Params []json.RawMessage `json:"params"`
}

func (f *fakeUpstream) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	time.Sleep(time.Duration(2+rand.IntN(18)) * time.Millisecond)

	var reqs []rpcRequest
	batch := bytes.HasPrefix(bytes.TrimSpace(body), []byte("["))
	if batch {
		err = json.Unmarshal(body, &reqs)
	} else {
		reqs = make([]rpcRequest, 1)
		err = json.Unmarshal(body, &reqs[0])
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var out []string
	for _, req := range reqs {
		member, ok := f.answers[upstreamKey(req.Method, req.Params)]
		f.mu.Lock()
		if ok {
			f.calls.Add(1)
			f.perMethods[req.Method]++
		} else {
			f.unexpected.Add(1)
			if len(f.unexpSeen) < 10 {
				f.unexpSeen = append(f.unexpSeen, string(body))
			}
			member = json.RawMessage(`"error":{"code":-32601,"message":"Method not found"}`)
		}
		f.mu.Unlock()
		out = append(out, fmt.Sprintf(`{"jsonrpc":"2.0","id":%s,%s}`, req.ID, member))
	}
	resp := out[0]
	if batch {
		resp = "[" + strings.Join(out, ",") + "]"
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, resp)
}
