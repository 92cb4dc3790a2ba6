package mcpserver_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"

	"github.com/solana-mcp/solana-mcp-server/pkg/rpcfake"
)

// validCall is one accepted call and the params the node must receive for it.
type validCall struct {
	args string
	// wantParams is the params array; empty means no params member at all.
	wantParams string
}

// badInput is an input the server must refuse before any upstream call.
type badInput struct {
	name, args string
	// wantArg is the argument path the error must name; wantText more of the error.
	wantArg, wantText string
}

// toolCase is everything one tool is tested with.
type toolCase struct {
	tool string
	// fixture answers the calls; without one, result does (a small, realistic value).
	fixture, result string
	calls           []validCall
	bad             []badInput
	// errFixture is the JSON-RPC error the node answers with in the error check;
	// default error_invalid_param_invalid.
	errFixture string
}

// Placeholders in the table, expanded by [expand].
const (
	pk      = "vines1vzrYbzLMRdu58ou5XTby4qAqVRLmqo36NKPTg"
	pk2     = "4fYNw3dojWmQ4dXtSGE9epjRGy9pFSx62YypT7avPYvA"
	sig     = "5h6xBEauJ3PK6SWCZ1PGjBvj8vDdWG3KpwATGy1ARAXFSDwt8GFXM7W5Ncn16wmqokgpiKRLuS83KUxyZyv2sUYv"
	sig2    = "4ReKprwf3WdLHRrzp4ctPWNBsQDPL3VZz3zMmoZfcGJMJCHh5Vq937mPdyxhCbw54wNnA6hZ7KfNpQdpt13yY7A9"
	hash    = "EkSnNWid2cvwEVnVx9aBqawnmiCNiDgp3gUdkDPTKN1N"
	token   = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA"
	short   = "vines1vzrYbzLMRdu58ou5XTby4qAqVRLmqo36NK" // 40 characters: 30 bytes
	feeMsg  = "AQABAgIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEBAQAA"
	u64Max  = "18446744073709551615"
	u64Over = "18446744073709551616"
)

// toolCases covers every tool: the valid calls show the defaults at work (commitment
// "confirmed", base64 account data, maxSupportedTransactionVersion 1, all added only
// where the caller gave none), and the bad inputs every kind of check the tool has.
var toolCases = []toolCase{
	{tool: "getAccountInfo", fixture: "getAccountInfo_base58",
		errFixture: "error_invalid_param_wrongsize",
		calls: []validCall{
			{`{"pubkey":"$PK","commitment":"finalized","encoding":"base58"}`,
				`["$PK",{"commitment":"finalized","encoding":"base58"}]`},
			{`{"pubkey":"$PK","dataSlice":{"offset":0,"length":64},"minContextSlot":"` + u64Max + `"}`,
				`["$PK",{"commitment":"confirmed","encoding":"base64",` +
					`"dataSlice":{"offset":0,"length":64},"minContextSlot":` + u64Max + `}]`},
		},
		bad: []badInput{
			{"bad pubkey character", `{"pubkey":"iamnotarealaccount"}`, "pubkey", `'l'`},
			{"short pubkey", `{"pubkey":"$SHORT"}`, "pubkey", "decodes to 30 bytes"},
			{"missing pubkey", `{"encoding":"base64"}`, "pubkey", "is required"},
			{"unknown argument", `{"pubkey":"$PK","encodng":"base64"}`, "encodng",
				"unknown argument"},
			{"bad encoding", `{"pubkey":"$PK","encoding":"hex"}`, "encoding",
				`expected one of base58, base64, base64+zstd, jsonParsed, got "hex"`},
			{"dataSlice with jsonParsed", `{"pubkey":"$PK","encoding":"jsonParsed",` +
				`"dataSlice":{"offset":0,"length":1}}`, "dataSlice", "jsonParsed"},
			{"negative slice offset", `{"pubkey":"$PK","dataSlice":{"offset":-1,"length":1}}`,
				"dataSlice.offset", "negative"},
			{"fractional minContextSlot", `{"pubkey":"$PK","minContextSlot":1.5}`,
				"minContextSlot", "fraction 1.5"},
			{"minContextSlot over u64", `{"pubkey":"$PK","minContextSlot":` + u64Over + `}`,
				"minContextSlot", "got " + u64Over},
		}},
	{tool: "getBalance", fixture: "getBalance", errFixture: "error_min_context_slot_not_reached",
		calls: []validCall{
			{`{"pubkey":"83astBRguLMdt2h5U1Tpdq5tjFoJ6noeGwaY3mDLVcri","commitment":"finalized"}`,
				`["83astBRguLMdt2h5U1Tpdq5tjFoJ6noeGwaY3mDLVcri",{"commitment":"finalized"}]`},
			{`{"pubkey":"$PK","minContextSlot":9007199254740993}`,
				`["$PK",{"commitment":"confirmed","minContextSlot":9007199254740993}]`},
		},
		bad: []badInput{
			{"signature as pubkey", `{"pubkey":"$SIG"}`, "pubkey", "at most 44"},
			{"number as pubkey", `{"pubkey":12}`, "pubkey", "expected a string, got a number"},
			{"negative minContextSlot", `{"pubkey":"$PK","minContextSlot":-1}`,
				"minContextSlot", "negative"},
			{"deprecated commitment", `{"pubkey":"$PK","commitment":"max"}`, "commitment",
				`got "max"`},
		}},
	{tool: "getBlock", fixture: "getBlock",
		calls: []validCall{
			{`{"slot":378967388,"commitment":"finalized","encoding":"json",` +
				`"transactionDetails":"full","maxSupportedTransactionVersion":0,"rewards":false}`,
				`[378967388,{"commitment":"finalized","encoding":"json","transactionDetails":"full",` +
					`"maxSupportedTransactionVersion":0,"rewards":false}]`},
			{`{"slot":"1"}`, `[1,{"commitment":"confirmed","maxSupportedTransactionVersion":1}]`},
		},
		bad: []badInput{
			{"slot as words", `{"slot":"one"}`, "slot", `got "one"`},
			{"slot as hex", `{"slot":"0x10"}`, "slot", `got "0x10"`},
			{"bad transactionDetails", `{"slot":1,"transactionDetails":"most"}`,
				"transactionDetails", "full, accounts, signatures, none"},
			{"version too high", `{"slot":1,"maxSupportedTransactionVersion":128}`,
				"maxSupportedTransactionVersion", "from 0 to 127"},
			{"processed commitment", `{"slot":1,"commitment":"processed"}`, "commitment",
				"expected one of confirmed, finalized"},
			{"rewards as string", `{"slot":1,"rewards":"no"}`, "rewards", "true or false"},
		}},
	{tool: "getBlockCommitment", result: `{"commitment":null,"totalStake":42}`,
		calls: []validCall{{`{"slot":5}`, `[5]`}},
		bad: []badInput{
			{"negative slot", `{"slot":-5}`, "slot", "negative"},
			{"no config", `{"slot":5,"commitment":"finalized"}`, "commitment",
				"getBlockCommitment takes slot (and network)"},
		}},
	{tool: "getBlockHeight", fixture: "getBlockHeight",
		calls: []validCall{
			{`{"commitment":"finalized"}`, `[{"commitment":"finalized"}]`},
			{`{}`, `[{"commitment":"confirmed"}]`},
		},
		bad: []badInput{{"old commitment", `{"commitment":"recent"}`, "commitment", "recent"}}},
	{tool: "getBlockProduction",
		result: `{"context":{"slot":9887},"value":{"byIdentity":{"85iYT5RuzRTDgjyRa3cP8SYhM2j21fj7NhfJ3peu1DPr":[9888,9886]},"range":{"firstSlot":0,"lastSlot":9887}}}`,
		calls: []validCall{
			{`{"identity":"$PK","range":{"firstSlot":0,"lastSlot":9887}}`,
				`[{"commitment":"confirmed","identity":"$PK","range":{"firstSlot":0,"lastSlot":9887}}]`},
			{`{"range":{"firstSlot":100}}`, `[{"commitment":"confirmed","range":{"firstSlot":100}}]`},
		},
		bad: []badInput{
			{"last before first", `{"range":{"firstSlot":10,"lastSlot":9}}`, "range.lastSlot",
				"must not be below firstSlot (10)"},
			{"range without first", `{"range":{"lastSlot":9}}`, "range.firstSlot", "is required"},
			{"bad identity", `{"identity":"0"}`, "identity", "'0'"},
		}},
	{tool: "getBlocks", result: `[5,6,7,8,9,10]`,
		calls: []validCall{
			{`{"startSlot":5,"endSlot":10}`, `[5,10,{"commitment":"confirmed"}]`},
			{`{"startSlot":5,"commitment":"finalized","minContextSlot":6}`,
				`[5,null,{"commitment":"finalized","minContextSlot":6}]`},
		},
		bad: []badInput{
			{"end before start", `{"startSlot":10,"endSlot":9}`, "endSlot",
				"must not be below startSlot (10)"},
			{"range over 500000", `{"startSlot":0,"endSlot":500001}`, "endSlot",
				"at most 500000"},
			{"fractional start", `{"startSlot":1.5}`, "startSlot", "fraction"},
			{"processed commitment", `{"startSlot":1,"commitment":"processed"}`, "commitment",
				"confirmed, finalized"},
		}},
	{tool: "getBlocksWithLimit", result: `[5,6,7]`,
		calls: []validCall{{`{"startSlot":5,"limit":3}`, `[5,3,{"commitment":"confirmed"}]`}},
		bad: []badInput{
			{"limit over 500000", `{"startSlot":5,"limit":500001}`, "limit", "from 0 to 500000"},
			{"limit in exponent form over the limit", `{"startSlot":5,"limit":1e6}`, "limit",
				"got 1e6"},
			{"missing limit", `{"startSlot":5}`, "limit", "is required"},
		}},
	{tool: "getBlockTime", result: `1574721591`,
		calls: []validCall{{`{"slot":5}`, `[5]`}},
		bad:   []badInput{{"fractional slot", `{"slot":5.5}`, "slot", "fraction 5.5"}}},
	{tool: "getClusterNodes",
		result: `[{"featureSet":2891131721,"gossip":"10.239.6.48:8001","pubkey":"9QzsJf7LPLj8GkXbYT3LFDKqsj2hHG7TA3xinJHu8epQ","rpc":"10.239.6.48:8899","shredVersion":2405,"tpu":"10.239.6.48:8856","version":"1.0.0 c375ce1f"}]`,
		calls:  []validCall{{`{}`, ``}},
		bad: []badInput{{"takes no commitment", `{"commitment":"finalized"}`, "commitment",
			"no arguments besides network"}}},
	{tool: "getEpochInfo", fixture: "getEpochInfo",
		calls: []validCall{{`{}`, `[{"commitment":"confirmed"}]`}},
		bad: []badInput{{"minContextSlot not a number", `{"minContextSlot":"x"}`,
			"minContextSlot", `got "x"`}}},
	{tool: "getEpochSchedule",
		result: `{"firstNormalEpoch":8,"firstNormalSlot":8160,"leaderScheduleSlotOffset":8192,"slotsPerEpoch":8192,"warmup":true}`,
		calls:  []validCall{{`{}`, ``}},
		bad:    []badInput{{"unknown argument", `{"epoch":1}`, "epoch", "unknown argument"}}},
	{tool: "getFeeForMessage", fixture: "getFeeForMessage",
		calls: []validCall{
			{`{"message":"$MSG","commitment":"processed"}`, `["$MSG",{"commitment":"processed"}]`},
		},
		bad: []badInput{
			{"empty message", `{"message":""}`, "message", "non-empty"},
			{"message over the packet size", `{"message":"$B64_1645"}`, "message",
				"at most 1644 characters"},
		}},
	{tool: "getFirstAvailableBlock", result: `250000`,
		calls: []validCall{{`{}`, ``}},
		bad:   []badInput{{"unknown argument", `{"slot":1}`, "slot", "unknown argument"}}},
	{tool: "getGenesisHash", result: `"GH7ome3EiwEr7tu9JuTh2dpYWBJK3z69Xm1ZE3MEE6JC"`,
		calls: []validCall{{`{}`, ``}},
		bad:   []badInput{{"unknown argument", `{"x":null}`, "x", "unknown argument"}}},
	{tool: "getHealth", fixture: "getHealth_ok", errFixture: "getHealth_unhealthy",
		calls: []validCall{{`{}`, ``}},
		bad:   []badInput{{"unknown argument", `{"verbose":true}`, "verbose", "unknown argument"}}},
	{tool: "getHighestSnapshotSlot", result: `{"full":100,"incremental":110}`,
		calls: []validCall{{`{}`, ``}},
		bad:   []badInput{{"bad network", `{"network":"testnet"}`, "network", "mainnet, devnet"}}},
	{tool: "getIdentity", result: `{"identity":"2r1F4iWqVcb8M1DbAjQuFpebkQHY9hcVU4WuW2DJBppN"}`,
		calls: []validCall{{`{}`, ``}},
		bad:   []badInput{{"unknown argument", `{"identity":"$PK"}`, "identity", "unknown"}}},
	{tool: "getInflationGovernor",
		result: `{"foundation":0.05,"foundationTerm":7,"initial":0.15,"taper":0.15,"terminal":0.015}`,
		calls:  []validCall{{`{"commitment":"finalized"}`, `[{"commitment":"finalized"}]`}},
		bad:    []badInput{{"old commitment", `{"commitment":"root"}`, "commitment", `"root"`}}},
	{tool: "getInflationRate",
		result: `{"epoch":100,"foundation":0.001,"total":0.149,"validator":0.148}`,
		calls:  []validCall{{`{}`, ``}},
		bad:    []badInput{{"unknown argument", `{"epoch":100}`, "epoch", "unknown"}}},
	{tool: "getInflationReward", fixture: "getInflationReward",
		calls: []validCall{
			{`{"addresses":["6dmNQ5jwLeLk5REvio1JcMshcbvkYMwy26sJ8pbkvStu","BGsqMegLpV6n6Ve146sSX2dTjUMj3M92HnU8BbNRMhF2"],"epoch":800,"commitment":"finalized"}`,
				`[["6dmNQ5jwLeLk5REvio1JcMshcbvkYMwy26sJ8pbkvStu","BGsqMegLpV6n6Ve146sSX2dTjUMj3M92HnU8BbNRMhF2"],{"epoch":800,"commitment":"finalized"}]`},
			{`{"addresses":[$PKS1000]}`, `[[$PKS1000],{"commitment":"confirmed"}]`},
		},
		bad: []badInput{
			{"no addresses", `{"addresses":[]}`, "addresses", "at least 1"},
			{"too many addresses", `{"addresses":[$PKS1000,"$PK"]}`, "addresses",
				"at most 1000 items"},
			{"bad address", `{"addresses":["$PK","$SHORT"]}`, "addresses[1]", "30 bytes"},
			{"negative epoch", `{"addresses":["$PK"],"epoch":-1}`, "epoch", "negative"},
			{"processed commitment", `{"addresses":["$PK"],"commitment":"processed"}`,
				"commitment", "confirmed, finalized"},
		}},
	{tool: "getLargestAccounts",
		result: `{"context":{"slot":54},"value":[{"address":"99P8ZgtJYe1buSK8JXkvpLh8xPsCFuLYhz9hQFNw93WJ","lamports":999974}]}`,
		calls: []validCall{{`{"filter":"circulating","sortResults":false}`,
			`[{"commitment":"confirmed","filter":"circulating","sortResults":false}]`}},
		bad: []badInput{{"bad filter", `{"filter":"all"}`, "filter",
			"circulating, nonCirculating"}}},
	{tool: "getLatestBlockhash", fixture: "getLatestBlockhash",
		calls: []validCall{{`{"commitment":"processed"}`, `[{"commitment":"processed"}]`}},
		bad: []badInput{{"negative minContextSlot", `{"minContextSlot":-5}`, "minContextSlot",
			"negative"}}},
	{tool: "getLeaderSchedule",
		result: `{"4Qkev8aNZcqFNSRhQzwyLMFSsi94jHqE8WNVTJzTP99F":[0,1,2,3,4,5,6,7]}`,
		calls: []validCall{
			{`{"identity":"$PK"}`, `[null,{"commitment":"confirmed","identity":"$PK"}]`},
			{`{"slot":10,"commitment":"finalized"}`, `[10,{"commitment":"finalized"}]`},
		},
		bad: []badInput{{"bad identity", `{"identity":"$SHORT"}`, "identity", "30 bytes"}}},
	{tool: "getMaxRetransmitSlot", result: `1234`,
		calls: []validCall{{`{}`, ``}},
		bad:   []badInput{{"unknown argument", `{"commitment":"finalized"}`, "commitment", "unknown"}}},
	{tool: "getMaxShredInsertSlot", result: `1234`,
		calls: []validCall{{`{}`, ``}},
		bad:   []badInput{{"unknown argument", `{"slot":1}`, "slot", "unknown"}}},
	{tool: "getMinimumBalanceForRentExemption", fixture: "getMinimumBalanceForRentExemption",
		calls: []validCall{{`{"dataLength":50,"commitment":"processed"}`,
			`[50,{"commitment":"processed"}]`}},
		bad: []badInput{
			{"over 10 MiB", `{"dataLength":10485761}`, "dataLength", "from 0 to 10485760"},
			{"negative", `{"dataLength":-1}`, "dataLength", "negative"},
		}},
	{tool: "getMultipleAccounts", fixture: "getMultipleAccounts",
		calls: []validCall{
			{`{"pubkeys":["$PK","$PK2"],"encoding":"base58","commitment":"finalized"}`,
				`[["$PK","$PK2"],{"encoding":"base58","commitment":"finalized"}]`},
			{`{"pubkeys":[$PKS100]}`,
				`[[$PKS100],{"commitment":"confirmed","encoding":"base64"}]`},
		},
		bad: []badInput{
			{"101 pubkeys", `{"pubkeys":[$PKS100,"$PK"]}`, "pubkeys",
				"at most 100 items (the node's limit), got 101"},
			{"bad element", `{"pubkeys":["$PK","0OIl"]}`, "pubkeys[1]", "'0'"},
			{"empty list", `{"pubkeys":[]}`, "pubkeys", "at least 1"},
			{"not a list", `{"pubkeys":"$PK"}`, "pubkeys", "expected an array, got a string"},
			{"dataSlice with jsonParsed", `{"pubkeys":["$PK"],"encoding":"jsonParsed",` +
				`"dataSlice":{"offset":0,"length":1}}`, "dataSlice", "jsonParsed"},
		}},
	{tool: "getProgramAccounts", fixture: "getProgramAccounts",
		calls: []validCall{
			{`{"programId":"4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T","commitment":"finalized",` +
				`"filters":[{"dataSize":17},{"memcmp":{"offset":4,"bytes":"3Mc6vR"}}]}`,
				`["4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T",{"commitment":"finalized",` +
					`"encoding":"base64","filters":[{"dataSize":17},{"memcmp":{"offset":4,"bytes":"3Mc6vR"}}]}]`},
			{`{"programId":"$TOKEN","dataSlice":{"offset":32,"length":32},"withContext":true,` +
				`"sortResults":false,"filters":[{"memcmp":{"offset":0,"bytes":"AQID","encoding":"base64"}}]}`,
				`["$TOKEN",{"commitment":"confirmed","encoding":"base64",` +
					`"dataSlice":{"offset":32,"length":32},"withContext":true,"sortResults":false,` +
					`"filters":[{"memcmp":{"offset":0,"bytes":"AQID","encoding":"base64"}}]}]`},
		},
		bad: []badInput{
			{"five filters", `{"programId":"$PK","filters":[$FILTERS5]}`, "filters",
				"at most 4 items"},
			{"negative memcmp offset", `{"programId":"$PK","filters":[{"dataSize":1},` +
				`{"memcmp":{"offset":-1,"bytes":"3Mc6vR"}}]}`, "filters[1].memcmp.offset",
				"negative"},
			{"filter of two kinds", `{"programId":"$PK","filters":[{"dataSize":1,` +
				`"memcmp":{"offset":0,"bytes":"3Mc6vR"}}]}`, "filters[0]",
				"exactly one of dataSize, memcmp"},
			{"memcmp without bytes", `{"programId":"$PK","filters":[{"memcmp":{"offset":0}}]}`,
				"filters[0].memcmp.bytes", "is required"},
			{"dataSlice with jsonParsed", `{"programId":"$PK","encoding":"jsonParsed",` +
				`"dataSlice":{"offset":0,"length":1}}`, "dataSlice", "jsonParsed"},
			{"bad program", `{"programId":"$SIG"}`, "programId", "at most 44"},
			{"memcmp bytes not base58", `{"programId":"$PK","filters":[{"memcmp":{"offset":0,` +
				`"bytes":"AQAB+w=="}}]}`, "filters[0].memcmp.bytes", "is not valid base58"},
		}},
	{tool: "getRecentPerformanceSamples", fixture: "getRecentPerformanceSamples",
		calls: []validCall{{`{"limit":2}`, `[2]`}, {`{}`, ``}},
		bad: []badInput{
			{"limit over 720", `{"limit":721}`, "limit", "from 1 to 720"},
			{"zero limit", `{"limit":0}`, "limit", "from 1 to 720"},
		}},
	{tool: "getRecentPrioritizationFees", fixture: "getRecentPrioritizationFees",
		calls: []validCall{
			{`{"addresses":["CxELquR1gPP8wHe33gZ4QxqGB3sZ9RSwsJ2KshVewkFY"]}`,
				`[["CxELquR1gPP8wHe33gZ4QxqGB3sZ9RSwsJ2KshVewkFY"]]`},
			{`{}`, ``},
		},
		bad: []badInput{
			{"129 addresses", `{"addresses":[$PKS128,"$PK"]}`, "addresses", "at most 128"},
			{"bad address", `{"addresses":["$SIG"]}`, "addresses[0]", "at most 44"},
		}},
	{tool: "getSignaturesForAddress", fixture: "getSignaturesForAddress",
		calls: []validCall{
			{`{"address":"Vote111111111111111111111111111111111111111","commitment":"finalized","limit":1}`,
				`["Vote111111111111111111111111111111111111111",{"commitment":"finalized","limit":1}]`},
			{`{"address":"$PK","before":"$SIG","until":"$SIG2","minContextSlot":7}`,
				`["$PK",{"commitment":"confirmed","before":"$SIG","until":"$SIG2","minContextSlot":7}]`},
		},
		bad: []badInput{
			{"limit over 1000", `{"address":"$PK","limit":1001}`, "limit", "from 1 to 1000"},
			{"zero limit", `{"address":"$PK","limit":0}`, "limit", "from 1 to 1000"},
			{"short before", `{"address":"$PK","before":"$PK"}`, "before", "decodes to 32 bytes"},
			{"until not a string", `{"address":"$PK","until":1}`, "until", "expected a string"},
			{"processed commitment", `{"address":"$PK","commitment":"processed"}`, "commitment",
				"confirmed, finalized"},
		}},
	{tool: "getSignatureStatuses",
		result: `{"context":{"slot":82},"value":[{"slot":48,"confirmations":null,"err":null,"status":{"Ok":null},"confirmationStatus":"finalized"},null]}`,
		calls: []validCall{{`{"signatures":["$SIG","$SIG2"],"searchTransactionHistory":true}`,
			`[["$SIG","$SIG2"],{"searchTransactionHistory":true}]`}},
		bad: []badInput{
			{"257 signatures", `{"signatures":[$SIGS256,"$SIG"]}`, "signatures", "at most 256"},
			{"pubkey as signature", `{"signatures":["$PK"]}`, "signatures[0]",
				"decodes to 32 bytes"},
			{"search as string", `{"signatures":["$SIG"],"searchTransactionHistory":"yes"}`,
				"searchTransactionHistory", "true or false"},
		}},
	{tool: "getSlot", fixture: "getSlot",
		calls: []validCall{
			{`{"commitment":"finalized"}`, `[{"commitment":"finalized"}]`},
			{`{"network":"mainnet"}`, `[{"commitment":"confirmed"}]`},
		},
		bad: []badInput{{"bad commitment", `{"commitment":"max"}`, "commitment", `"max"`}}},
	{tool: "getSlotLeader", result: `"ENvAW7JScgYq6o4zKZwewtkzzJgDzuJAFxYasvmEQdpS"`,
		calls: []validCall{{`{"commitment":"finalized"}`, `[{"commitment":"finalized"}]`}},
		bad: []badInput{{"bad minContextSlot", `{"minContextSlot":true}`, "minContextSlot",
			"boolean"}}},
	{tool: "getSlotLeaders",
		result: `["ChorusmmK7i1AxXeiTtQgQZhQNiXYU84ULeaYF1EH15n","ChorusmmK7i1AxXeiTtQgQZhQNiXYU84ULeaYF1EH15n"]`,
		calls:  []validCall{{`{"startSlot":100,"limit":2}`, `[100,2]`}},
		bad: []badInput{
			{"limit over 5000", `{"startSlot":100,"limit":5001}`, "limit", "from 1 to 5000"},
			{"zero limit", `{"startSlot":100,"limit":0}`, "limit", "from 1 to 5000"},
			{"missing limit", `{"startSlot":100}`, "limit", "is required"},
		}},
	{tool: "getStakeMinimumDelegation", result: `{"context":{"slot":501},"value":1000000000}`,
		calls: []validCall{{`{"minContextSlot":5}`, `[{"commitment":"confirmed","minContextSlot":5}]`}},
		bad:   []badInput{{"unknown argument", `{"epoch":5}`, "epoch", "unknown"}}},
	{tool: "getSupply", fixture: "getSupply",
		calls: []validCall{
			{`{"commitment":"finalized"}`, `[{"commitment":"finalized"}]`},
			{`{"excludeNonCirculatingAccountsList":true}`,
				`[{"commitment":"confirmed","excludeNonCirculatingAccountsList":true}]`},
		},
		bad: []badInput{{"flag as string", `{"excludeNonCirculatingAccountsList":"true"}`,
			"excludeNonCirculatingAccountsList", "true or false"}}},
	{tool: "getTokenAccountBalance", fixture: "getTokenAccountBalance",
		calls: []validCall{{`{"pubkey":"7fUAJdStEuGbc3sM84cKRL6yYaaSstyLSU4ve5oovLS7","commitment":"finalized"}`,
			`["7fUAJdStEuGbc3sM84cKRL6yYaaSstyLSU4ve5oovLS7",{"commitment":"finalized"}]`}},
		bad: []badInput{{"bad pubkey", `{"pubkey":""}`, "pubkey", "empty string"}}},
	{tool: "getTokenAccountsByDelegate",
		result: `{"context":{"slot":1114},"value":[{"pubkey":"28YTZEwqtMHWrhWcvv34se7pjS7wctgqzCPB3gReCFKp","account":{"data":["AQAAAA==","base64"],"executable":false,"lamports":1726080,"owner":"TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA","rentEpoch":18446744073709551615,"space":165}}]}`,
		calls: []validCall{{`{"delegate":"$PK","mint":"$PK2"}`,
			`["$PK",{"mint":"$PK2"},{"commitment":"confirmed","encoding":"base64"}]`}},
		bad: []badInput{
			{"mint and programId", `{"delegate":"$PK","mint":"$PK2","programId":"$TOKEN"}`,
				"mint", "exactly one of mint and programId"},
			{"neither", `{"delegate":"$PK"}`, "mint", "exactly one of mint and programId"},
			{"bad delegate", `{"delegate":"$SHORT","mint":"$PK2"}`, "delegate", "30 bytes"},
		}},
	{tool: "getTokenAccountsByOwner", fixture: "getTokenAccountsByOwner",
		errFixture: "error_base58_data_too_large",
		calls: []validCall{
			{`{"owner":"A1TMhSGzQxMr1TboBKtgixKz1sS6REASMxPo1qsyTSJd","programId":"$TOKEN",` +
				`"commitment":"finalized","encoding":"jsonParsed"}`,
				`["A1TMhSGzQxMr1TboBKtgixKz1sS6REASMxPo1qsyTSJd",{"programId":"$TOKEN"},` +
					`{"commitment":"finalized","encoding":"jsonParsed"}]`},
			{`{"owner":"$PK","mint":"$PK2","dataSlice":{"offset":0,"length":64}}`,
				`["$PK",{"mint":"$PK2"},{"commitment":"confirmed","encoding":"base64",` +
					`"dataSlice":{"offset":0,"length":64}}]`},
		},
		bad: []badInput{
			{"mint and programId", `{"owner":"$PK","mint":"$PK2","programId":"$TOKEN"}`,
				"mint", "exactly one of mint and programId"},
			{"dataSlice with jsonParsed", `{"owner":"$PK","mint":"$PK2","encoding":"jsonParsed",` +
				`"dataSlice":{"offset":0,"length":1}}`, "dataSlice", "jsonParsed"},
		}},
	{tool: "getTokenLargestAccounts",
		result: `{"context":{"slot":1114},"value":[{"address":"FYjHNoFtSQ5uijKrZFyYAxvEr87hsKXkXcxkcmkBAf4r","amount":"771","decimals":2,"uiAmount":7.71,"uiAmountString":"7.71"}]}`,
		calls:  []validCall{{`{"mint":"$PK2"}`, `["$PK2",{"commitment":"confirmed"}]`}},
		bad:    []badInput{{"bad mint", `{"mint":"$SIG"}`, "mint", "at most 44"}}},
	{tool: "getTokenSupply", fixture: "getTokenSupply",
		calls: []validCall{{`{"mint":"3wyAj7Rt1TWVPZVteFJPLa26JmLvdb1CAKEFZm3NY75E","commitment":"finalized"}`,
			`["3wyAj7Rt1TWVPZVteFJPLa26JmLvdb1CAKEFZm3NY75E",{"commitment":"finalized"}]`}},
		bad: []badInput{{"missing mint", `{}`, "mint", "is required"}}},
	{tool: "getTransaction", fixture: "getTransaction_legacy",
		calls: []validCall{
			{`{"signature":"$SIG2","commitment":"confirmed","maxSupportedTransactionVersion":0,"encoding":"json"}`,
				`["$SIG2",{"commitment":"confirmed","maxSupportedTransactionVersion":0,"encoding":"json"}]`},
			{`{"signature":"$SIG2","encoding":"jsonParsed"}`,
				`["$SIG2",{"commitment":"confirmed","encoding":"jsonParsed","maxSupportedTransactionVersion":1}]`},
		},
		bad: []badInput{
			{"pubkey as signature", `{"signature":"$PK"}`, "signature", "decodes to 32 bytes"},
			{"bad encoding", `{"signature":"$SIG","encoding":"hex"}`, "encoding",
				"json, jsonParsed, base58, base64"},
			{"processed commitment", `{"signature":"$SIG","commitment":"processed"}`,
				"commitment", "confirmed, finalized"},
			{"negative version", `{"signature":"$SIG","maxSupportedTransactionVersion":-1}`,
				"maxSupportedTransactionVersion", "negative"},
		}},
	{tool: "getTransactionCount", result: `268`,
		calls: []validCall{{`{}`, `[{"commitment":"confirmed"}]`}},
		bad:   []badInput{{"bad commitment", `{"commitment":1}`, "commitment", "got a number"}}},
	{tool: "getVersion", fixture: "getVersion",
		calls: []validCall{{`{}`, ``}},
		bad:   []badInput{{"unknown argument", `{"full":true}`, "full", "unknown"}}},
	{tool: "getVoteAccounts",
		result: `{"current":[{"activatedStake":38263229364446900,"commission":0,"epochCredits":[[1,64,0],[2,192,64]],"epochVoteAccount":true,"lastVote":147,"nodePubkey":"B97CCUW3AEZFGy6uUg6zUdnNYvnVq5VG8PUtb2HayTDD","rootSlot":42,"votePubkey":"3ZT31jkAGhUaw8jsy4bTknwBMP8i4Eueh52By4zXcsVw"}],"delinquent":[]}`,
		calls: []validCall{{`{"votePubkey":"$PK","keepUnstakedDelinquents":true,"delinquentSlotDistance":128}`,
			`[{"commitment":"confirmed","votePubkey":"$PK","keepUnstakedDelinquents":true,` +
				`"delinquentSlotDistance":128}]`}},
		bad: []badInput{
			{"bad vote pubkey", `{"votePubkey":"$SHORT"}`, "votePubkey", "30 bytes"},
			{"fractional distance", `{"delinquentSlotDistance":1.5}`, "delinquentSlotDistance",
				"fraction"},
		}},
	{tool: "isBlockhashValid", result: `{"context":{"slot":2483},"value":false}`,
		calls: []validCall{{`{"blockhash":"$HASH","commitment":"processed"}`,
			`["$HASH",{"commitment":"processed"}]`}},
		bad: []badInput{
			{"signature as blockhash", `{"blockhash":"$SIG"}`, "blockhash", "a base58 hash of 32 bytes"},
			{"missing blockhash", `{}`, "blockhash", "is required"},
		}},
	{tool: "minimumLedgerSlot", result: `1234`,
		calls: []validCall{{`{}`, ``}},
		bad:   []badInput{{"unknown argument", `{"slot":0}`, "slot", "unknown"}}},
	{tool: "simulateTransaction", fixture: "simulateTransaction",
		calls: []validCall{
			{`{"transaction":"$SIMTX","commitment":"confirmed","encoding":"base64",` +
				`"replaceRecentBlockhash":true}`,
				`["$SIMTX",{"commitment":"confirmed","replaceRecentBlockhash":true,"encoding":"base64"}]`},
			{`{"transaction":"$SIMTX","encoding":"base64","sigVerify":true,"innerInstructions":true,` +
				`"accounts":{"addresses":["$PK"],"encoding":"jsonParsed"}}`,
				`["$SIMTX",{"commitment":"confirmed","sigVerify":true,"encoding":"base64",` +
					`"innerInstructions":true,"accounts":{"addresses":["$PK"],"encoding":"jsonParsed"}}]`},
		},
		bad: []badInput{
			{"sigVerify with replaceRecentBlockhash", `{"transaction":"$SIMTX","encoding":"base64",` +
				`"sigVerify":true,"replaceRecentBlockhash":true}`, "replaceRecentBlockhash",
				"cannot be true together with sigVerify"},
			{"bad account", `{"transaction":"$SIMTX","accounts":{"addresses":["$SIG"]}}`,
				"accounts.addresses[0]", "at most 44"},
			{"base58 accounts", `{"transaction":"$SIMTX","accounts":{"addresses":[],` +
				`"encoding":"base58"}}`, "accounts.encoding", "base64, base64+zstd, jsonParsed"},
			{"base64 over the packet size", `{"transaction":"$B64_1645","encoding":"base64"}`,
				"transaction", "a base64 transaction is at most 1644"},
			{"empty transaction", `{"transaction":""}`, "transaction", "non-empty"},
			{"base64 given as base58", `{"transaction":"$SIMTX"}`, "transaction",
				"is not valid base58"},
		}},
	{tool: "sendTransaction", fixture: "sendTransaction",
		errFixture: "sendTransaction_error_preflight",
		calls: []validCall{
			{`{"transaction":"$SENDTX"}`, `["$SENDTX",{"preflightCommitment":"confirmed"}]`},
			{`{"transaction":"$SENDTX","skipPreflight":true,"preflightCommitment":"finalized",` +
				`"maxRetries":"5","minContextSlot":9,"encoding":"base58"}`,
				`["$SENDTX",{"encoding":"base58","skipPreflight":true,"preflightCommitment":"finalized",` +
					`"maxRetries":5,"minContextSlot":9}]`},
		},
		bad: []badInput{
			{"negative maxRetries", `{"transaction":"$SENDTX","maxRetries":-1}`, "maxRetries",
				"negative"},
			{"bad preflightCommitment", `{"transaction":"$SENDTX","preflightCommitment":"max"}`,
				"preflightCommitment", `"max"`},
			{"json encoding", `{"transaction":"$SENDTX","encoding":"json"}`, "encoding",
				"base58, base64"},
			{"base58 given as base64", `{"transaction":"$SENDTX","encoding":"base64"}`,
				"transaction", "is not valid base64"},
			{"base58 over the packet size", `{"transaction":"$B58_1684"}`, "transaction",
				"at most 1683 characters"},
		}},
	{tool: "requestAirdrop",
		result: `"5VERv8NMvzbJMEkV8xnrLkEaWRtSz9CosKDYjCJjBRnbJLgp8uirBgmQpjKhoR4tjF3ZpRzrFmBV6UjKdiSZkQUW"`,
		calls: []validCall{{`{"pubkey":"$PK","lamports":1000000000,"network":"mainnet"}`,
			`["$PK",1000000000,{"commitment":"confirmed"}]`}},
		bad: []badInput{
			{"zero lamports", `{"pubkey":"$PK","lamports":0}`, "lamports", "from 1 to"},
			{"fractional lamports", `{"pubkey":"$PK","lamports":0.5}`, "lamports", "fraction"},
			{"lamports over u64", `{"pubkey":"$PK","lamports":` + u64Over + `}`, "lamports",
				"got " + u64Over},
		}},
}

// expand replaces the table's placeholders with values.
func expand(s string, txs map[string]string) string {
	quoted := func(v string, n int) string {
		return strings.TrimSuffix(strings.Repeat(`"`+v+`",`, n), ",")
	}
	filter := `{"dataSize":1}`
	return strings.NewReplacer(
		"$PKS1000", quoted(pk, 1000), "$PKS128", quoted(pk, 128), "$PKS100", quoted(pk, 100),
		"$SIGS256", quoted(sig, 256),
		"$FILTERS5", strings.TrimSuffix(strings.Repeat(filter+",", 5), ","),
		"$B64_1645", strings.Repeat("A", 1645), "$B58_1684", strings.Repeat("2", 1684),
		"$PK2", pk2, "$PK", pk, "$SIG2", sig2, "$SIG", sig, "$HASH", hash, "$TOKEN", token,
		"$SHORT", short, "$MSG", feeMsg, "$SIMTX", txs["simulateTransaction"],
		"$SENDTX", txs["sendTransaction"],
	).Replace(s)
}

// TestEveryTool calls every tool through a real client: valid calls forward exactly the
// expected method and params and return the node's result byte for byte; bad inputs are
// tool errors that name the argument and never reach a node; a node's JSON-RPC error
// keeps its code and message.
func TestEveryTool(t *testing.T) {
	fx := fixtures(t)
	txs := map[string]string{}
	for _, name := range []string{"simulateTransaction", "sendTransaction"} {
		var params []json.RawMessage
		if err := json.Unmarshal(fx[name].Params(), &params); err != nil || len(params) == 0 {
			t.Fatalf("fixture %s has no params: %v", name, err)
		}
		var tx string
		if err := json.Unmarshal(params[0], &tx); err != nil {
			t.Fatalf("fixture %s: %v", name, err)
		}
		txs[name] = tx
	}
	e := newEnv(t, envOptions{})

	tested := map[string]bool{}
	validationErrors := 0
	for _, tc := range toolCases {
		tested[tc.tool] = true
		t.Run(tc.tool, func(t *testing.T) {
			result := json.RawMessage(tc.result)
			if tc.fixture != "" {
				f, ok := fx[tc.fixture]
				if !ok {
					t.Fatalf("no fixture %s", tc.fixture)
				}
				e.mainnet.SetFixture(f)
				result = f.Result()
			} else {
				e.mainnet.SetResult(tc.tool, result)
			}

			for _, c := range tc.calls {
				args, wantParams := expand(c.args, txs), expand(c.wantParams, txs)
				e.reset()
				res := e.call(t, tc.tool, args)
				if res.IsError {
					t.Fatalf("%s(%.200s) = tool error %q, want a result", tc.tool, args,
						text(t, res))
				}
				if got := text(t, res); got != string(result) {
					t.Fatalf("%s(%.200s) text = %.300s, want the node's result %.300s",
						tc.tool, args, got, result)
				}
				got, want := e.lastStructured(t), `{"result":`+string(result)+`}`
				if !rpcfake.SameJSON(got, []byte(want)) {
					t.Fatalf("%s(%.200s) structuredContent = %.300s, want %.300s", tc.tool, args,
						got, want)
				}
				checkForwarded(t, e, tc.tool, args, wantParams)
			}

			for _, b := range tc.bad {
				args := expand(b.args, txs)
				e.reset()
				res := e.call(t, tc.tool, args)
				validationErrors++
				if !res.IsError {
					t.Errorf("%s: %s(%.200s) = %.200s, want a tool error", b.name, tc.tool, args,
						text(t, res))
					continue
				}
				got := text(t, res)
				if want := fmt.Sprintf("invalid argument %q", b.wantArg); !strings.Contains(got, want) {
					t.Errorf("%s: %s(%.200s) error = %q, want it to name %s", b.name, tc.tool,
						args, got, want)
				}
				if !strings.Contains(got, b.wantText) {
					t.Errorf("%s: %s(%.200s) error = %q, want it to contain %q", b.name,
						tc.tool, args, got, b.wantText)
				}
				if n := e.requests(); n != 0 {
					t.Errorf("%s: %s(%.200s) sent %d upstream requests, want 0", b.name,
						tc.tool, args, n)
				}
			}

			checkUpstreamError(t, e, fx, tc, expand(tc.calls[0].args, txs))
		})
	}
	for _, name := range allTools {
		if !tested[name] {
			t.Errorf("tool %s has no test case", name)
		}
	}

	// Each rejected call counts once, as error_type="validation".
	if got := validationFailures(t, e); got != validationErrors {
		t.Errorf("failed_total{error_type=validation} = %d, want %d", got, validationErrors)
	}
}

// checkForwarded checks the one request the nodes received.
func checkForwarded(t *testing.T, e *env, tool, args, wantParams string) {
	t.Helper()
	if n := len(e.devnet.Requests()); n != 0 {
		t.Errorf("%s(%.200s): devnet received %d requests, want 0", tool, args, n)
	}
	reqs := e.mainnet.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%s(%.200s): node received %d requests, want 1", tool, args, len(reqs))
	}
	if reqs[0].Method != tool {
		t.Errorf("%s(%.200s): node received method %s", tool, args, reqs[0].Method)
	}
	switch {
	case wantParams == "" && len(reqs[0].Params) != 0:
		t.Errorf("%s(%.200s): node received params %s, want none", tool, args, reqs[0].Params)
	case wantParams != "" && !rpcfake.SameJSON(reqs[0].Params, []byte(wantParams)):
		t.Errorf("%s(%.200s): node received params\n%.600s\nwant\n%.600s", tool, args,
			reqs[0].Params, wantParams)
	}
}

// checkUpstreamError makes the node answer with a JSON-RPC error and checks that the
// tool error keeps its code and message (and data, when there is some).
func checkUpstreamError(t *testing.T, e *env, fx map[string]rpcfake.Fixture, tc toolCase,
	args string) {
	t.Helper()
	name := tc.errFixture
	if name == "" {
		name = "error_invalid_param_invalid"
	}
	f := fx[name]
	var resp struct {
		Error struct {
			Code    int             `json:"code"`
			Message string          `json:"message"`
			Data    json.RawMessage `json:"data"`
		} `json:"error"`
	}
	if err := json.Unmarshal(f.Response, &resp); err != nil || resp.Error.Message == "" {
		t.Fatalf("fixture %s has no JSON-RPC error: %v", name, err)
	}
	e.mainnet.SetResponse(tc.tool, f.HTTPStatus, f.Response)
	e.reset()
	res := e.call(t, tc.tool, args)
	got := text(t, res)
	want := fmt.Sprintf("RPC error %d: %s", resp.Error.Code, resp.Error.Message)
	if !res.IsError || !strings.HasPrefix(got, want) {
		t.Errorf("%s with node error %s: isError=%v text %q, want prefix %q", tc.tool, name,
			res.IsError, got, want)
	}
	if len(resp.Error.Data) > 0 && !strings.Contains(got, "data: ") {
		t.Errorf("%s with node error %s: text %q lacks the error data", tc.tool, name, got)
	}
	if n := e.requests(); n != 1 {
		t.Errorf("%s with node error %s: %d upstream requests, want 1", tc.tool, name, n)
	}
}

// validationFailures sums solana_mcp_rpc_requests_failed_total{error_type="validation"}.
func validationFailures(t *testing.T, e *env) int {
	t.Helper()
	fams, err := e.metrics.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	total := 0.0
	for _, fam := range fams {
		if fam.GetName() != "solana_mcp_rpc_requests_failed_total" {
			continue
		}
		for _, m := range fam.GetMetric() {
			if label(m, "error_type") == "validation" {
				total += m.GetCounter().GetValue()
			}
		}
	}
	return int(total)
}

func label(m *dto.Metric, name string) string {
	for _, lp := range m.GetLabel() {
		if lp.GetName() == name {
			return lp.GetValue()
		}
	}
	return ""
}
