// Package rpcfake is a fake Solana JSON-RPC node for tests: it answers each method with
// a canned response (typically a recorded fixture), records every request it receives,
// and can be told to misbehave (HTTP errors, garbage, hangs, resets, slowness) so that
// clients can be tested against the faults of real providers.
package rpcfake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fixture is one recorded JSON-RPC exchange: {source, notes, request, response}.
type Fixture struct {
	// Name is the file name without .json.
	Name     string          `json:"-"`
	Source   string          `json:"source"`
	Request  json.RawMessage `json:"request"`
	Response json.RawMessage `json:"response"`
	// HTTPStatus is the status the node answered with; 0 means 200.
	HTTPStatus int `json:"http_status"`
}

// Method returns the JSON-RPC method of the fixture's request, or "".
func (f Fixture) Method() string {
	var r struct {
		Method string `json:"method"`
	}
	_ = json.Unmarshal(f.Request, &r)
	return r.Method
}

// Params returns the raw params of the fixture's request, or nil.
func (f Fixture) Params() json.RawMessage {
	var r struct {
		Params json.RawMessage `json:"params"`
	}
	_ = json.Unmarshal(f.Request, &r)
	return r.Params
}

// Result returns the raw result member of the response, byte for byte, or nil.
func (f Fixture) Result() json.RawMessage {
	var r struct {
		Result json.RawMessage `json:"result"`
	}
	_ = json.Unmarshal(f.Response, &r)
	return r.Result
}

// LoadFixtures reads every *.json fixture in dir, keyed by name.
func LoadFixtures(dir string) (map[string]Fixture, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, fmt.Errorf("list fixtures: %w", err)
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("no fixtures in %s", dir)
	}
	out := map[string]Fixture{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("read fixture: %w", err)
		}
		var f Fixture
		if err := json.Unmarshal(b, &f); err != nil {
			return nil, fmt.Errorf("parse fixture %s: %w", p, err)
		}
		f.Name = strings.TrimSuffix(filepath.Base(p), ".json")
		out[f.Name] = f
	}
	return out, nil
}

// FixturesDir finds shared/fixtures/solana by walking up from the working directory
// (the project's checkout sits beside shared/). SOLANA_FIXTURES_DIR overrides it.
func FixturesDir() (string, error) {
	if d := os.Getenv("SOLANA_FIXTURES_DIR"); d != "" {
		return d, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("find fixtures: %w", err)
	}
	for {
		cand := filepath.Join(dir, "shared", "fixtures", "solana")
		if st, err := os.Stat(cand); err == nil && st.IsDir() {
			return cand, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("find fixtures: no shared/fixtures/solana above the " +
				"working directory; set SOLANA_FIXTURES_DIR")
		}
		dir = parent
	}
}

// LoadSharedFixtures loads every fixture of [FixturesDir].
func LoadSharedFixtures() (map[string]Fixture, error) {
	dir, err := FixturesDir()
	if err != nil {
		return nil, err
	}
	return LoadFixtures(dir)
}

// SameJSON reports whether a and b hold the same JSON value: object members in any
// order, numbers compared by their digits (never through float64). Invalid JSON is
// never the same as anything.
func SameJSON(a, b []byte) bool {
	ca, cb := canonical(a), canonical(b)
	return ca != "" && ca == cb
}

// canonical re-encodes JSON with sorted keys and numbers as their digits; "" if invalid.
func canonical(b []byte) string {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return ""
	}
	out, err := json.Marshal(v) // json.Number marshals as its digits; maps sort keys
	if err != nil {
		return ""
	}
	return string(out)
}

// Fault makes the fake misbehave for a method.
type Fault struct {
	// Status, when not zero, is the HTTP status to answer with.
	Status int
	// Header is added to the answer (e.g. Retry-After).
	Header http.Header
	// Body replaces the answer body verbatim (garbage, HTML, a JSON-RPC error).
	Body []byte
	// Delay waits before answering; Hang waits until the client gives up.
	Delay time.Duration
	Hang  bool
	// Reset closes the connection without an answer.
	Reset bool
	// Times limits the fault to the next n requests; 0 means every request.
	Times int
}

// Request is one request the fake received.
type Request struct {
	Method string
	Params json.RawMessage
	ID     json.RawMessage
	Header http.Header
	Body   []byte
}

// Server is a running fake node. Its methods are safe for concurrent use.
type Server struct {
	srv *httptest.Server

	mu        sync.Mutex
	responses map[string]canned
	faults    map[string]*Fault
	requests  []Request
}

type canned struct {
	status int
	// response is a full JSON-RPC response object whose id is replaced per request.
	response json.RawMessage
}

// AnyMethod, as a method name in [Server.SetFault], applies the fault to every method.
const AnyMethod = "*"

// New starts a fake node on a loopback port.
func New() *Server {
	s := &Server{responses: map[string]canned{}, faults: map[string]*Fault{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// URL is the fake node's endpoint.
func (s *Server) URL() string { return s.srv.URL }

// Close stops the fake node, ending any hung requests.
func (s *Server) Close() {
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// SetFixture answers the fixture's method with its response (and HTTP status).
func (s *Server) SetFixture(f Fixture) {
	s.SetResponse(f.Method(), f.HTTPStatus, f.Response)
}

// SetResponse answers method with a full JSON-RPC response object.
func (s *Server) SetResponse(method string, status int, response json.RawMessage) {
	if status == 0 {
		status = http.StatusOK
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.responses[method] = canned{status: status, response: response}
}

// SetResult answers method with a success response holding result.
func (s *Server) SetResult(method string, result json.RawMessage) {
	s.SetResponse(method, http.StatusOK,
		json.RawMessage(`{"jsonrpc":"2.0","result":`+string(result)+`,"id":1}`))
}

// SetFault makes method (or [AnyMethod]) misbehave; nil clears it.
func (s *Server) SetFault(method string, f *Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f == nil {
		delete(s.faults, method)
		return
	}
	cp := *f
	s.faults[method] = &cp
}

// Requests returns the requests received so far, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Count returns how many requests for method were received.
func (s *Server) Count(method string) int {
	n := 0
	for _, r := range s.Requests() {
		if r.Method == method {
			n++
		}
	}
	return n
}

// Reset forgets the recorded requests.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

// Methods lists the methods with a canned answer.
func (s *Server) Methods() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.responses))
	for m := range s.responses {
		out = append(out, m)
	}
	sort.Strings(out)
	return out
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var req struct {
		Method string          `json:"method"`
		Params json.RawMessage `json:"params"`
		ID     json.RawMessage `json:"id"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		http.Error(w, `{"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error"},"id":null}`,
			http.StatusBadRequest)
		return
	}

	s.mu.Lock()
	s.requests = append(s.requests, Request{Method: req.Method, Params: req.Params,
		ID: req.ID, Header: r.Header.Clone(), Body: body})
	fault := s.takeFault(req.Method)
	answer, ok := s.responses[req.Method]
	s.mu.Unlock()

	if fault != nil {
		if s.misbehave(w, r, fault) {
			return
		}
	}
	if !ok {
		writeJSON(w, http.StatusOK, []byte(`{"jsonrpc":"2.0","error":{"code":-32601,`+
			`"message":"Method not found"},"id":`+idOr(req.ID)+`}`))
		return
	}
	writeJSON(w, answer.status, withID(answer.response, req.ID))
}

// takeFault returns the fault for method, counting down limited faults. Caller holds mu.
func (s *Server) takeFault(method string) *Fault {
	f := s.faults[method]
	key := method
	if f == nil {
		f, key = s.faults[AnyMethod], AnyMethod
	}
	if f == nil {
		return nil
	}
	cp := *f
	if f.Times > 0 {
		f.Times--
		if f.Times == 0 {
			delete(s.faults, key)
		}
	}
	return &cp
}

// misbehave acts out a fault; it reports whether the answer has been given.
func (s *Server) misbehave(w http.ResponseWriter, r *http.Request, f *Fault) bool {
	if f.Hang {
		<-r.Context().Done()
		return true
	}
	if f.Delay > 0 {
		select {
		case <-time.After(f.Delay):
		case <-r.Context().Done():
			return true
		}
	}
	if f.Reset {
		if hj, ok := w.(http.Hijacker); ok {
			conn, _, err := hj.Hijack()
			if err == nil {
				if tcp, ok := conn.(*net.TCPConn); ok {
					_ = tcp.SetLinger(0) // RST instead of FIN
				}
				_ = conn.Close()
			}
		}
		return true
	}
	if f.Status == 0 && f.Body == nil {
		return false // only a delay
	}
	for k, vs := range f.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	status := f.Status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	_, _ = w.Write(f.Body)
	return true
}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func idOr(id json.RawMessage) string {
	if len(bytes.TrimSpace(id)) == 0 {
		return "null"
	}
	return string(id)
}

// withID rebuilds a response object with the request's id, keeping every other member's
// bytes as they are (so the result is sent exactly as recorded).
func withID(response, id json.RawMessage) []byte {
	var members map[string]json.RawMessage
	if err := json.Unmarshal(response, &members); err != nil {
		return response
	}
	keys := make([]string, 0, len(members))
	for k := range members {
		if k != "id" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var b bytes.Buffer
	b.WriteByte('{')
	for _, k := range keys {
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		b.Write(members[k])
		b.WriteByte(',')
	}
	b.WriteString(`"id":`)
	b.WriteString(idOr(id))
	b.WriteByte('}')
	return b.Bytes()
}
