package tools

import (
	"bytes"
	"encoding/json"
	"math/big"
	"strings"
	"testing"
	"time"
)

// Well-known values used across the tests of this package.
const (
	testPubkey    = "vines1vzrYbzLMRdu58ou5XTby4qAqVRLmqo36NKPTg"
	testPubkey2   = "4fYNw3dojWmQ4dXtSGE9epjRGy9pFSx62YypT7avPYvA"
	testSignature = "5h6xBEauJ3PK6SWCZ1PGjBvj8vDdWG3KpwATGy1ARAXFSDwt8GFXM7W5Ncn16wmqokgpiKRLuS83KUxyZyv2sUYv"
	testBlockhash = "EkSnNWid2cvwEVnVx9aBqawnmiCNiDgp3gUdkDPTKN1N"
	systemProgram = "11111111111111111111111111111111"
	u64Max        = "18446744073709551615"
	testMessage   = "AQABAgIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEBAQAA"
)

// checkCase is one input of a Type and what Check must make of it.
type checkCase struct {
	name string
	in   string
	// want is the forwarded JSON; empty means Check must fail.
	want string
	// wantErr is a substring of the error when Check fails.
	wantErr string
}

// runChecks runs Check on every case.
func runChecks(t *testing.T, typ Type, cases []checkCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := typ.Check(json.RawMessage(tc.in))
			if tc.want == "" {
				if err == nil {
					t.Fatalf("Check(%s) = %s, want an error containing %q", tc.in, got, tc.wantErr)
				}
				if !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Check(%s) error = %q, want it to contain %q", tc.in, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Check(%s) error = %v, want %s", tc.in, err, tc.want)
			}
			if string(got) != tc.want {
				t.Fatalf("Check(%s) = %s, want %s", tc.in, got, tc.want)
			}
		})
	}
}

func TestUintCheck(t *testing.T) {
	runChecks(t, U64, []checkCase{
		{name: "zero", in: `0`, want: `0`},
		{name: "2^53+1 keeps its digits", in: `9007199254740993`, want: `9007199254740993`},
		{name: "u64 max", in: u64Max, want: u64Max},
		{name: "u64 max + 1", in: `18446744073709551616`, wantErr: "got 18446744073709551616"},
		{name: "far beyond u64", in: `1e20`, wantErr: "from 0 to " + u64Max},
		{name: "exponent", in: `1e3`, want: `1000`},
		{name: "upper-case exponent with sign", in: `1E+3`, want: `1000`},
		{name: "whole with fraction digits", in: `1.0`, want: `1`},
		{name: "fraction shifted whole", in: `12.30e1`, want: `123`},
		{name: "negative exponent, whole", in: `100e-2`, want: `1`},
		{name: "u64 max as a decimal", in: `1844674407370955161.5e1`, want: u64Max},
		{name: "fraction", in: `1.5`, wantErr: "the fraction 1.5"},
		{name: "negative exponent, fraction", in: `1e-3`, wantErr: "the fraction 1e-3"},
		{name: "negative zero is zero", in: `-0`, want: `0`},
		{name: "negative zero fraction", in: `-0.0e5`, want: `0`},
		{name: "negative", in: `-1`, wantErr: "the negative number -1"},
		{name: "negative fraction", in: `-1.5`, wantErr: "negative"},
		{name: "decimal string", in: `"12"`, want: `12`},
		{name: "decimal string with spaces", in: `" 12 "`, want: `12`},
		{name: "big decimal string", in: `"18446744073709551615"`, want: u64Max},
		{name: "string leading zeros", in: `"007"`, want: `7`},
		{name: "string with plus", in: `"+7"`, want: `7`},
		{name: "number leading zeros (invalid JSON)", in: `007`, wantErr: "got a number"},
		{name: "hex number (invalid JSON)", in: `0x10`, wantErr: "got a number"},
		{name: "hex string", in: `"0x10"`, wantErr: `got "0x10"`},
		{name: "string words", in: `"twelve"`, wantErr: `got "twelve"`},
		{name: "string NaN", in: `"NaN"`, wantErr: `got "NaN"`},
		{name: "string Infinity", in: `"Infinity"`, wantErr: `got "Infinity"`},
		{name: "string inner space", in: `"1 2"`, wantErr: `got "1 2"`},
		{name: "string dot only", in: `"."`, wantErr: `got "."`},
		{name: "string trailing dot", in: `"5."`, wantErr: `got "5."`},
		{name: "string leading dot", in: `".5"`, wantErr: `got ".5"`},
		{name: "string dangling exponent", in: `"1e"`, wantErr: `got "1e"`},
		{name: "empty string", in: `""`, wantErr: "got a string"},
		{name: "boolean", in: `true`, wantErr: "got a boolean"},
		{name: "object", in: `{"n":1}`, wantErr: "got an object"},
		{name: "array", in: `[1]`, wantErr: "got an array"},
		{name: "huge exponent", in: `1e999999999999`, wantErr: "from 0 to"},
		{name: "huge negative exponent", in: `1e-999999999999`, wantErr: "the fraction"},
		{name: "zero with huge exponent", in: `0e999999999999`, want: `0`},
		{name: "many trailing zeros then negative exponent",
			in: `1` + strings.Repeat("0", 500) + `e-500`, want: `1`},
		{name: "long digits are cut in the message",
			in: strings.Repeat("9", 400), wantErr: "..."},
	})

	t.Run("bounds", func(t *testing.T) {
		runChecks(t, Uint{Min: 1, Max: 1000}, []checkCase{
			{name: "min", in: `1`, want: `1`},
			{name: "max", in: `1000`, want: `1000`},
			{name: "below min", in: `0`, wantErr: "a whole number from 1 to 1000, got 0"},
			{name: "above max", in: `1001`, wantErr: "got 1001"},
			{name: "above max as string", in: `"1e4"`, wantErr: "got 1e4"},
		})
	})
}

// TestUintCheckIsCheap guards against exponents that make big-number libraries
// compute 10^n (math/big takes about 30 ms for 1e999999): a check must stay cheap
// whatever the exponent.
func TestUintCheckIsCheap(t *testing.T) {
	inputs := []json.RawMessage{
		json.RawMessage(`1e999999`),
		json.RawMessage(`"1` + strings.Repeat("0", 100_000) + `e-99999"`),
	}
	best := time.Hour
	for range 3 {
		start := time.Now()
		for _, in := range inputs {
			_, _ = U64.Check(in)
		}
		best = min(best, time.Since(start))
	}
	if best > 20*time.Millisecond {
		t.Fatalf("Check of huge numbers takes %v, want under 20ms", best)
	}
}

func TestBase58Check(t *testing.T) {
	t.Run("pubkey", func(t *testing.T) {
		runChecks(t, Pubkey, []checkCase{
			{name: "valid", in: q(testPubkey), want: q(testPubkey)},
			{name: "system program, 32 zero bytes", in: q(systemProgram), want: q(systemProgram)},
			{name: "31 bytes", in: q(b58Bytes(0, 31)), wantErr: "it decodes to 31 bytes"},
			{name: "33 bytes", in: q(b58Bytes(3, 33)), wantErr: "it decodes to 33 bytes"},
			{name: "33 zero bytes", in: q(strings.Repeat("1", 33)), wantErr: "33 bytes"},
			{name: "a signature is too long", in: q(testSignature),
				wantErr: "got 88 characters (at most 44)"},
			{name: "very long input fails fast", in: q(strings.Repeat("2", 1<<20)),
				wantErr: "at most 44"},
			{name: "zero", in: q("0" + testPubkey[1:]), wantErr: `'0' is not a base58 character`},
			{name: "capital O", in: q("O" + testPubkey[1:]), wantErr: `'O'`},
			{name: "capital I", in: q("I" + testPubkey[1:]), wantErr: `'I'`},
			{name: "lower-case l", in: q("iamnotarealaccount"), wantErr: `'l'`},
			{name: "non-ASCII", in: q("é" + testPubkey[2:]), wantErr: `'é'`},
			{name: "empty", in: `""`, wantErr: "got an empty string"},
			{name: "not a string", in: `123`, wantErr: "expected a string, got a number"},
			{name: "null", in: `null`, wantErr: "expected a string, got null"},
		})
	})
	t.Run("signature", func(t *testing.T) {
		runChecks(t, Signature, []checkCase{
			{name: "valid", in: q(testSignature), want: q(testSignature)},
			{name: "64 zero bytes", in: q(strings.Repeat("1", 64)),
				want: q(strings.Repeat("1", 64))},
			{name: "63 bytes", in: q(b58Bytes(0, 63)),
				wantErr: "a base58 signature of 64 bytes: it decodes to 63 bytes"},
			{name: "65 bytes", in: q(b58Bytes(3, 65)), wantErr: "it decodes to 65 bytes"},
			{name: "a public key", in: q(testPubkey), wantErr: "it decodes to 32 bytes"},
			{name: "89 characters", in: q(strings.Repeat("z", 89)), wantErr: "at most 88"},
		})
	})
	t.Run("blockhash", func(t *testing.T) {
		runChecks(t, Blockhash, []checkCase{
			{name: "valid", in: q(testBlockhash), want: q(testBlockhash)},
			{name: "a signature", in: q(testSignature), wantErr: "a base58 hash of 32 bytes"},
		})
	})
}

func TestScalarChecks(t *testing.T) {
	t.Run("bool", func(t *testing.T) {
		runChecks(t, Bool{}, []checkCase{
			{name: "true", in: ` true `, want: `true`},
			{name: "false", in: `false`, want: `false`},
			{name: "string", in: `"true"`, wantErr: "expected true or false, got a string"},
			{name: "number", in: `1`, wantErr: "got a number"},
		})
	})
	t.Run("enum", func(t *testing.T) {
		runChecks(t, commitmentLevels, []checkCase{
			{name: "member", in: `"finalized"`, want: `"finalized"`},
			{name: "deprecated level", in: `"max"`,
				wantErr: `expected one of processed, confirmed, finalized, got "max"`},
			{name: "case matters", in: `"Finalized"`, wantErr: `got "Finalized"`},
			{name: "not a string", in: `1`, wantErr: "got a number"},
			{name: "long value is cut", in: q(strings.Repeat("x", 1000)), wantErr: `..."`},
		})
	})
	t.Run("string", func(t *testing.T) {
		runChecks(t, String{MaxLen: 4}, []checkCase{
			{name: "fits", in: `"AQAB"`, want: `"AQAB"`},
			{name: "escapes are decoded, then re-encoded", in: `"\u0041"`, want: `"A"`},
			{name: "too long", in: `"AQABA"`, wantErr: "at most 4 characters, got 5"},
			{name: "empty", in: `""`, wantErr: "non-empty"},
			{name: "not a string", in: `[]`, wantErr: "expected a string, got an array"},
		})
	})
}

func TestCompositeChecks(t *testing.T) {
	t.Run("list", func(t *testing.T) {
		runChecks(t, List{Elem: Pubkey, MinItems: 1, MaxItems: 2}, []checkCase{
			{name: "one", in: `[` + q(testPubkey) + `]`, want: `[` + q(testPubkey) + `]`},
			{name: "empty", in: `[]`, wantErr: "at least 1 item(s), got 0"},
			{name: "too many", in: list(3, q(testPubkey)), wantErr: "at most 2 items"},
			{name: "bad element is named", in: `[` + q(testPubkey) + `,"0"]`,
				wantErr: `invalid argument "[1]"`},
			{name: "null", in: `null`, wantErr: "expected an array, got null"},
			{name: "object", in: `{}`, wantErr: "expected an array, got an object"},
		})
	})
	t.Run("object", func(t *testing.T) {
		obj := Object{Fields: []Field{
			{Name: "offset", Type: U64, Required: true},
			{Name: "length", Type: U64},
		}}
		runChecks(t, obj, []checkCase{
			{name: "members in declared order", in: `{"length":2,"offset":1}`,
				want: `{"offset":1,"length":2}`},
			{name: "null member is absent", in: `{"offset":1,"length":null}`, want: `{"offset":1}`},
			{name: "unknown member", in: `{"offset":1,"lenght":2}`,
				wantErr: `invalid argument "lenght": unknown member; expected one of offset, length`},
			{name: "missing required", in: `{"length":2}`,
				wantErr: `invalid argument "offset": is required`},
			{name: "bad member is named", in: `{"offset":-1}`, wantErr: `"offset"`},
			{name: "not an object", in: `[1]`, wantErr: "expected an object, got an array"},
		})
	})
	t.Run("one of", func(t *testing.T) {
		oneOf := OneOf{Fields: []Field{{Name: "a", Type: U64}, {Name: "b", Type: U64}}}
		runChecks(t, oneOf, []checkCase{
			{name: "one", in: `{"b":2}`, want: `{"b":2}`},
			{name: "none", in: `{}`, wantErr: "exactly one of a, b, got 0 of them"},
			{name: "both", in: `{"a":1,"b":2}`, wantErr: "got 2 of them"},
		})
	})
}

// TestNestedErrorPaths checks that errors deep inside an argument name the whole way
// down, as callers need to find the bad value.
func TestNestedErrorPaths(t *testing.T) {
	cases := []struct {
		name, method, args string
		wantPath           string
	}{
		{name: "filter member", method: "getProgramAccounts",
			args: `{"programId":"` + testPubkey + `","filters":[{"dataSize":1},` +
				`{"memcmp":{"offset":-1,"bytes":"3Mc6vR"}}]}`,
			wantPath: "filters[1].memcmp.offset"},
		{name: "filter encoding", method: "getProgramAccounts",
			args: `{"programId":"` + testPubkey + `","filters":[` +
				`{"memcmp":{"offset":0,"bytes":"3Mc6vR","encoding":"hex"}}]}`,
			wantPath: "filters[0].memcmp.encoding"},
		{name: "unknown filter kind", method: "getProgramAccounts",
			args:     `{"programId":"` + testPubkey + `","filters":[{"tokenAccountState":{}}]}`,
			wantPath: "filters[0].tokenAccountState"},
		{name: "data slice", method: "getAccountInfo",
			args:     `{"pubkey":"` + testPubkey + `","dataSlice":{"offset":0,"length":1.5}}`,
			wantPath: "dataSlice.length"},
		{name: "list element", method: "getMultipleAccounts",
			args:     `{"pubkeys":["` + testPubkey + `","` + testPubkey2 + `","x0"]}`,
			wantPath: "pubkeys[2]"},
		{name: "simulated account", method: "simulateTransaction",
			args:     `{"transaction":"AQAB","accounts":{"addresses":["` + testSignature + `"]}}`,
			wantPath: "accounts.addresses[0]"},
		{name: "range end", method: "getBlockProduction",
			args: `{"range":{"firstSlot":10,"lastSlot":9}}`, wantPath: "range.lastSlot"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := method(t, tc.method).Prepare(json.RawMessage(tc.args), testOptions)
			if err == nil {
				t.Fatalf("%s(%s) succeeded, want an error naming %s", tc.method, tc.args,
					tc.wantPath)
			}
			if want := `invalid argument "` + tc.wantPath + `"`; !strings.Contains(err.Error(), want) {
				t.Fatalf("%s(%s) error = %q, want it to contain %q", tc.method, tc.args, err, want)
			}
		})
	}
}

// q quotes s as a JSON string.
func q(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// list is a JSON array of n copies of elem.
func list(n int, elem string) string {
	items := make([]string, n)
	for i := range items {
		items[i] = elem
	}
	return "[" + strings.Join(items, ",") + "]"
}

// b58Bytes encodes n bytes, the first zeros of them zero and the rest 0xaa: leading
// zero bytes keep the text short enough to reach the size check.
func b58Bytes(zeros, n int) string {
	return b58Encode(append(make([]byte, zeros), bytes.Repeat([]byte{0xaa}, n-zeros)...))
}

const b58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

// b58Encode is a plain base58 encoder, independent of the one the code under test uses.
func b58Encode(b []byte) string {
	n := new(big.Int).SetBytes(b)
	var out []byte
	base, mod := big.NewInt(58), new(big.Int)
	for n.Sign() > 0 {
		n.DivMod(n, base, mod)
		out = append(out, b58Alphabet[mod.Int64()])
	}
	for _, c := range b {
		if c != 0 {
			break
		}
		out = append(out, '1')
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return string(out)
}

// b58Decode is a plain base58 decoder, independent of the one the code under test uses.
func b58Decode(s string) ([]byte, bool) {
	n := new(big.Int)
	base := big.NewInt(58)
	for _, r := range s {
		i := strings.IndexRune(b58Alphabet, r)
		if i < 0 {
			return nil, false
		}
		n.Mul(n, base)
		n.Add(n, big.NewInt(int64(i)))
	}
	zeros := len(s) - len(strings.TrimLeft(s, "1"))
	return append(make([]byte, zeros), n.Bytes()...), true
}
