package tools

import (
	"encoding/json"
	"fmt"
)

// Node limits (Agave rpc-client-api request.rs and rpc.rs).
const (
	maxMultipleAccounts   = 100
	maxSignatureStatuses  = 256
	maxSignaturesLimit    = 1000
	maxBlocksRange        = 500_000
	maxSlotLeaders        = 5000
	maxPerformanceSamples = 720
	maxPriorityAddresses  = 128
	maxFilters            = 4
	maxBase58Tx           = 1683
	maxBase64Tx           = 1644
	maxUsize              = ^uint64(0)
)

var (
	commitmentLevels = Enum{"processed", "confirmed", "finalized"}
	confirmedLevels  = Enum{"confirmed", "finalized"}
	accountEncodings = Enum{"base58", "base64", "base64+zstd", "jsonParsed"}
	txEncodings      = Enum{"json", "jsonParsed", "base58", "base64"}
	wireEncodings    = Enum{"base58", "base64"}
)

func commitmentArg() Field {
	return Field{Name: "commitment", Type: commitmentLevels,
		Doc: "Commitment level; defaults to the server's setting."}
}

func confirmedCommitmentArg() Field {
	return Field{Name: "commitment", Type: confirmedLevels,
		Doc: "Commitment level (processed is not supported); defaults to the server's."}
}

func minContextSlotArg() Field {
	return Field{Name: "minContextSlot", Type: U64,
		Doc: "Lowest slot the node may answer at; it errors if behind."}
}

func pubkeyArg(name, doc string) Field {
	return Field{Name: name, Type: Pubkey, Doc: doc, Required: true}
}

func slotArg(name, doc string, required bool) Field {
	return Field{Name: name, Type: U64, Doc: doc, Required: required}
}

func accountEncodingArg() Field {
	return Field{Name: "encoding", Type: accountEncodings,
		Doc: "Account data encoding (default base64; base58 only for data under 129 bytes)."}
}

func dataSliceArg() Field {
	return Field{Name: "dataSlice", Doc: "Return only this byte range of account data " +
		"(not with jsonParsed).",
		Type: Object{Fields: []Field{
			{Name: "offset", Type: Uint{Max: maxUsize}, Doc: "First byte.", Required: true},
			{Name: "length", Type: Uint{Max: maxUsize}, Doc: "Number of bytes.", Required: true},
		}}}
}

func withContextArg() Field {
	return Field{Name: "withContext", Type: Bool{},
		Doc: "Wrap the result in {context, value}."}
}

func filtersArg() Field {
	memcmp := Object{Fields: []Field{
		{Name: "offset", Type: Uint{Max: maxUsize}, Doc: "Byte offset into account data.",
			Required: true},
		{Name: "bytes", Type: String{MaxLen: 175}, Doc: "Data to match, encoded.",
			Required: true},
		{Name: "encoding", Type: wireEncodings, Doc: "Encoding of bytes (default base58)."},
	}}
	return Field{Name: "filters", Doc: "Up to 4 filters that all must match.",
		Type: List{MaxItems: maxFilters, Elem: OneOf{Fields: []Field{
			{Name: "dataSize", Type: U64, Doc: "Exact account data length."},
			{Name: "memcmp", Type: memcmp, Doc: "Compare bytes at an offset."},
		}}}}
}

// base64Default makes base64 the account encoding when the caller gives none: the
// node's legacy default (base58) fails for accounts over 128 bytes.
var base64Default = map[string]json.RawMessage{"encoding": json.RawMessage(`"base64"`)}

// noSliceWithJSONParsed rejects dataSlice with jsonParsed, which the node refuses.
func noSliceWithJSONParsed(args map[string]json.RawMessage) error {
	if args["dataSlice"] != nil && string(args["encoding"]) == `"jsonParsed"` {
		return &checkError{path: "dataSlice",
			msg: "cannot be used with encoding jsonParsed; use base64 or base58"}
	}
	return nil
}

// txSize checks an encoded transaction (or message) against the packet size limit.
func txSize(field string) func(map[string]json.RawMessage) error {
	return func(args map[string]json.RawMessage) error {
		var s string
		if err := json.Unmarshal(args[field], &s); err != nil {
			return nil // absent; required-ness is checked elsewhere
		}
		max, enc := maxBase58Tx, "base58"
		if string(args["encoding"]) == `"base64"` || field == "message" {
			max, enc = maxBase64Tx, "base64"
		}
		if len(s) > max {
			return &checkError{path: field, msg: fmt.Sprintf(
				"is %d characters; a %s transaction is at most %d (1232 bytes raw)",
				len(s), enc, max)}
		}
		return nil
	}
}

// allOf runs checks in order and returns the first error.
func allOf(checks ...func(map[string]json.RawMessage) error) func(map[string]json.RawMessage) error {
	return func(args map[string]json.RawMessage) error {
		for _, c := range checks {
			if err := c(args); err != nil {
				return err
			}
		}
		return nil
	}
}

// uintArg reads a checked integer argument; ok is false when it is absent.
func uintArg(args map[string]json.RawMessage, name string) (uint64, bool) {
	v, ok := args[name]
	if !ok {
		return 0, false
	}
	var n uint64
	if err := json.Unmarshal(v, &n); err != nil {
		return 0, false
	}
	return n, true
}
