package tools

import (
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"testing"
)

// testOptions are the server settings most tests use: the default commitment is
// processed so that the clamp to confirmed shows.
var testOptions = Options{Commitment: "processed", MaxTxVersion: "1",
	Networks: []string{"mainnet", "devnet"}}

// wantMethods are the methods of issue 3: the current Solana HTTP API.
var wantMethods = []string{
	"getAccountInfo", "getBalance", "getBlock", "getBlockCommitment", "getBlockHeight",
	"getBlockProduction", "getBlocks", "getBlocksWithLimit", "getBlockTime",
	"getClusterNodes", "getEpochInfo", "getEpochSchedule", "getFeeForMessage",
	"getFirstAvailableBlock", "getGenesisHash", "getHealth", "getHighestSnapshotSlot",
	"getIdentity", "getInflationGovernor", "getInflationRate", "getInflationReward",
	"getLargestAccounts", "getLatestBlockhash", "getLeaderSchedule", "getMaxRetransmitSlot",
	"getMaxShredInsertSlot", "getMinimumBalanceForRentExemption", "getMultipleAccounts",
	"getProgramAccounts", "getRecentPerformanceSamples", "getRecentPrioritizationFees",
	"getSignaturesForAddress", "getSignatureStatuses", "getSlot", "getSlotLeader",
	"getSlotLeaders", "getStakeMinimumDelegation", "getSupply", "getTokenAccountBalance",
	"getTokenAccountsByDelegate", "getTokenAccountsByOwner", "getTokenLargestAccounts",
	"getTokenSupply", "getTransaction", "getTransactionCount", "getVersion",
	"getVoteAccounts", "isBlockhashValid", "minimumLedgerSlot", "simulateTransaction",
	"sendTransaction", "requestAirdrop",
}

// method returns the catalog method called name.
func method(t testing.TB, name string) *Method {
	t.Helper()
	for _, m := range Catalog() {
		if m.Name == name {
			return m
		}
	}
	t.Fatalf("no method %s in the catalog", name)
	return nil
}

// TestCatalogIsTheCurrentAPI checks the method list: every current HTTP method once,
// and none that nodes removed.
func TestCatalogIsTheCurrentAPI(t *testing.T) {
	var got []string
	for _, m := range Catalog() {
		got = append(got, m.Name)
	}
	sort.Strings(got)
	want := slices.Clone(wantMethods)
	sort.Strings(want)
	if !slices.Equal(got, want) {
		t.Fatalf("Catalog() = %v\nwant %v", got, want)
	}
	for _, removed := range []string{"getConfirmedBlock", "getConfirmedBlocks",
		"getConfirmedBlocksWithLimit", "getConfirmedSignaturesForAddress2",
		"getConfirmedTransaction", "getFeeCalculatorForBlockhash", "getFeeRateGovernor",
		"getFees", "getRecentBlockhash", "getSnapshotSlot", "getStakeActivation"} {
		if slices.Contains(got, removed) {
			t.Errorf("Catalog() offers %s, which current nodes removed", removed)
		}
	}
}

// TestCatalogIsConsistent checks each method's declarations against each other, so a
// typo in a name cannot silently disable a default or a hint.
func TestCatalogIsConsistent(t *testing.T) {
	groups := []string{"accounts", "blocks", "transactions", "tokens", "network"}
	for _, m := range Catalog() {
		t.Run(m.Name, func(t *testing.T) {
			if !slices.Contains(groups, m.Group) {
				t.Errorf("Group = %q, want one of %v", m.Group, groups)
			}
			wantWrite := m.Name == "sendTransaction" || m.Name == "requestAirdrop"
			if m.Write != wantWrite {
				t.Errorf("Write = %v, want %v", m.Write, wantWrite)
			}
			if m.Doc == "" || len(m.Doc) > 160 {
				t.Errorf("Doc has %d characters, want 1 to 160 (agents pay per word)", len(m.Doc))
			}
			all := m.fields()
			for _, f := range all {
				if f.Doc == "" || len(f.Doc) > 100 {
					t.Errorf("argument %s: Doc has %d characters, want 1 to 100",
						f.Name, len(f.Doc))
				}
			}
			for _, n := range m.Narrow {
				if !hasField(all, n) {
					t.Errorf("Narrow names %s, which is not an argument", n)
				}
			}
			if cf := m.CommitmentField; cf != "" && !hasField(m.Config, cf) {
				t.Errorf("CommitmentField %s is not a config member", cf)
			}
			for name := range m.ConfigDefaults {
				if !hasField(m.Config, name) {
					t.Errorf("ConfigDefaults sets %s, which is not a config member", name)
				}
			}
			if m.TxVersion && !hasField(m.Config, "maxSupportedTransactionVersion") {
				t.Error("TxVersion without a maxSupportedTransactionVersion member")
			}
			if m.ConfirmedOnly {
				for _, f := range m.Config {
					if f.Name == "commitment" && slices.Contains(f.Type.(Enum), "processed") {
						t.Error("ConfirmedOnly, but commitment allows processed")
					}
				}
			}

			var schema map[string]any
			if err := json.Unmarshal(m.InputSchema(testOptions.Networks), &schema); err != nil {
				t.Fatalf("InputSchema is not JSON: %v", err)
			}
			if schema["type"] != "object" || schema["additionalProperties"] != false {
				t.Errorf("InputSchema = %v, want a closed object", schema)
			}
			props, _ := schema["properties"].(map[string]any)
			if len(props) != len(all)+1 || props["network"] == nil {
				t.Errorf("InputSchema has %d properties, want %d arguments and network",
					len(props), len(all))
			}
		})
	}
}

// TestPrepare checks how arguments become params: positional order, nulls for skipped
// optional params, the config object last, and the server's defaults.
func TestPrepare(t *testing.T) {
	cases := []struct {
		name, method, args string
		opts               *Options // nil: testOptions
		// wantParams is the forwarded params array; "none" means no params at all.
		wantParams  string
		wantNetwork string
		// wantErr, when set, is a substring of the expected error.
		wantErr string
	}{
		{name: "no arguments, no params", method: "getHealth", args: ``, wantParams: "none"},
		{name: "null arguments", method: "getVersion", args: `null`, wantParams: "none"},
		{name: "arguments must be an object", method: "getVersion", args: `[]`,
			wantErr: "arguments must be a JSON object, got an array"},
		{name: "unknown argument lists the known ones", method: "getBalance",
			args:    `{"pubkey":"` + testPubkey + `","comitment":"finalized"}`,
			wantErr: `invalid argument "comitment": unknown argument; getBalance takes commitment, minContextSlot, pubkey (and network)`},
		{name: "no arguments known", method: "getHealth", args: `{"verbose":true}`,
			wantErr: "getHealth takes no arguments besides network"},
		{name: "required argument", method: "getBalance", args: `{}`,
			wantErr: `invalid argument "pubkey": is required`},
		{name: "null is absent", method: "getBalance",
			args:    `{"pubkey":null}`,
			wantErr: `invalid argument "pubkey": is required`},
		{name: "default network", method: "getSlot", args: `{"commitment":"finalized"}`,
			wantParams: `[{"commitment":"finalized"}]`, wantNetwork: "mainnet"},
		{name: "chosen network", method: "getSlot", args: `{"network":"devnet"}`,
			wantParams: `[{"commitment":"processed"}]`, wantNetwork: "devnet"},
		{name: "unknown network", method: "getSlot", args: `{"network":"testnet"}`,
			wantErr: `invalid argument "network": expected one of mainnet, devnet, got "testnet"`},
		{name: "commitment default", method: "getBalance",
			args:       `{"pubkey":"` + testPubkey + `"}`,
			wantParams: `["` + testPubkey + `",{"commitment":"processed"}]`},
		{name: "no commitment configured", method: "getBalance",
			args: `{"pubkey":"` + testPubkey + `"}`, opts: &Options{Networks: []string{"m"}},
			wantParams: `["` + testPubkey + `"]`},
		{name: "processed is clamped for getBlock", method: "getBlock", args: `{"slot":1}`,
			wantParams: `[1,{"commitment":"confirmed","maxSupportedTransactionVersion":1}]`},
		{name: "caller's version is kept", method: "getTransaction",
			args: `{"signature":"` + testSignature + `","maxSupportedTransactionVersion":0}`,
			wantParams: `["` + testSignature + `",` +
				`{"commitment":"confirmed","maxSupportedTransactionVersion":0}]`},
		{name: "processed is clamped for getInflationReward", method: "getInflationReward",
			args:       `{"addresses":["` + testPubkey + `"]}`,
			wantParams: `[["` + testPubkey + `"],{"commitment":"confirmed"}]`},
		{name: "processed refused from the caller", method: "getSignaturesForAddress",
			args:    `{"address":"` + testPubkey + `","commitment":"processed"}`,
			wantErr: `invalid argument "commitment": expected one of confirmed, finalized`},
		{name: "base64 is the default encoding", method: "getAccountInfo",
			args:       `{"pubkey":"` + testPubkey + `","commitment":"finalized"}`,
			wantParams: `["` + testPubkey + `",{"commitment":"finalized","encoding":"base64"}]`},
		{name: "caller's encoding is kept", method: "getMultipleAccounts",
			args: `{"pubkeys":["` + testPubkey + `"],"encoding":"jsonParsed"}`,
			wantParams: `[["` + testPubkey + `"],` +
				`{"commitment":"processed","encoding":"jsonParsed"}]`},
		{name: "skipped optional param becomes null", method: "getLeaderSchedule",
			args:       `{"identity":"` + testPubkey + `"}`,
			wantParams: `[null,{"commitment":"processed","identity":"` + testPubkey + `"}]`},
		{name: "getBlocks without end slot", method: "getBlocks",
			args:       `{"startSlot":5,"minContextSlot":7}`,
			wantParams: `[5,null,{"commitment":"confirmed","minContextSlot":7}]`},
		{name: "getBlocks with end slot", method: "getBlocks",
			args: `{"startSlot":5,"endSlot":500005}`, wantParams: `[5,500005,{"commitment":"confirmed"}]`},
		{name: "getBlocks range too long", method: "getBlocks",
			args:    `{"startSlot":5,"endSlot":500006}`,
			wantErr: `invalid argument "endSlot": is 500001 slots after startSlot; the node allows at most 500000`},
		{name: "getBlocks end before start", method: "getBlocks",
			args:    `{"startSlot":5,"endSlot":4}`,
			wantErr: `invalid argument "endSlot": must not be below startSlot (5)`},
		{name: "token accounts by mint", method: "getTokenAccountsByOwner",
			args: `{"owner":"` + testPubkey + `","mint":"` + testPubkey2 + `"}`,
			wantParams: `["` + testPubkey + `",{"mint":"` + testPubkey2 + `"},` +
				`{"commitment":"processed","encoding":"base64"}]`},
		{name: "token accounts need mint or programId", method: "getTokenAccountsByDelegate",
			args:    `{"delegate":"` + testPubkey + `"}`,
			wantErr: `invalid argument "mint": give exactly one of mint and programId`},
		{name: "block production range may exceed 500000 slots", method: "getBlockProduction",
			args:       `{"range":{"firstSlot":0,"lastSlot":900000}}`,
			wantParams: `[{"commitment":"processed","range":{"firstSlot":0,"lastSlot":900000}}]`},
		{name: "rent exemption up to 10 MiB", method: "getMinimumBalanceForRentExemption",
			args: `{"dataLength":10485760}`, wantParams: `[10485760,{"commitment":"processed"}]`},
		{name: "rent exemption over 10 MiB", method: "getMinimumBalanceForRentExemption",
			args: `{"dataLength":10485761}`, wantErr: `"dataLength": expected a whole number from 0 to 10485760`},
		{name: "sortResults is forwarded", method: "getProgramAccounts",
			args: `{"programId":"` + testPubkey + `","sortResults":false,"withContext":true}`,
			wantParams: `["` + testPubkey + `",{"commitment":"processed","encoding":"base64",` +
				`"withContext":true,"sortResults":false}]`},
		{name: "simulated accounts cannot be base58", method: "simulateTransaction",
			args:    `{"transaction":"AQAB","accounts":{"addresses":[],"encoding":"base58"}}`,
			wantErr: `invalid argument "accounts.encoding"`},
		{name: "stake minimum delegation takes minContextSlot", method: "getStakeMinimumDelegation",
			args:       `{"minContextSlot":18446744073709551615}`,
			wantParams: `[{"commitment":"processed","minContextSlot":18446744073709551615}]`},
		{name: "preflight commitment default", method: "sendTransaction",
			args: `{"transaction":"AQAB","encoding":"base64","maxRetries":"0"}`,
			wantParams: `["AQAB",{"encoding":"base64","preflightCommitment":"processed",` +
				`"maxRetries":0}]`},
		{name: "base64 transaction size", method: "sendTransaction",
			args:    `{"transaction":"` + strings.Repeat("A", 1645) + `","encoding":"base64"}`,
			wantErr: `invalid argument "transaction": is 1645 characters; a base64 transaction is at most 1644`},
		{name: "transaction must be base58 by default", method: "simulateTransaction",
			args:    `{"transaction":"AQAB+w=="}`,
			wantErr: `invalid argument "transaction": is not valid base58: '+' is not a base58 character (see the encoding argument)`},
		{name: "transaction must be valid base64", method: "sendTransaction",
			args:    `{"transaction":"AQA","encoding":"base64"}`,
			wantErr: `invalid argument "transaction": is not valid base64`},
		{name: "transaction over the packet size", method: "sendTransaction",
			args:    `{"transaction":"` + strings.Repeat("A", 1644) + `","encoding":"base64"}`,
			wantErr: `"transaction": decodes to 1233 bytes; a transaction is at most 1232`},
		{name: "message must be base64", method: "getFeeForMessage",
			args:    `{"message":"not base64!"}`,
			wantErr: `invalid argument "message": is not valid base64 (illegal base64 data at input byte 3)`},
		{name: "memcmp bytes must decode", method: "getProgramAccounts",
			args: `{"programId":"` + testPubkey + `","filters":[{"memcmp":{"offset":0,` +
				`"bytes":"3Mc6vR0"}}]}`,
			wantErr: `invalid argument "filters[0].memcmp.bytes": is not valid base58: '0'`},
		{name: "memcmp base64 bytes length", method: "getProgramAccounts",
			args: `{"programId":"` + testPubkey + `","filters":[{"memcmp":{"offset":0,` +
				`"bytes":"` + strings.Repeat("A", 173) + `","encoding":"base64"}}]}`,
			wantErr: `"filters[0].memcmp.bytes": is 173 characters; base64 bytes are at most 172`},
		{name: "memcmp bytes at most 128", method: "getProgramAccounts",
			args: `{"programId":"` + testPubkey + `","filters":[{"memcmp":{"offset":0,` +
				`"bytes":"` + strings.Repeat("A", 172) + `","encoding":"base64"}}]}`,
			wantErr: `"filters[0].memcmp.bytes": decodes to 129 bytes; at most 128 can be compared`},
		{name: "memcmp of 128 bytes", method: "getProgramAccounts",
			args: `{"programId":"` + testPubkey + `","filters":[{"memcmp":{"offset":0,` +
				`"bytes":"` + strings.Repeat("A", 168) + `AA==","encoding":"base64"}}]}`,
			wantParams: `["` + testPubkey + `",{"commitment":"processed","encoding":"base64",` +
				`"filters":[{"memcmp":{"offset":0,"bytes":"` + strings.Repeat("A", 168) +
				`AA==","encoding":"base64"}}]}]`},
		{name: "sigVerify with replaceRecentBlockhash", method: "simulateTransaction",
			args:    `{"transaction":"AQAB","sigVerify":true,"replaceRecentBlockhash":true}`,
			wantErr: `invalid argument "replaceRecentBlockhash": cannot be true together with sigVerify`},
		{name: "dataSlice with jsonParsed", method: "getTokenAccountsByOwner",
			args: `{"owner":"` + testPubkey + `","programId":"` + testPubkey2 + `",` +
				`"encoding":"jsonParsed","dataSlice":{"offset":0,"length":8}}`,
			wantErr: `invalid argument "dataSlice": cannot be used with encoding jsonParsed`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			opts := testOptions
			if tc.opts != nil {
				opts = *tc.opts
			}
			call, err := method(t, tc.method).Prepare(json.RawMessage(tc.args), opts)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("%s(%s) error = %v, want %q", tc.method, tc.args, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("%s(%s) error = %v", tc.method, tc.args, err)
			}
			got := "none"
			if call.Params != nil {
				b, _ := json.Marshal(call.Params)
				got = string(b)
			}
			if got != tc.wantParams {
				t.Errorf("%s(%s) params = %s, want %s", tc.method, tc.args, got, tc.wantParams)
			}
			if tc.wantNetwork != "" && call.Network != tc.wantNetwork {
				t.Errorf("%s(%s) network = %s, want %s", tc.method, tc.args, call.Network,
					tc.wantNetwork)
			}
		})
	}
}

// TestSeedsArePrepared checks every hand-written seed of the fuzz test: each is valid,
// and what Prepare builds from it passes the fuzz test's independent checks.
func TestSeedsArePrepared(t *testing.T) {
	for _, m := range Catalog() {
		seed, ok := seedArgs[m.Name]
		if !ok {
			t.Errorf("no seed arguments for %s", m.Name)
			continue
		}
		for _, opts := range fuzzOptions {
			call, err := m.Prepare(json.RawMessage(seed), opts)
			if err != nil {
				t.Errorf("%s(%s) error = %v, want a call", m.Name, seed, err)
				continue
			}
			if err := recheck(m, call, opts); err != nil {
				t.Errorf("%s(%s) params %s: %v", m.Name, seed, paramsText(call), err)
			}
		}
	}
}
