package cli

import (
	"bytes"
	"encoding/json"
	"io"
	"sync"
	"time"
)

// pendingCalls counts the requests read from stdin that have no answer on stdout yet.
//
// mcp-go's stdio server cancels every call in flight as soon as stdin ends, so a client
// that writes its requests and closes its end (a script, a pipe) would get only
// cancellations. Holding back the end of input until the answers are out lets those
// calls finish; MCP's stdio shutdown (close stdin, wait, then signal) stays bounded by
// the wait limit.
type pendingCalls struct {
	mu   sync.Mutex
	ids  map[string]int
	idle *sync.Cond
}

func newPendingCalls() *pendingCalls {
	p := &pendingCalls{ids: map[string]int{}}
	p.idle = sync.NewCond(&p.mu)
	return p
}

// message is what the tracker reads of each line.
type message struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
}

// scan feeds data to a line buffer and applies each complete line: requests (id and
// method) read from stdin add, answers (id, no method) written to stdout remove.
func (p *pendingCalls) scan(buf *[]byte, data []byte, request bool) {
	*buf = append(*buf, data...)
	for {
		i := bytes.IndexByte(*buf, '\n')
		if i < 0 {
			return
		}
		line := (*buf)[:i]
		var m message
		if json.Unmarshal(line, &m) == nil && len(m.ID) > 0 && string(m.ID) != "null" {
			key := string(bytes.TrimSpace(m.ID))
			p.mu.Lock()
			switch {
			case request && m.Method != "":
				p.ids[key]++
			case !request && m.Method == "" && p.ids[key] > 0:
				if p.ids[key]--; p.ids[key] == 0 {
					delete(p.ids, key)
				}
				if len(p.ids) == 0 {
					p.idle.Broadcast()
				}
			}
			p.mu.Unlock()
		}
		*buf = append((*buf)[:0], (*buf)[i+1:]...)
	}
}

// waitIdle blocks until no request is pending, or limit has passed.
func (p *pendingCalls) waitIdle(limit time.Duration) {
	timer := time.AfterFunc(limit, func() {
		p.mu.Lock()
		p.ids = map[string]int{} // give up waiting
		p.idle.Broadcast()
		p.mu.Unlock()
	})
	defer timer.Stop()
	p.mu.Lock()
	for len(p.ids) > 0 {
		p.idle.Wait()
	}
	p.mu.Unlock()
}

type trackingReader struct {
	r     io.Reader
	p     *pendingCalls
	buf   []byte
	limit time.Duration
}

// Read passes stdin through; at its end it waits for pending answers first.
func (t *trackingReader) Read(b []byte) (int, error) {
	n, err := t.r.Read(b)
	t.p.scan(&t.buf, b[:n], true)
	if err == io.EOF {
		t.p.scan(&t.buf, []byte("\n"), true) // a last line without newline
		t.p.waitIdle(t.limit)
	}
	return n, err
}

type trackingWriter struct {
	mu  sync.Mutex
	w   io.Writer
	p   *pendingCalls
	buf []byte
}

// Write passes stdout through and notes the answers in it.
func (t *trackingWriter) Write(b []byte) (int, error) {
	n, err := t.w.Write(b)
	t.mu.Lock()
	t.p.scan(&t.buf, b[:n], false)
	t.mu.Unlock()
	return n, err
}
