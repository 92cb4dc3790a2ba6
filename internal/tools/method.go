// Package tools is the catalog of Solana JSON-RPC methods offered as MCP tools: for
// each method its documented, typed arguments, the checks they get before any upstream
// call, and how they become the method's positional params and config object.
//
// Arguments arrive as raw JSON and leave as raw JSON; numbers are checked on their
// digits and never pass through float64, so a u64 above 2^53 is forwarded exactly.
package tools

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Method is one Solana JSON-RPC method, offered as the tool of the same name.
type Method struct {
	// Name is the JSON-RPC method name, and the tool name.
	Name string
	// Group is the toolset the tool belongs to (see config.Toolsets).
	Group string
	// Doc is the tool description: short, since agents pay for every word.
	Doc string
	// Write marks methods that change state or spend: sendTransaction, requestAirdrop.
	// They are offered only when write tools are enabled and are never retried.
	Write bool
	// Probe marks methods whose node error is the answer itself (getHealth answers an
	// unhealthy node with -32005): it is not retried, nor held against the URL.
	Probe bool
	// Params are the positional params, in order.
	Params []Field
	// Config are the members of the trailing config object; nil when there is none.
	Config []Field
	// CommitmentField names the config member that takes the configured default
	// commitment when the caller gives none ("commitment", or "preflightCommitment").
	CommitmentField string
	// ConfirmedOnly marks methods that refuse processed commitment.
	ConfirmedOnly bool
	// TxVersion marks methods that get maxSupportedTransactionVersion by default.
	TxVersion bool
	// ConfigDefaults are config members sent when the caller gives none (raw JSON).
	ConfigDefaults map[string]json.RawMessage
	// Combine checks combinations of the checked arguments that the node rejects.
	Combine func(args map[string]json.RawMessage) error
	// Build, when set, assembles params instead of the default positional layout; it
	// gets the checked positional args and the config object (nil when empty).
	Build func(args map[string]json.RawMessage, config json.RawMessage) []json.RawMessage
	// Narrow names the arguments that make a too-large result smaller.
	Narrow []string
}

// Options are the server settings that shape params.
type Options struct {
	// Commitment is the default commitment.
	Commitment string
	// MaxTxVersion is the default maxSupportedTransactionVersion, as decimal text.
	MaxTxVersion string
	// Networks are the configured network names, the default first.
	Networks []string
}

// Call is a checked tool call, ready to forward.
type Call struct {
	Network string
	// Params is nil when the method is sent without params.
	Params []json.RawMessage
}

// fields lists every argument of the tool, positional params first.
func (m *Method) fields() []Field {
	return append(append([]Field(nil), m.Params...), m.Config...)
}

// InputSchema is the tool's JSON Schema, with the network argument listing networks.
func (m *Method) InputSchema(networks []string) json.RawMessage {
	fields := m.fields()
	if len(networks) > 0 {
		fields = append(fields, Field{Name: "network", Type: Enum(networks),
			Doc: "Network to query (default " + networks[0] + ")."})
	}
	s := objectSchema(fields)
	b, err := json.Marshal(s)
	if err != nil {
		panic(fmt.Sprintf("tools: schema of %s: %v", m.Name, err)) // static data
	}
	return b
}

// NetworkOf returns the network that raw arguments name, if it is a configured one, else
// the default network: the label under which a rejected call is counted.
func NetworkOf(raw json.RawMessage, networks []string) string {
	var in struct {
		Network string `json:"network"`
	}
	if json.Unmarshal(raw, &in) == nil && slices.Contains(networks, in.Network) {
		return in.Network
	}
	return networks[0]
}

// Prepare checks raw arguments (a JSON object, or empty) and builds the call. Errors
// name the argument and say what was expected.
func (m *Method) Prepare(raw json.RawMessage, opts Options) (*Call, error) {
	if len(bytes.TrimSpace(raw)) == 0 || isNull(raw) {
		raw = json.RawMessage("{}")
	}
	var in map[string]json.RawMessage
	if err := json.Unmarshal(raw, &in); err != nil {
		return nil, fmt.Errorf("arguments must be a JSON object, got %s", jsonKind(raw))
	}

	call := &Call{Network: opts.Networks[0]}
	if v, ok := in["network"]; ok && !isNull(v) {
		checked, err := Enum(opts.Networks).Check(v)
		if err != nil {
			return nil, prefix("network", err)
		}
		_ = json.Unmarshal(checked, &call.Network)
	}
	delete(in, "network")

	all := m.fields()
	args, err := checkMembers(all, in, func(name string) error {
		return &checkError{path: name, msg: "unknown argument; " + m.Name + " takes " +
			argList(all)}
	})
	if err != nil {
		return nil, err
	}
	if m.Combine != nil {
		if err := m.Combine(args); err != nil {
			return nil, err
		}
	}

	config := m.configObject(args, opts)
	if m.Build != nil {
		call.Params = m.Build(args, config)
		return call, nil
	}
	call.Params = m.positional(args, config)
	return call, nil
}

// configObject builds the config object from the caller's members and the defaults;
// nil when it would be empty.
func (m *Method) configObject(args map[string]json.RawMessage, opts Options) json.RawMessage {
	if m.Config == nil {
		return nil
	}
	members := map[string]json.RawMessage{}
	for _, f := range m.Config {
		if v, ok := args[f.Name]; ok {
			members[f.Name] = v
		}
	}
	if cf := m.CommitmentField; cf != "" && members[cf] == nil && opts.Commitment != "" {
		c := opts.Commitment
		if m.ConfirmedOnly && c == "processed" {
			c = "confirmed"
		}
		members[cf] = encodeString(c)
	}
	if m.TxVersion && members["maxSupportedTransactionVersion"] == nil &&
		opts.MaxTxVersion != "" {
		members["maxSupportedTransactionVersion"] = json.RawMessage(opts.MaxTxVersion)
	}
	for name, v := range m.ConfigDefaults {
		if members[name] == nil {
			members[name] = v
		}
	}
	if len(members) == 0 {
		return nil
	}
	return marshalOrdered(m.Config, members)
}

// positional lays out params in order, with null for an absent optional param that a
// later one follows, and the config object last.
func (m *Method) positional(args map[string]json.RawMessage,
	config json.RawMessage) []json.RawMessage {
	var params []json.RawMessage
	pending := 0 // absent params waiting for a later one
	for _, f := range m.Params {
		v, ok := args[f.Name]
		if !ok {
			pending++
			continue
		}
		for ; pending > 0; pending-- {
			params = append(params, json.RawMessage("null"))
		}
		params = append(params, v)
	}
	if config != nil {
		for ; pending > 0; pending-- {
			params = append(params, json.RawMessage("null"))
		}
		params = append(params, config)
	}
	if params == nil {
		return nil
	}
	return params
}

func hasField(fields []Field, name string) bool {
	for _, f := range fields {
		if f.Name == name {
			return true
		}
	}
	return false
}

func argList(fields []Field) string {
	if len(fields) == 0 {
		return "no arguments besides network"
	}
	names := make([]string, 0, len(fields))
	for _, f := range fields {
		names = append(names, f.Name)
	}
	sort.Strings(names)
	return strings.Join(names, ", ") + " (and network)"
}
