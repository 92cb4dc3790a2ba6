package tools

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/solana-mcp/solana-mcp-server/pkg/rpcfake"
)

// fuzzOptions are the settings each fuzzed input is prepared with: processed shows the
// clamp to confirmed, finalized the plain default, none a server without defaults.
var fuzzOptions = []Options{
	testOptions,
	{Commitment: "finalized", MaxTxVersion: "0", Networks: []string{"mainnet"}},
	{Networks: []string{"mainnet"}},
}

// seedArgs are valid arguments for every method, hand-written; the fuzz corpus starts
// from these, from the shared fixtures' requests, and from known bad shapes.
var seedArgs = map[string]string{
	"getAccountInfo": `{"pubkey":"` + testPubkey + `","encoding":"base58",` +
		`"dataSlice":{"offset":0,"length":32},"minContextSlot":1}`,
	"getBalance": `{"pubkey":"` + testPubkey + `","commitment":"finalized"}`,
	"getBlock": `{"slot":378967388,"encoding":"jsonParsed","transactionDetails":"signatures",` +
		`"rewards":false}`,
	"getBlockCommitment":                `{"slot":5}`,
	"getBlockHeight":                    `{"minContextSlot":"9007199254740993"}`,
	"getBlockProduction":                `{"identity":"` + testPubkey + `","range":{"firstSlot":1,"lastSlot":2}}`,
	"getBlocks":                         `{"startSlot":5,"endSlot":10,"commitment":"finalized"}`,
	"getBlocksWithLimit":                `{"startSlot":5,"limit":3}`,
	"getBlockTime":                      `{"slot":5}`,
	"getClusterNodes":                   `{}`,
	"getEpochInfo":                      `{"commitment":"confirmed"}`,
	"getEpochSchedule":                  `{}`,
	"getFeeForMessage":                  `{"message":"` + testMessage + `"}`,
	"getFirstAvailableBlock":            `{}`,
	"getGenesisHash":                    `{}`,
	"getHealth":                         `{"network":"mainnet"}`,
	"getHighestSnapshotSlot":            `{}`,
	"getIdentity":                       `{}`,
	"getInflationGovernor":              `{"commitment":"finalized"}`,
	"getInflationRate":                  `{}`,
	"getInflationReward":                `{"addresses":["` + testPubkey + `"],"epoch":800}`,
	"getLargestAccounts":                `{"filter":"circulating","sortResults":false}`,
	"getLatestBlockhash":                `{"commitment":"processed"}`,
	"getLeaderSchedule":                 `{"identity":"` + testPubkey + `"}`,
	"getMaxRetransmitSlot":              `{}`,
	"getMaxShredInsertSlot":             `{}`,
	"getMinimumBalanceForRentExemption": `{"dataLength":165}`,
	"getMultipleAccounts":               `{"pubkeys":["` + testPubkey + `","` + testPubkey2 + `"]}`,
	"getProgramAccounts": `{"programId":"` + testPubkey + `","filters":[{"dataSize":165},` +
		`{"memcmp":{"offset":32,"bytes":"` + testPubkey2 + `"}}],"withContext":true}`,
	"getRecentPerformanceSamples": `{"limit":2}`,
	"getRecentPrioritizationFees": `{"addresses":["` + testPubkey + `"]}`,
	"getSignaturesForAddress": `{"address":"` + testPubkey + `","limit":10,` +
		`"before":"` + testSignature + `"}`,
	"getSignatureStatuses": `{"signatures":["` + testSignature + `"],` +
		`"searchTransactionHistory":true}`,
	"getSlot":                   `{}`,
	"getSlotLeader":             `{}`,
	"getSlotLeaders":            `{"startSlot":100,"limit":10}`,
	"getStakeMinimumDelegation": `{}`,
	"getSupply":                 `{"excludeNonCirculatingAccountsList":true}`,
	"getTokenAccountBalance":    `{"pubkey":"` + testPubkey + `"}`,
	"getTokenAccountsByDelegate": `{"delegate":"` + testPubkey + `",` +
		`"programId":"TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA"}`,
	"getTokenAccountsByOwner": `{"owner":"` + testPubkey + `","mint":"` + testPubkey2 + `",` +
		`"encoding":"jsonParsed"}`,
	"getTokenLargestAccounts": `{"mint":"` + testPubkey + `"}`,
	"getTokenSupply":          `{"mint":"` + testPubkey + `"}`,
	"getTransaction":          `{"signature":"` + testSignature + `","encoding":"base64"}`,
	"getTransactionCount":     `{}`,
	"getVersion":              `{}`,
	"getVoteAccounts": `{"votePubkey":"` + testPubkey + `","keepUnstakedDelinquents":true,` +
		`"delinquentSlotDistance":128}`,
	"isBlockhashValid":  `{"blockhash":"` + testBlockhash + `"}`,
	"minimumLedgerSlot": `{}`,
	"simulateTransaction": `{"transaction":"AQAB","encoding":"base64","replaceRecentBlockhash":true,` +
		`"innerInstructions":true,"accounts":{"addresses":["` + testPubkey + `"]}}`,
	"sendTransaction": `{"transaction":"AQAB","skipPreflight":true,"maxRetries":3}`,
	"requestAirdrop":  `{"pubkey":"` + testPubkey + `","lamports":1000000000}`,
}

// badSeeds are shapes every method gets as seeds besides its valid arguments.
var badSeeds = []string{
	``, `null`, `[]`, `"x"`, `{}`, `{"network":"devnet"}`, `{"network":7}`, `{"x":1}`,
	`{"commitment":"processed"}`, `{"minContextSlot":-1}`, `{"minContextSlot":1e400}`,
	`{"encoding":"jsonParsed","dataSlice":{"offset":0,"length":1}}`,
	`{"startSlot":10,"endSlot":9}`, `{"mint":"` + testPubkey + `","programId":"` + testPubkey + `"}`,
	`{"sigVerify":true,"replaceRecentBlockhash":true,"transaction":"AQAB"}`,
	`{"filters":[{},{"dataSize":1,"memcmp":{}}]}`, `{"pubkeys":"` + testPubkey + `"}`,
}

// FuzzPrepare feeds arbitrary arguments to every method. Prepare must never panic; it
// must reject with an error that names what was wrong, or build params that pass
// checks written independently of the catalog's types: the tool's own input schema
// (base58 values decode to the byte count it states, integers are plain u64 digits,
// lists within their limits, no unknown members) and the node's combination rules.
func FuzzPrepare(f *testing.F) {
	catalog := Catalog()
	index := map[string]uint8{}
	for i, m := range catalog {
		index[m.Name] = uint8(i)
		f.Add(uint8(i), []byte(seedArgs[m.Name]))
		for _, s := range badSeeds {
			f.Add(uint8(i), []byte(s))
		}
	}
	if dir, err := rpcfake.FixturesDir(); err == nil {
		fixtures, err := rpcfake.LoadFixtures(dir)
		if err != nil {
			f.Fatal(err)
		}
		for _, fx := range fixtures {
			i, ok := index[fx.Method()]
			if !ok {
				continue
			}
			if args, err := argsFromFixture(catalog[i], fx); err == nil {
				f.Add(i, args)
			}
		}
	}

	f.Fuzz(func(t *testing.T, i uint8, args []byte) {
		m := catalog[int(i)%len(catalog)]
		for _, opts := range fuzzOptions {
			call, err := m.Prepare(args, opts)
			if err != nil {
				if err := checkRejection(err); err != nil {
					t.Fatalf("%s(%q): %v", m.Name, args, err)
				}
				continue
			}
			if err := recheck(m, call, opts); err != nil {
				t.Fatalf("%s(%q) forwards params %s: %v", m.Name, args, paramsText(call), err)
			}
		}
	})
}

// FuzzParseWhole compares the exact integer reader with math/big on short tokens.
func FuzzParseWhole(f *testing.F) {
	for _, s := range []string{"0", "-0", "1e3", "1.5", "12.30e1", "100e-2", u64Max,
		"18446744073709551616", "1844674407370955161.5e1", "+7", "007", "1e-0", "0.0e-5",
		".5", "5.", "1e", "--1", "1.2.3", "9e19", "1e19", "0x10"} {
		f.Add(s)
	}
	numberRE := regexp.MustCompile(`^[+-]?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)
	smallExpRE := regexp.MustCompile(`^[^eE]*([eE][+-]?0*[0-9]{0,3})?$`)
	f.Fuzz(func(t *testing.T, tok string) {
		got, problem := parseWhole(tok)
		if !numberRE.MatchString(tok) {
			if problem != notANumber {
				t.Fatalf("parseWhole(%q) = %d, %d; want a rejection of a non-number", tok,
					got, problem)
			}
			return
		}
		if len(tok) > 200 || !smallExpRE.MatchString(tok) {
			return // math/big would be slow; FuzzPrepare covers these
		}
		r, ok := new(big.Rat).SetString(tok)
		if !ok {
			t.Fatalf("big.Rat cannot read %q", tok)
		}
		wantOK := r.IsInt() && r.Sign() >= 0 && r.Num().IsUint64()
		if wantOK != (problem == wholeOK) {
			t.Fatalf("parseWhole(%q) problem = %d, want accepted = %v (%s)", tok, problem,
				wantOK, r.RatString())
		}
		if wantOK && got != r.Num().Uint64() {
			t.Fatalf("parseWhole(%q) = %d, want %s", tok, got, r.RatString())
		}
		if !wantOK && r.Sign() > 0 {
			wantProblem := tooLarge
			if !r.IsInt() {
				wantProblem = fractional
			}
			if problem != wantProblem {
				t.Fatalf("parseWhole(%q) problem = %d, want %d", tok, problem, wantProblem)
			}
		}
	})
}

// checkRejection checks that a Prepare error tells the caller what to fix: it names an
// argument, or says the arguments are not an object.
func checkRejection(err error) error {
	var ce *checkError
	if errors.As(err, &ce) {
		// The path may be empty only for an argument named "" (it is then quoted).
		if ce.msg == "" {
			return fmt.Errorf("error %q says nothing", err)
		}
		return nil
	}
	if !strings.HasPrefix(err.Error(), "arguments must be a JSON object") {
		return fmt.Errorf("error %q is neither about an argument nor about the object", err)
	}
	return nil
}

// recheck validates a prepared call independently of the Type implementations.
func recheck(m *Method, call *Call, opts Options) error {
	found := false
	for _, n := range opts.Networks {
		found = found || n == call.Network
	}
	if !found {
		return fmt.Errorf("network %q is not one of %v", call.Network, opts.Networks)
	}
	for i, p := range call.Params {
		if !json.Valid(p) {
			return fmt.Errorf("params[%d] is not JSON: %q", i, p)
		}
		if err := noDuplicateKeys(p); err != nil {
			return fmt.Errorf("params[%d]: %v", i, err)
		}
	}

	args, config, err := argsFromParams(m, call.Params)
	if err != nil {
		return err
	}
	body, _ := json.Marshal(args)
	if err := schemaCheck(inputSchema(m), body, "arguments"); err != nil {
		return err
	}
	if err := nodeRules(m, args); err != nil {
		return err
	}

	// The server's defaults are there when configured.
	wantDefault := map[string]bool{}
	if m.CommitmentField != "" && opts.Commitment != "" {
		wantDefault[m.CommitmentField] = true
	}
	if m.TxVersion && opts.MaxTxVersion != "" {
		wantDefault["maxSupportedTransactionVersion"] = true
	}
	for name := range m.ConfigDefaults {
		wantDefault[name] = true
	}
	for name := range wantDefault {
		if _, ok := config[name]; !ok {
			return fmt.Errorf("config lacks the default %s", name)
		}
	}
	return nil
}

// argsFromParams reads a params array back into named arguments, following the wire
// layout of the method: positional params in order (null only for a skipped optional
// param that a later one follows), then the config object. The token-account methods
// send [address, {mint | programId}, config].
func argsFromParams(m *Method, params []json.RawMessage) (args, config map[string]json.RawMessage,
	err error) {
	args, config = map[string]json.RawMessage{}, map[string]json.RawMessage{}
	put := func(name string, v json.RawMessage) error {
		if _, dup := args[name]; dup {
			return fmt.Errorf("argument %s is sent twice", name)
		}
		args[name] = v
		return nil
	}
	readConfig := func(raw json.RawMessage) error {
		if len(m.Config) == 0 {
			return fmt.Errorf("a config object %s for a method without one", raw)
		}
		var members map[string]json.RawMessage
		if !bytes.HasPrefix(bytes.TrimSpace(raw), []byte("{")) ||
			json.Unmarshal(raw, &members) != nil {
			return fmt.Errorf("config %s is not an object", raw)
		}
		if len(members) == 0 {
			return fmt.Errorf("an empty config object is sent")
		}
		for name, v := range members {
			if !hasField(m.Config, name) {
				return fmt.Errorf("config member %s is not a config field", name)
			}
			config[name] = v
			if err := put(name, v); err != nil {
				return err
			}
		}
		return nil
	}

	if m.Build != nil {
		if len(params) < 2 || len(params) > 3 {
			return nil, nil, fmt.Errorf("%d params, want 2 or 3", len(params))
		}
		if err := put(m.Params[0].Name, params[0]); err != nil {
			return nil, nil, err
		}
		var filter map[string]json.RawMessage
		if json.Unmarshal(params[1], &filter) != nil || len(filter) != 1 {
			return nil, nil, fmt.Errorf("filter %s is not an object of one member", params[1])
		}
		for name, v := range filter {
			if name != "mint" && name != "programId" {
				return nil, nil, fmt.Errorf("filter member %s", name)
			}
			if err := put(name, v); err != nil {
				return nil, nil, err
			}
		}
		if len(params) == 3 {
			if err := readConfig(params[2]); err != nil {
				return nil, nil, err
			}
		}
		return args, config, nil
	}

	max := len(m.Params)
	if len(m.Config) > 0 {
		max++
	}
	if len(params) > max {
		return nil, nil, fmt.Errorf("%d params, want at most %d", len(params), max)
	}
	for i, p := range params {
		if i == len(m.Params) {
			if err := readConfig(p); err != nil {
				return nil, nil, err
			}
			continue
		}
		if isNull(p) {
			if i == len(params)-1 {
				return nil, nil, fmt.Errorf("params end with a null")
			}
			continue
		}
		if err := put(m.Params[i].Name, p); err != nil {
			return nil, nil, err
		}
	}
	return args, config, nil
}

// argsFromFixture turns a fixture's request into tool arguments (a fuzz seed).
func argsFromFixture(m *Method, fx rpcfake.Fixture) ([]byte, error) {
	var params []json.RawMessage
	if raw := fx.Params(); len(raw) > 0 {
		if err := json.Unmarshal(raw, &params); err != nil {
			return nil, err
		}
	}
	args, _, err := argsFromParams(m, params)
	if err != nil {
		return nil, err
	}
	return json.Marshal(args)
}

// nodeRules are the combinations a node rejects, written from the node's point of view.
func nodeRules(m *Method, args map[string]json.RawMessage) error {
	str := func(name string) string {
		var s string
		_ = json.Unmarshal(args[name], &s)
		return s
	}
	num := func(raw json.RawMessage) (uint64, bool) {
		n, err := strconv.ParseUint(string(raw), 10, 64)
		return n, err == nil
	}
	if args["dataSlice"] != nil && str("encoding") == "jsonParsed" {
		return errors.New("dataSlice with jsonParsed")
	}
	if string(args["sigVerify"]) == "true" && string(args["replaceRecentBlockhash"]) == "true" {
		return errors.New("sigVerify with replaceRecentBlockhash")
	}
	if tx := str("transaction"); tx != "" {
		enc, limit := "base58", 1683
		if str("encoding") == "base64" {
			enc, limit = "base64", 1644
		}
		if len(tx) > limit {
			return fmt.Errorf("transaction of %d characters, over %d", len(tx), limit)
		}
		if data, ok := decodeText(tx, enc); !ok || len(data) > 1232 {
			return fmt.Errorf("transaction does not decode to at most 1232 bytes of %s", enc)
		}
	}
	if msg := str("message"); msg != "" {
		if data, ok := decodeText(msg, "base64"); len(msg) > 1644 || !ok || len(data) > 1232 {
			return fmt.Errorf("message is not at most 1232 bytes of base64")
		}
	}
	var filters []struct {
		Memcmp *struct {
			Bytes, Encoding string
		}
	}
	_ = json.Unmarshal(args["filters"], &filters)
	for i, f := range filters {
		if f.Memcmp == nil {
			continue
		}
		enc, limit := "base58", 175
		if f.Memcmp.Encoding == "base64" {
			enc, limit = "base64", 172
		}
		data, ok := decodeText(f.Memcmp.Bytes, enc)
		if len(f.Memcmp.Bytes) > limit || !ok || len(data) > 128 {
			return fmt.Errorf("filters[%d].memcmp.bytes is not at most 128 bytes of %s", i, enc)
		}
	}
	if m.Name == "getBlocks" && args["endSlot"] != nil {
		s, _ := num(args["startSlot"])
		e, _ := num(args["endSlot"])
		if e < s || e-s > 500_000 {
			return fmt.Errorf("slot range %d..%d", s, e)
		}
	}
	if r := args["range"]; r != nil {
		var rng struct{ FirstSlot, LastSlot json.RawMessage }
		_ = json.Unmarshal(r, &rng)
		first, _ := num(rng.FirstSlot)
		if last, ok := num(rng.LastSlot); ok && last < first {
			return fmt.Errorf("range %s", r)
		}
	}
	return nil
}

// decodeText decodes base58 or strict standard base64.
func decodeText(text, enc string) ([]byte, bool) {
	if enc == "base64" {
		data, err := base64.StdEncoding.Strict().DecodeString(text)
		return data, err == nil
	}
	return b58Decode(text)
}

// noDuplicateKeys reports an object member that appears twice anywhere in raw.
func noDuplicateKeys(raw json.RawMessage) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	type frame struct {
		object bool
		keys   map[string]bool
		key    bool // the next string token is a key
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil // end of input; validity is checked elsewhere
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		switch v := tok.(type) {
		case json.Delim:
			switch v {
			case '{', '[':
				if top != nil && top.object {
					top.key = true
				}
				stack = append(stack, &frame{object: v == '{', keys: map[string]bool{}, key: true})
			default:
				stack = stack[:len(stack)-1]
				if len(stack) > 0 && stack[len(stack)-1].object {
					stack[len(stack)-1].key = true
				}
			}
		default:
			if top == nil || !top.object {
				continue
			}
			if top.key {
				k, _ := v.(string)
				if top.keys[k] {
					return fmt.Errorf("member %q appears twice", k)
				}
				top.keys[k] = true
				top.key = false
			} else {
				top.key = true
			}
		}
	}
}

var (
	schemaMu    sync.Mutex
	schemaCache = map[string]map[string]any{}
)

// inputSchema is the method's input schema (without network), decoded with exact numbers.
func inputSchema(m *Method) map[string]any {
	schemaMu.Lock()
	defer schemaMu.Unlock()
	if s, ok := schemaCache[m.Name]; ok {
		return s
	}
	dec := json.NewDecoder(bytes.NewReader(m.InputSchema(nil)))
	dec.UseNumber()
	var s map[string]any
	if err := dec.Decode(&s); err != nil {
		panic(err)
	}
	schemaCache[m.Name] = s
	return s
}

const base58Pattern = "^[1-9A-HJ-NP-Za-km-z]+$"

var (
	digitsRE = regexp.MustCompile(`^(0|[1-9][0-9]*)$`)
	reCache  sync.Map
)

// schemaCheck validates raw against the subset of JSON Schema the catalog uses. It
// also applies what the schema implies: a base58 string whose minLength is n decodes
// to exactly n bytes (n zero bytes are n characters), and integers are plain digits
// within u64.
func schemaCheck(schema map[string]any, raw json.RawMessage, path string) error {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return fmt.Errorf("%s: empty value", path)
	}
	switch schema["type"] {
	case "object":
		var members map[string]json.RawMessage
		if raw[0] != '{' || json.Unmarshal(raw, &members) != nil {
			return fmt.Errorf("%s: want an object, got %s", path, raw)
		}
		props, _ := schema["properties"].(map[string]any)
		for name, v := range members {
			sub, ok := props[name].(map[string]any)
			if !ok {
				return fmt.Errorf("%s: member %q is not in the schema", path, name)
			}
			if isNull(v) {
				return fmt.Errorf("%s.%s: null is forwarded", path, name)
			}
			if err := schemaCheck(sub, v, path+"."+name); err != nil {
				return err
			}
		}
		required, _ := schema["required"].([]any)
		for _, r := range required {
			if _, ok := members[r.(string)]; !ok {
				return fmt.Errorf("%s: required member %s is missing", path, r)
			}
		}
		if n, ok := schemaInt(schema, "minProperties"); ok && len(members) < n {
			return fmt.Errorf("%s: %d members, want at least %d", path, len(members), n)
		}
		if n, ok := schemaInt(schema, "maxProperties"); ok && len(members) > n {
			return fmt.Errorf("%s: %d members, want at most %d", path, len(members), n)
		}
	case "array":
		var items []json.RawMessage
		if raw[0] != '[' || json.Unmarshal(raw, &items) != nil {
			return fmt.Errorf("%s: want an array, got %s", path, raw)
		}
		if n, ok := schemaInt(schema, "minItems"); ok && len(items) < n {
			return fmt.Errorf("%s: %d items, want at least %d", path, len(items), n)
		}
		if n, ok := schemaInt(schema, "maxItems"); ok && len(items) > n {
			return fmt.Errorf("%s: %d items, want at most %d", path, len(items), n)
		}
		itemSchema, _ := schema["items"].(map[string]any)
		for i, it := range items {
			if err := schemaCheck(itemSchema, it, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	case "string":
		var s string
		if raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
			return fmt.Errorf("%s: want a string, got %s", path, raw)
		}
		if enum, ok := schema["enum"].([]any); ok {
			in := false
			for _, e := range enum {
				in = in || e == s
			}
			if !in {
				return fmt.Errorf("%s: %q is not one of %v", path, s, enum)
			}
		}
		n := utf8.RuneCountInString(s)
		if min, ok := schemaInt(schema, "minLength"); ok && n < min {
			return fmt.Errorf("%s: %d characters, want at least %d", path, n, min)
		}
		if max, ok := schemaInt(schema, "maxLength"); ok && n > max {
			return fmt.Errorf("%s: %d characters, want at most %d", path, n, max)
		}
		if p, ok := schema["pattern"].(string); ok {
			re, _ := reCache.LoadOrStore(p, regexp.MustCompile(p))
			if !re.(*regexp.Regexp).MatchString(s) {
				return fmt.Errorf("%s: %q does not match %s", path, s, p)
			}
			if p == base58Pattern {
				size, _ := schemaInt(schema, "minLength")
				b, ok := b58Decode(s)
				if !ok || len(b) != size {
					return fmt.Errorf("%s: %q decodes to %d bytes, want %d", path, s, len(b), size)
				}
			}
		}
	case "integer":
		s := string(raw)
		if !digitsRE.MatchString(s) {
			return fmt.Errorf("%s: %s is not plain digits", path, s)
		}
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return fmt.Errorf("%s: %s is not a u64", path, s)
		}
		if min, ok := schemaInt(schema, "minimum"); ok && n < uint64(min) {
			return fmt.Errorf("%s: %d is below %d", path, n, min)
		}
		if max, ok := schemaInt(schema, "maximum"); ok && n > uint64(max) {
			return fmt.Errorf("%s: %d is above %d", path, n, max)
		}
	case "boolean":
		if s := string(raw); s != "true" && s != "false" {
			return fmt.Errorf("%s: want a boolean, got %s", path, s)
		}
	default:
		return fmt.Errorf("%s: schema type %v is not known to the checker", path, schema["type"])
	}
	return nil
}

// schemaInt reads a non-negative integer keyword of a schema decoded with UseNumber.
func schemaInt(schema map[string]any, key string) (int, bool) {
	v, ok := schema[key].(json.Number)
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(v.String())
	return n, err == nil
}

// paramsText renders params for failure messages.
func paramsText(call *Call) string {
	b, _ := json.Marshal(call.Params)
	return string(b)
}
