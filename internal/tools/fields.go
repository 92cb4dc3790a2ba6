package tools

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
	"unicode/utf8"
)

// Node limits (Agave rpc-client-api request.rs and rpc.rs).
const (
	maxMultipleAccounts   = 100
	maxTxAccounts         = 256      // account keys of one transaction (u8 indexes)
	maxAccountDataLen     = 10 << 20 // MAX_PERMITTED_DATA_LENGTH; more is -32600
	maxSignatureStatuses  = 256
	maxSignaturesLimit    = 1000
	maxBlocksRange        = 500_000
	maxSlotLeaders        = 5000
	maxPerformanceSamples = 720
	maxPriorityAddresses  = 128
	maxFilters            = 4
	maxBase58Tx           = 1683
	maxBase64Tx           = 1644
	maxPacketData         = 1232 // PACKET_DATA_SIZE: a transaction's wire size
	maxMemcmpBase58       = 175
	maxMemcmpBase64       = 172
	maxMemcmpBytes        = 128
	maxUsize              = ^uint64(0)

	// maxRewardAddresses is ours: the node sets no limit, but 1000 addresses keep the
	// request within its 50 KiB body limit.
	maxRewardAddresses = 1000
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

func sortResultsArg() Field {
	return Field{Name: "sortResults", Type: Bool{},
		Doc: "Scan accounts in address order (default true); false is faster."}
}

func withContextArg() Field {
	return Field{Name: "withContext", Type: Bool{},
		Doc: "Wrap the result in {context, value}."}
}

func filtersArg() Field {
	memcmp := Object{Fields: []Field{
		{Name: "offset", Type: Uint{Max: maxUsize}, Doc: "Byte offset into account data.",
			Required: true},
		{Name: "bytes", Type: String{MaxLen: maxMemcmpBase58}, Required: true,
			Doc: "Data to match (at most 128 bytes), encoded."},
		{Name: "encoding", Type: wireEncodings, Doc: "Encoding of bytes (default base58)."},
	}, Combine: memcmpBytes}
	return Field{Name: "filters", Doc: "Up to 4 filters that all must match.",
		Type: List{MaxItems: maxFilters, Elem: OneOf{Fields: []Field{
			{Name: "dataSize", Type: U64, Doc: "Exact account data length."},
			{Name: "memcmp", Type: memcmp, Doc: "Compare bytes at an offset."},
		}}}}
}

// memcmpBytes checks memcmp bytes as the node does (RpcFilterType::verify): at most
// 175 base58 or 172 base64 characters that decode to at most 128 bytes.
func memcmpBytes(members map[string]json.RawMessage) error {
	var text string
	enc := "base58"
	_ = json.Unmarshal(members["bytes"], &text)
	if v, ok := members["encoding"]; ok {
		_ = json.Unmarshal(v, &enc)
	}
	limit := maxMemcmpBase58
	if enc == "base64" {
		limit = maxMemcmpBase64
	}
	if len(text) > limit {
		return &checkError{path: "bytes", msg: fmt.Sprintf(
			"is %d characters; %s bytes are at most %d", len(text), enc, limit)}
	}
	data, err := decodeWire(text, enc)
	if err != nil {
		return &checkError{path: "bytes", msg: err.Error()}
	}
	if len(data) > maxMemcmpBytes {
		return &checkError{path: "bytes", msg: fmt.Sprintf(
			"decodes to %d bytes; at most %d can be compared", len(data), maxMemcmpBytes)}
	}
	return nil
}

// decodeWire decodes base58 or base64 text as the node does (standard alphabet,
// padding required). Callers bound the length: base58 decoding is quadratic.
func decodeWire(text, enc string) ([]byte, error) {
	if enc == "base64" {
		data, err := base64.StdEncoding.Strict().DecodeString(text)
		if err != nil {
			return nil, fmt.Errorf("is not valid base64 (%v)", err)
		}
		return data, nil
	}
	if i := strings.IndexFunc(text, notBase58); i >= 0 {
		r, _ := utf8.DecodeRuneInString(text[i:])
		return nil, fmt.Errorf("is not valid base58: %q is not a base58 character", r)
	}
	return base58Decode(text), nil
}

// base58Decode decodes text of base58 characters only.
func base58Decode(text string) []byte {
	n := new(big.Int)
	radix := big.NewInt(58)
	for i := 0; i < len(text); i++ {
		n.Mul(n, radix)
		n.Add(n, big.NewInt(int64(strings.IndexByte(base58Alphabet, text[i]))))
	}
	zeros := len(text) - len(strings.TrimLeft(text, "1"))
	return append(make([]byte, zeros), n.Bytes()...)
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

// wireTx checks an encoded transaction (or, for field "message", a base64 message)
// as the node does before decoding it: the encoded length, the encoding, and the
// decoded size against the packet size.
func wireTx(field string) combineCheck {
	return func(args map[string]json.RawMessage) error {
		var text string
		if err := json.Unmarshal(args[field], &text); err != nil {
			return nil // absent; required-ness is checked elsewhere
		}
		max, enc := maxBase58Tx, "base58"
		if string(args["encoding"]) == `"base64"` || field == "message" {
			max, enc = maxBase64Tx, "base64"
		}
		if len(text) > max {
			return &checkError{path: field, msg: fmt.Sprintf(
				"is %d characters; a %s transaction is at most %d (%d bytes raw)",
				len(text), enc, max, maxPacketData)}
		}
		data, err := decodeWire(text, enc)
		if err != nil {
			msg := err.Error()
			if field != "message" {
				msg += " (see the encoding argument)"
			}
			return &checkError{path: field, msg: msg}
		}
		if len(data) > maxPacketData {
			return &checkError{path: field, msg: fmt.Sprintf(
				"decodes to %d bytes; a transaction is at most %d", len(data), maxPacketData)}
		}
		return nil
	}
}

// combineCheck checks a combination of checked arguments.
type combineCheck = func(args map[string]json.RawMessage) error

// allOf runs checks in order and returns the first error.
func allOf(checks ...combineCheck) combineCheck {
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
