package mcpserver_test

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestDefaults checks the defaults a replica adds when the caller gives none, with
// "processed" configured: it is clamped to confirmed where nodes refuse processed;
// account data defaults to base64; getBlock and getTransaction get the configured
// maxSupportedTransactionVersion; whatever the caller gives is forwarded unchanged.
func TestDefaults(t *testing.T) {
	e := newEnv(t, envOptions{commitment: "processed"})
	cases := []struct {
		name, tool, args, wantParams string
	}{
		{"plain read keeps processed", "getBalance", `{"pubkey":"$PK"}`,
			`["$PK",{"commitment":"processed"}]`},
		{"getBlock is clamped and versioned", "getBlock", `{"slot":1}`,
			`[1,{"commitment":"confirmed","maxSupportedTransactionVersion":1}]`},
		{"getTransaction is clamped and versioned", "getTransaction", `{"signature":"$SIG"}`,
			`["$SIG",{"commitment":"confirmed","maxSupportedTransactionVersion":1}]`},
		{"caller's version 0 is forwarded", "getTransaction",
			`{"signature":"$SIG","maxSupportedTransactionVersion":0}`,
			`["$SIG",{"commitment":"confirmed","maxSupportedTransactionVersion":0}]`},
		{"caller's version 1 is forwarded", "getBlock",
			`{"slot":1,"maxSupportedTransactionVersion":"1","commitment":"finalized"}`,
			`[1,{"commitment":"finalized","maxSupportedTransactionVersion":1}]`},
		{"getSignaturesForAddress is clamped", "getSignaturesForAddress", `{"address":"$PK"}`,
			`["$PK",{"commitment":"confirmed"}]`},
		{"getBlocks is clamped", "getBlocks", `{"startSlot":1}`,
			`[1,null,{"commitment":"confirmed"}]`},
		{"getBlocksWithLimit is clamped", "getBlocksWithLimit", `{"startSlot":1,"limit":2}`,
			`[1,2,{"commitment":"confirmed"}]`},
		{"getInflationReward is clamped", "getInflationReward", `{"addresses":["$PK"]}`,
			`[["$PK"],{"commitment":"confirmed"}]`},
		{"caller's commitment wins", "getBalance", `{"pubkey":"$PK","commitment":"finalized"}`,
			`["$PK",{"commitment":"finalized"}]`},
		{"account data is base64", "getAccountInfo", `{"pubkey":"$PK"}`,
			`["$PK",{"commitment":"processed","encoding":"base64"}]`},
		{"caller's encoding is kept", "getAccountInfo", `{"pubkey":"$PK","encoding":"base58"}`,
			`["$PK",{"commitment":"processed","encoding":"base58"}]`},
		{"program accounts are base64", "getProgramAccounts", `{"programId":"$PK"}`,
			`["$PK",{"commitment":"processed","encoding":"base64"}]`},
		{"token accounts are base64", "getTokenAccountsByOwner",
			`{"owner":"$PK","programId":"$TOKEN"}`,
			`["$PK",{"programId":"$TOKEN"},{"commitment":"processed","encoding":"base64"}]`},
		{"preflight commitment", "sendTransaction", `{"transaction":"AQAB","encoding":"base64"}`,
			`["AQAB",{"encoding":"base64","preflightCommitment":"processed"}]`},
		{"simulation commitment", "simulateTransaction", `{"transaction":"AQAB"}`,
			`["AQAB",{"commitment":"processed"}]`},
		{"no config, no commitment", "getBlockTime", `{"slot":1}`, `[1]`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e.mainnet.SetResult(tc.tool, []byte(`{"ok":true}`))
			e.reset()
			args := expand(tc.args, nil)
			res := e.call(t, tc.tool, args)
			if res.IsError {
				t.Fatalf("%s(%s) = tool error %q", tc.tool, args, text(t, res))
			}
			checkForwarded(t, e, tc.tool, args, expand(tc.wantParams, nil))
		})
	}
}

// TestNetworkRouting checks that the network argument picks the upstream, is not
// forwarded, and is checked against the configured networks.
func TestNetworkRouting(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.mainnet.SetResult("getSlot", []byte(`111`))
	e.devnet.SetResult("getSlot", []byte(`222`))
	cases := []struct {
		name, args          string
		wantText            string
		wantMain, wantDev   int
		wantError, wantPath string
	}{
		{name: "default network", args: `{}`, wantText: "111", wantMain: 1},
		{name: "null is the default", args: `{"network":null}`, wantText: "111", wantMain: 1},
		{name: "mainnet", args: `{"network":"mainnet"}`, wantText: "111", wantMain: 1},
		{name: "devnet", args: `{"network":"devnet","commitment":"finalized"}`,
			wantText: "222", wantDev: 1},
		{name: "unknown network", args: `{"network":"testnet"}`, wantError: "testnet",
			wantPath: "network"},
		{name: "network must be a string", args: `{"network":1}`, wantError: "got a number",
			wantPath: "network"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e.reset()
			res := e.call(t, "getSlot", tc.args)
			got := text(t, res)
			if tc.wantError != "" {
				if !res.IsError || !strings.Contains(got, `invalid argument "`+tc.wantPath+`"`) ||
					!strings.Contains(got, tc.wantError) {
					t.Fatalf("getSlot(%s) = %q (isError %v), want an error naming %s", tc.args,
						got, res.IsError, tc.wantPath)
				}
			} else if res.IsError || got != tc.wantText {
				t.Fatalf("getSlot(%s) = %q (isError %v), want %s", tc.args, got, res.IsError,
					tc.wantText)
			}
			if m, d := len(e.mainnet.Requests()), len(e.devnet.Requests()); m != tc.wantMain ||
				d != tc.wantDev {
				t.Fatalf("getSlot(%s): mainnet got %d requests, devnet %d; want %d and %d",
					tc.args, m, d, tc.wantMain, tc.wantDev)
			}
			for _, r := range append(e.mainnet.Requests(), e.devnet.Requests()...) {
				if strings.Contains(string(r.Params), "network") {
					t.Errorf("getSlot(%s) forwarded the network argument: %s", tc.args, r.Params)
				}
			}
		})
	}
}

// TestResultTooLarge checks that a result over the configured limit is an error that
// says how large it was and which arguments make it smaller, not a cut result.
func TestResultTooLarge(t *testing.T) {
	const limit = 64
	e := newEnv(t, envOptions{maxResultBytes: limit})
	fx := fixtures(t)
	sizeRE := regexp.MustCompile(`result too large: (\d+) bytes, over the limit of (\d+) bytes`)
	cases := []struct {
		tool, fixture, args string
		wantHint            string
	}{
		{"getProgramAccounts", "getProgramAccounts", `{"programId":"$PK"}`,
			"narrow the request with filters, dataSlice, encoding"},
		{"getBlock", "getBlock", `{"slot":378967388}`,
			"narrow the request with transactionDetails, rewards, encoding"},
		{"getMultipleAccounts", "getMultipleAccounts", `{"pubkeys":["$PK"]}`,
			"narrow the request with pubkeys, dataSlice, encoding"},
		{"getVersion", "getVersion", `{}`, "SOLANA_MCP_MAX_RESULT_BYTES"},
	}
	for _, tc := range cases {
		t.Run(tc.tool, func(t *testing.T) {
			f := fx[tc.fixture]
			e.mainnet.SetFixture(f)
			res := e.call(t, tc.tool, expand(tc.args, nil))
			got := text(t, res)
			if !res.IsError {
				t.Fatalf("%s = %.200s, want a tool error", tc.tool, got)
			}
			m := sizeRE.FindStringSubmatch(got)
			if m == nil {
				t.Fatalf("%s error = %q, want it to say the size and the limit", tc.tool, got)
			}
			size, _ := strconv.Atoi(m[1])
			if size <= limit || m[2] != strconv.Itoa(limit) {
				t.Errorf("%s error = %q, want a size over %d and the limit %d", tc.tool, got,
					limit, limit)
			}
			if size < len(f.Result()) {
				t.Errorf("%s error says %d bytes, but the result alone is %d", tc.tool, size,
					len(f.Result()))
			}
			if !strings.Contains(got, tc.wantHint) {
				t.Errorf("%s error = %q, want it to contain %q", tc.tool, got, tc.wantHint)
			}
		})
	}
}

// TestUnsupportedVersionHint checks that a node's -32015 keeps its code and message and
// tells the caller which argument to raise.
func TestUnsupportedVersionHint(t *testing.T) {
	e := newEnv(t, envOptions{})
	const msg = "Transaction version (2) is not supported by the requesting client. " +
		"Please try the request again with the following configuration parameter: " +
		`\"maxSupportedTransactionVersion\": 2`
	for _, tool := range []string{"getBlock", "getTransaction"} {
		t.Run(tool, func(t *testing.T) {
			e.mainnet.SetResponse(tool, 200, []byte(
				`{"jsonrpc":"2.0","error":{"code":-32015,"message":"`+msg+`"},"id":1}`))
			args := map[string]string{"getBlock": `{"slot":1}`,
				"getTransaction": `{"signature":"` + sig + `"}`}[tool]
			res := e.call(t, tool, args)
			got := text(t, res)
			if !res.IsError || !strings.HasPrefix(got, "RPC error -32015: Transaction version (2)") {
				t.Fatalf("%s = %q (isError %v), want the node's -32015", tool, got, res.IsError)
			}
			if !strings.Contains(got, "raise the maxSupportedTransactionVersion argument") {
				t.Errorf("%s = %q, want a hint naming maxSupportedTransactionVersion", tool, got)
			}
		})
	}
}
