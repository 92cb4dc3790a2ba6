package tools

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gagliardetto/solana-go"
)

// Type is the type of one argument: it describes itself as JSON Schema and turns the
// caller's raw JSON into the JSON forwarded to the node, or explains what was wrong.
// Check never decodes numbers through float64.
type Type interface {
	// Schema is the JSON Schema of the argument, without its description.
	Schema() map[string]any
	// Check validates raw and returns the JSON to forward. The error says what was
	// expected; the caller prefixes the argument's path.
	Check(raw json.RawMessage) (json.RawMessage, error)
}

// Field is one named argument, or one member of an object argument.
type Field struct {
	Name     string
	Type     Type
	Doc      string
	Required bool
}

// checkError is a rejected argument: the path names it (filters[0].memcmp.offset).
type checkError struct {
	path string
	msg  string
}

func (e *checkError) Error() string { return fmt.Sprintf("invalid argument %q: %s", e.path, e.msg) }

// prefix puts path in front of err's path, so nested errors name the whole way down.
func prefix(path string, err error) error {
	if ce, ok := err.(*checkError); ok {
		if strings.HasPrefix(ce.path, "[") {
			return &checkError{path: path + ce.path, msg: ce.msg}
		}
		return &checkError{path: path + "." + ce.path, msg: ce.msg}
	}
	return &checkError{path: path, msg: err.Error()}
}

func isNull(raw json.RawMessage) bool { return bytes.Equal(bytes.TrimSpace(raw), []byte("null")) }

// jsonKind names the JSON type of raw for error messages.
func jsonKind(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '"':
		return "a string"
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

func decodeString(raw json.RawMessage) (string, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err != nil || isNull(raw) {
		return "", fmt.Errorf("expected a string, got %s", jsonKind(raw))
	}
	return s, nil
}

func encodeString(s string) json.RawMessage {
	b, _ := json.Marshal(s) // a Go string always marshals
	return b
}

// ---- base58 keys --------------------------------------------------------------------

type base58Kind int

const (
	kindPubkey base58Kind = iota
	kindSignature
	kindHash
)

// Base58 is a base58 public key (32 bytes), signature (64 bytes) or hash (32 bytes).
type Base58 struct{ kind base58Kind }

// Pubkey is a base58 public key of 32 bytes.
var Pubkey Type = Base58{kindPubkey}

// Signature is a base58 transaction signature of 64 bytes.
var Signature Type = Base58{kindSignature}

// Blockhash is a base58 hash of 32 bytes.
var Blockhash Type = Base58{kindHash}

// Schema implements [Type].
func (b Base58) Schema() map[string]any {
	// n bytes take at least n characters (all '1', i.e. zero bytes).
	return map[string]any{"type": "string", "minLength": b.size(), "maxLength": b.maxLen(),
		"pattern": "^[1-9A-HJ-NP-Za-km-z]+$"}
}

// size is the decoded length in bytes.
func (b Base58) size() int {
	if b.kind == kindSignature {
		return 64
	}
	return 32
}

// maxLen is the longest base58 text of size bytes: 44 for 32 bytes, 88 for 64.
func (b Base58) maxLen() int {
	if b.kind == kindSignature {
		return 88
	}
	return 44
}

// what names the expected value in error messages.
func (b Base58) what() string {
	switch b.kind {
	case kindSignature:
		return "a base58 signature of 64 bytes"
	case kindHash:
		return "a base58 hash of 32 bytes"
	}
	return "a base58 public key of 32 bytes"
}

// Check implements [Type].
func (b Base58) Check(raw json.RawMessage) (json.RawMessage, error) {
	s, err := decodeString(raw)
	if err != nil {
		return nil, err
	}
	what := b.what()
	if s == "" {
		return nil, fmt.Errorf("expected %s, got an empty string", what)
	}
	// Check the length first: base58 decoding takes time quadratic in the length, and
	// the node itself refuses anything longer (MAX_BASE58_LEN in solana-sdk).
	if maxLen := b.maxLen(); len(s) > maxLen {
		return nil, fmt.Errorf("expected %s, got %d characters (at most %d)", what, len(s), maxLen)
	}
	if i := strings.IndexFunc(s, notBase58); i >= 0 {
		r, _ := utf8.DecodeRuneInString(s[i:])
		return nil, fmt.Errorf("expected %s; %q is not a base58 character "+
			"(base58 has no 0, O, I or l)", what, r)
	}
	switch b.kind {
	case kindSignature:
		_, err = solana.SignatureFromBase58(s)
	case kindHash:
		_, err = solana.HashFromBase58(s)
	default:
		_, err = solana.PublicKeyFromBase58(s)
	}
	if err != nil {
		return nil, fmt.Errorf("expected %s: %s", what, cleanBase58Err(err))
	}
	return encodeString(s), nil
}

const base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

func notBase58(r rune) bool { return !strings.ContainsRune(base58Alphabet, r) }

// cleanBase58Err turns solana-go's "invalid length, expected 32, got 31" into
// "it decodes to 31 bytes".
func cleanBase58Err(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, "got "); i >= 0 && strings.Contains(msg, "length") {
		return "it decodes to " + strings.TrimSpace(msg[i+4:]) + " bytes"
	}
	return msg
}

// ---- integers ------------------------------------------------------------------------

// Uint is an unsigned integer within [Min, Max], read from the JSON number's digits (or
// from a decimal string, for clients that cannot send big numbers) and forwarded as
// exact decimal digits. Fractions are rejected; 5.0 and 1e3 are whole and accepted.
type Uint struct {
	Min, Max uint64
}

// U64 is any unsigned 64-bit integer.
var U64 Type = Uint{Max: ^uint64(0)}

// Schema implements [Type].
func (u Uint) Schema() map[string]any {
	s := map[string]any{"type": "integer", "minimum": u.Min}
	// JSON Schema numbers beyond 2^53 are themselves imprecise for many clients: only
	// state small maxima.
	if u.Max < 1<<53 {
		s["maximum"] = u.Max
	}
	return s
}

// Check implements [Type].
func (u Uint) Check(raw json.RawMessage) (json.RawMessage, error) {
	tok := string(bytes.TrimSpace(raw))
	fromString := false
	if strings.HasPrefix(tok, `"`) {
		s, err := decodeString(raw)
		if err != nil {
			return nil, err
		}
		tok, fromString = strings.TrimSpace(s), true
	}
	want := "a whole number from " + strconv.FormatUint(u.Min, 10) + " to " +
		strconv.FormatUint(u.Max, 10)

	if tok == "" || (!fromString && !json.Valid([]byte(tok))) {
		return nil, fmt.Errorf("expected %s, got %s", want, jsonKind(raw))
	}
	n, problem := parseWhole(tok)
	switch problem {
	case notANumber:
		if fromString {
			return nil, fmt.Errorf("expected %s, got %s", want, strconv.Quote(short(tok)))
		}
		return nil, fmt.Errorf("expected %s, got %s", want, jsonKind(raw))
	case fractional:
		return nil, fmt.Errorf("expected %s, got the fraction %s", want, short(tok))
	case negative:
		return nil, fmt.Errorf("expected %s, got the negative number %s", want, short(tok))
	case tooLarge:
		return nil, fmt.Errorf("expected %s, got %s", want, short(tok))
	}
	if n < u.Min || n > u.Max {
		return nil, fmt.Errorf("expected %s, got %s", want, short(tok))
	}
	return json.RawMessage(strconv.FormatUint(n, 10)), nil
}

// numberProblem says why a token is not an unsigned 64-bit integer.
type numberProblem int

const (
	wholeOK numberProblem = iota
	notANumber
	fractional
	negative
	tooLarge
)

// parseWhole reads a JSON number token (sign, digits, fraction, exponent) exactly and
// returns its value when it is a whole number within u64: 5.0, 1e3 and -0 are whole.
// It works on the digits alone, so its cost is linear in the token's length whatever
// the exponent (math/big would compute 10^999999 for "1e999999").
func parseWhole(tok string) (uint64, numberProblem) {
	s, neg := tok, false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg, s = s[0] == '-', s[1:]
	}
	mant, expText, hasExp := strings.Cut(strings.ToLower(s), "e")
	intPart, frac, hasDot := strings.Cut(mant, ".")
	if !allDigits(intPart) || (hasDot && !allDigits(frac)) {
		return 0, notANumber
	}

	var exp int64
	hugeExp := false
	if hasExp {
		expNeg := false
		if expText != "" && (expText[0] == '-' || expText[0] == '+') {
			expNeg, expText = expText[0] == '-', expText[1:]
		}
		if !allDigits(expText) {
			return 0, notANumber
		}
		if t := strings.TrimLeft(expText, "0"); len(t) > 9 {
			hugeExp = true
		} else {
			exp, _ = strconv.ParseInt("0"+t, 10, 64) // at most 9 digits: always fits
		}
		if expNeg {
			exp = -exp
		}
		if hugeExp && expNeg {
			exp = -1 // only the sign matters below
		}
	}

	digits := strings.TrimLeft(intPart+frac, "0")
	if digits == "" {
		return 0, wholeOK // zero, however written
	}
	if neg {
		return 0, negative
	}
	if hugeExp {
		if exp < 0 {
			return 0, fractional
		}
		return 0, tooLarge
	}

	// The value is digits × 10^shift.
	shift := exp - int64(len(frac))
	switch {
	case shift < 0:
		k := -shift
		if k >= int64(len(digits)) {
			return 0, fractional // digits has no leading zero, so 0 < value < 1
		}
		cut := len(digits) - int(k)
		if strings.Trim(digits[cut:], "0") != "" {
			return 0, fractional
		}
		digits = digits[:cut]
	case shift > 0:
		if int64(len(digits))+shift > 20 {
			return 0, tooLarge
		}
		digits += strings.Repeat("0", int(shift))
	}
	if len(digits) > 20 {
		return 0, tooLarge
	}
	n, err := strconv.ParseUint(digits, 10, 64)
	if err != nil {
		return 0, tooLarge
	}
	return n, wholeOK
}

// allDigits reports whether s is one or more ASCII digits.
func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// short cuts text quoted in an error message, so that a huge argument does not make
// a huge error.
func short(text string) string {
	const max = 48
	if len(text) <= max {
		return text
	}
	return text[:max] + "..."
}

// ---- scalars ---------------------------------------------------------------------------

// Bool is true or false.
type Bool struct{}

// Schema implements [Type].
func (Bool) Schema() map[string]any { return map[string]any{"type": "boolean"} }

// Check implements [Type].
func (Bool) Check(raw json.RawMessage) (json.RawMessage, error) {
	switch string(bytes.TrimSpace(raw)) {
	case "true":
		return json.RawMessage("true"), nil
	case "false":
		return json.RawMessage("false"), nil
	}
	return nil, fmt.Errorf("expected true or false, got %s", jsonKind(raw))
}

// Enum is one string of a fixed set.
type Enum []string

// Schema implements [Type].
func (e Enum) Schema() map[string]any {
	return map[string]any{"type": "string", "enum": []string(e)}
}

// Check implements [Type].
func (e Enum) Check(raw json.RawMessage) (json.RawMessage, error) {
	s, err := decodeString(raw)
	if err != nil {
		return nil, fmt.Errorf("expected one of %s, got %s", e.list(), jsonKind(raw))
	}
	for _, v := range e {
		if s == v {
			return encodeString(s), nil
		}
	}
	return nil, fmt.Errorf("expected one of %s, got %s", e.list(), strconv.Quote(short(s)))
}

func (e Enum) list() string { return strings.Join(e, ", ") }

// String is free text of at most MaxLen bytes (0: no limit), e.g. an encoded transaction.
type String struct {
	MaxLen int
}

// Schema implements [Type].
func (s String) Schema() map[string]any {
	m := map[string]any{"type": "string", "minLength": 1}
	if s.MaxLen > 0 {
		m["maxLength"] = s.MaxLen
	}
	return m
}

// Check implements [Type].
func (s String) Check(raw json.RawMessage) (json.RawMessage, error) {
	v, err := decodeString(raw)
	if err != nil {
		return nil, err
	}
	if v == "" {
		return nil, fmt.Errorf("expected a non-empty string")
	}
	if s.MaxLen > 0 && len(v) > s.MaxLen {
		return nil, fmt.Errorf("expected at most %d characters, got %d", s.MaxLen, len(v))
	}
	return encodeString(v), nil
}

// ---- composites -------------------------------------------------------------------------

// List is an array of Elem with MinItems..MaxItems entries (MaxItems 0: no limit).
type List struct {
	Elem               Type
	MinItems, MaxItems int
}

// Schema implements [Type].
func (l List) Schema() map[string]any {
	s := map[string]any{"type": "array", "items": l.Elem.Schema()}
	if l.MinItems > 0 {
		s["minItems"] = l.MinItems
	}
	if l.MaxItems > 0 {
		s["maxItems"] = l.MaxItems
	}
	return s
}

// Check implements [Type].
func (l List) Check(raw json.RawMessage) (json.RawMessage, error) {
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil || isNull(raw) {
		return nil, fmt.Errorf("expected an array, got %s", jsonKind(raw))
	}
	if len(items) < l.MinItems {
		return nil, fmt.Errorf("expected at least %d item(s), got %d", l.MinItems, len(items))
	}
	if l.MaxItems > 0 && len(items) > l.MaxItems {
		return nil, fmt.Errorf("expected at most %d items (the node's limit), got %d",
			l.MaxItems, len(items))
	}
	out := make([]json.RawMessage, len(items))
	for i, it := range items {
		v, err := l.Elem.Check(it)
		if err != nil {
			return nil, prefix(fmt.Sprintf("[%d]", i), err)
		}
		out[i] = v
	}
	return marshalRaw(out), nil
}

// Object is a JSON object with known members; unknown members are rejected, so a typo
// is reported instead of silently dropped.
type Object struct {
	Fields []Field
	// Combine, when set, validates combinations of the checked members.
	Combine func(members map[string]json.RawMessage) error
}

// Schema implements [Type].
func (o Object) Schema() map[string]any { return objectSchema(o.Fields) }

// Check implements [Type].
func (o Object) Check(raw json.RawMessage) (json.RawMessage, error) {
	members, err := checkObject(o.Fields, raw)
	if err != nil {
		return nil, err
	}
	if o.Combine != nil {
		if err := o.Combine(members); err != nil {
			return nil, err
		}
	}
	return marshalOrdered(o.Fields, members), nil
}

// OneOf is an object that has exactly one of its members (e.g. a filter that is either
// dataSize or memcmp).
type OneOf struct{ Fields []Field }

// Schema implements [Type].
func (o OneOf) Schema() map[string]any {
	s := objectSchema(o.Fields)
	s["minProperties"] = 1
	s["maxProperties"] = 1
	return s
}

// Check implements [Type].
func (o OneOf) Check(raw json.RawMessage) (json.RawMessage, error) {
	members, err := checkObject(o.Fields, raw)
	if err != nil {
		return nil, err
	}
	if len(members) != 1 {
		names := make([]string, len(o.Fields))
		for i, f := range o.Fields {
			names[i] = f.Name
		}
		return nil, fmt.Errorf("expected an object with exactly one of %s, got %d of them",
			strings.Join(names, ", "), len(members))
	}
	return marshalOrdered(o.Fields, members), nil
}

func objectSchema(fields []Field) map[string]any {
	props := map[string]any{}
	var required []string
	for _, f := range fields {
		props[f.Name] = fieldSchema(f)
		if f.Required {
			required = append(required, f.Name)
		}
	}
	s := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		s["required"] = required
	}
	return s
}

func fieldSchema(f Field) map[string]any {
	s := f.Type.Schema()
	if f.Doc != "" {
		s["description"] = f.Doc
	}
	return s
}

// checkObject validates the members of raw against fields. Null members count as absent.
func checkObject(fields []Field, raw json.RawMessage) (map[string]json.RawMessage, error) {
	var in map[string]json.RawMessage
	if err := json.Unmarshal(raw, &in); err != nil || isNull(raw) {
		return nil, fmt.Errorf("expected an object, got %s", jsonKind(raw))
	}
	return checkMembers(fields, in, func(name string) error {
		return &checkError{path: name, msg: "unknown member; expected one of " +
			fieldNames(fields)}
	})
}

// checkMembers validates decoded members against fields and returns the checked ones.
// A member not among fields is refused with the error unknown returns for it.
func checkMembers(fields []Field, in map[string]json.RawMessage,
	unknown func(name string) error) (map[string]json.RawMessage, error) {
	for name := range in {
		if !hasField(fields, name) {
			return nil, unknown(name)
		}
	}
	out := map[string]json.RawMessage{}
	for _, f := range fields {
		v, ok := in[f.Name]
		if !ok || isNull(v) {
			if f.Required {
				return nil, &checkError{path: f.Name, msg: "is required"}
			}
			continue
		}
		checked, err := f.Type.Check(v)
		if err != nil {
			return nil, prefix(f.Name, err)
		}
		out[f.Name] = checked
	}
	return out, nil
}

func fieldNames(fields []Field) string {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.Name
	}
	return strings.Join(names, ", ")
}

// marshalOrdered writes members in the order of fields, so forwarded params are stable.
func marshalOrdered(fields []Field, members map[string]json.RawMessage) json.RawMessage {
	var b bytes.Buffer
	b.WriteByte('{')
	n := 0
	for _, f := range fields {
		v, ok := members[f.Name]
		if !ok {
			continue
		}
		if n > 0 {
			b.WriteByte(',')
		}
		b.Write(encodeString(f.Name))
		b.WriteByte(':')
		b.Write(v)
		n++
	}
	b.WriteByte('}')
	return b.Bytes()
}

func marshalRaw(items []json.RawMessage) json.RawMessage {
	var b bytes.Buffer
	b.WriteByte('[')
	for i, it := range items {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(it)
	}
	b.WriteByte(']')
	return b.Bytes()
}
