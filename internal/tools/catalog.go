package tools

import (
	"encoding/json"
	"fmt"
)

// Catalog returns every method offered as a tool, write methods included, grouped by
// toolset. Methods that current nodes removed (getConfirmedBlock,
// getRecentBlockhash, getFees, getStakeActivation, ...) are not offered.
func Catalog() []*Method {
	var all []*Method
	for _, group := range [][]*Method{
		accountMethods(), blockMethods(), transactionMethods(), tokenMethods(),
		networkMethods(),
	} {
		all = append(all, group...)
	}
	return all
}

// slotOrder checks that the end slot, if given, is not before start; maxSpan, when not
// zero, is the node's limit on end - start.
func slotOrder(start, end string, maxSpan uint64) func(map[string]json.RawMessage) error {
	return func(args map[string]json.RawMessage) error {
		s, _ := uintArg(args, start)
		e, ok := uintArg(args, end)
		if !ok {
			return nil
		}
		if e < s {
			return &checkError{path: end, msg: fmt.Sprintf("must not be below %s (%d)", start, s)}
		}
		if maxSpan > 0 && e-s > maxSpan {
			return &checkError{path: end, msg: fmt.Sprintf(
				"is %d slots after %s; the node allows at most %d", e-s, start, maxSpan)}
		}
		return nil
	}
}

func accountMethods() []*Method {
	return []*Method{
		{
			Name: "getAccountInfo", Group: "accounts",
			Doc: "Account lamports, owner, data, executable flag and rent epoch for a public " +
				"key; value is null if the account does not exist.",
			Params: []Field{pubkeyArg("pubkey", "Account address (base58).")},
			Config: []Field{commitmentArg(), accountEncodingArg(), dataSliceArg(),
				minContextSlotArg()},
			CommitmentField: "commitment",
			ConfigDefaults:  base64Default,
			Combine:         noSliceWithJSONParsed,
			Narrow:          []string{"dataSlice", "encoding"},
		},
		{
			Name: "getBalance", Group: "accounts",
			Doc:             "Lamport balance of an account (1 SOL = 1e9 lamports).",
			Params:          []Field{pubkeyArg("pubkey", "Account address (base58).")},
			Config:          []Field{commitmentArg(), minContextSlotArg()},
			CommitmentField: "commitment",
		},
		{
			Name: "getMultipleAccounts", Group: "accounts",
			Doc: "Account info for up to 100 public keys at once; null for each missing " +
				"account.",
			Params: []Field{{Name: "pubkeys", Required: true,
				Doc:  "Account addresses (base58), at most 100.",
				Type: List{Elem: Pubkey, MinItems: 1, MaxItems: maxMultipleAccounts}}},
			Config: []Field{commitmentArg(), accountEncodingArg(), dataSliceArg(),
				minContextSlotArg()},
			CommitmentField: "commitment",
			ConfigDefaults:  base64Default,
			Combine:         noSliceWithJSONParsed,
			Narrow:          []string{"pubkeys", "dataSlice", "encoding"},
		},
		{
			Name: "getProgramAccounts", Group: "accounts",
			Doc: "All accounts owned by a program, optionally filtered by data size and " +
				"byte matches. Can be very large: use filters and dataSlice.",
			Params: []Field{pubkeyArg("programId", "Program address (base58).")},
			Config: []Field{commitmentArg(), accountEncodingArg(), dataSliceArg(),
				filtersArg(), withContextArg(), minContextSlotArg(), sortResultsArg()},
			CommitmentField: "commitment",
			ConfigDefaults:  base64Default,
			Combine:         noSliceWithJSONParsed,
			Narrow:          []string{"filters", "dataSlice", "encoding"},
		},
		{
			Name: "getLargestAccounts", Group: "accounts",
			Doc: "The 20 largest accounts by lamport balance (results may be cached for hours).",
			Config: []Field{commitmentArg(), {Name: "filter",
				Type: Enum{"circulating", "nonCirculating"},
				Doc:  "Only circulating or only non-circulating accounts."},
				sortResultsArg()},
			CommitmentField: "commitment",
		},
		{
			Name: "getMinimumBalanceForRentExemption", Group: "accounts",
			Doc: "Lamports an account of the given data size needs to be rent exempt.",
			Params: []Field{{Name: "dataLength", Type: Uint{Max: maxAccountDataLen},
				Required: true, Doc: "Account data length in bytes (at most 10 MiB)."}},
			Config:          []Field{commitmentArg()},
			CommitmentField: "commitment",
		},
	}
}

func blockMethods() []*Method {
	return []*Method{
		{
			Name: "getBlock", Group: "blocks",
			Doc: "Identity and transactions of a confirmed block. Full blocks are large: " +
				"set transactionDetails to signatures or none to get less.",
			Params: []Field{slotArg("slot", "Slot number.", true)},
			Config: []Field{confirmedCommitmentArg(),
				{Name: "encoding", Type: txEncodings,
					Doc: "Transaction encoding (default json)."},
				{Name: "transactionDetails", Type: Enum{"full", "accounts", "signatures", "none"},
					Doc: "How much of each transaction to return (default full)."},
				{Name: "maxSupportedTransactionVersion", Type: Uint{Max: 127},
					Doc: "Highest transaction version to return (default: the server's)."},
				{Name: "rewards", Type: Bool{}, Doc: "Include rewards (default true)."},
			},
			CommitmentField: "commitment",
			ConfirmedOnly:   true,
			TxVersion:       true,
			Narrow:          []string{"transactionDetails", "rewards", "encoding"},
		},
		{
			Name: "getBlockCommitment", Group: "blocks",
			Doc:    "Commitment (stake voted per confirmation depth) for a block.",
			Params: []Field{slotArg("slot", "Slot number.", true)},
		},
		{
			Name: "getBlockHeight", Group: "blocks",
			Doc:             "Current block height of the node.",
			Config:          []Field{commitmentArg(), minContextSlotArg()},
			CommitmentField: "commitment",
		},
		{
			Name: "getBlockProduction", Group: "blocks",
			Doc: "Leader slots and blocks produced per validator in a slot range (default: current epoch).",
			Config: []Field{commitmentArg(),
				{Name: "identity", Type: Pubkey, Doc: "Only this validator identity (base58)."},
				{Name: "range", Doc: "Slot range (default: current epoch).",
					Type: Object{Fields: []Field{
						slotArg("firstSlot", "First slot.", true),
						slotArg("lastSlot", "Last slot (default: highest).", false),
					}, Combine: slotOrder("firstSlot", "lastSlot", 0)}},
			},
			CommitmentField: "commitment",
			Narrow:          []string{"identity", "range"},
		},
		{
			Name: "getBlocks", Group: "blocks",
			Doc: "Confirmed block slots between two slots (at most 500,000 apart).",
			Params: []Field{slotArg("startSlot", "First slot.", true),
				slotArg("endSlot", "Last slot (default: latest).", false)},
			Config:          []Field{confirmedCommitmentArg(), minContextSlotArg()},
			CommitmentField: "commitment",
			ConfirmedOnly:   true,
			Combine:         slotOrder("startSlot", "endSlot", maxBlocksRange),
			Narrow:          []string{"endSlot"},
		},
		{
			Name: "getBlocksWithLimit", Group: "blocks",
			Doc: "Confirmed block slots starting at a slot, at most limit of them.",
			Params: []Field{slotArg("startSlot", "First slot.", true),
				{Name: "limit", Type: Uint{Max: maxBlocksRange}, Required: true,
					Doc: "Most blocks to list (at most 500,000)."}},
			Config:          []Field{confirmedCommitmentArg(), minContextSlotArg()},
			CommitmentField: "commitment",
			ConfirmedOnly:   true,
			Narrow:          []string{"limit"},
		},
		{
			Name: "getBlockTime", Group: "blocks",
			Doc:    "Estimated production time of a block, as Unix seconds.",
			Params: []Field{slotArg("slot", "Slot number.", true)},
		},
		{
			Name: "getFirstAvailableBlock", Group: "blocks",
			Doc: "Slot of the lowest confirmed block not yet purged from the ledger.",
		},
		{
			Name: "getHighestSnapshotSlot", Group: "blocks",
			Doc: "Highest full and incremental snapshot slots of the node.",
		},
		{
			Name: "getLatestBlockhash", Group: "blocks",
			Doc:             "Latest blockhash and the last block height at which it is valid.",
			Config:          []Field{commitmentArg(), minContextSlotArg()},
			CommitmentField: "commitment",
		},
		{
			Name: "getMaxRetransmitSlot", Group: "blocks",
			Doc: "Highest slot seen by the retransmit stage.",
		},
		{
			Name: "getMaxShredInsertSlot", Group: "blocks",
			Doc: "Highest slot seen after shred insert.",
		},
		{
			Name: "getSlot", Group: "blocks",
			Doc:             "Slot that has reached the given commitment.",
			Config:          []Field{commitmentArg(), minContextSlotArg()},
			CommitmentField: "commitment",
		},
		{
			Name: "getSlotLeader", Group: "blocks",
			Doc:             "Identity of the current slot leader.",
			Config:          []Field{commitmentArg(), minContextSlotArg()},
			CommitmentField: "commitment",
		},
		{
			Name: "getSlotLeaders", Group: "blocks",
			Doc: "Slot leaders for a range of slots.",
			Params: []Field{slotArg("startSlot", "First slot.", true),
				{Name: "limit", Type: Uint{Min: 1, Max: maxSlotLeaders}, Required: true,
					Doc: "Number of leaders, 1 to 5000."}},
		},
		{
			Name: "isBlockhashValid", Group: "blocks",
			Doc: "Whether a blockhash is still valid for new transactions.",
			Params: []Field{{Name: "blockhash", Type: Blockhash, Required: true,
				Doc: "Blockhash (base58)."}},
			Config:          []Field{commitmentArg(), minContextSlotArg()},
			CommitmentField: "commitment",
		},
		{
			Name: "minimumLedgerSlot", Group: "blocks",
			Doc: "Lowest slot the node has information about in its ledger.",
		},
	}
}

func transactionMethods() []*Method {
	return []*Method{
		{
			Name: "getTransaction", Group: "transactions",
			Doc: "Details of a confirmed transaction by signature; null if not found.",
			Params: []Field{{Name: "signature", Type: Signature, Required: true,
				Doc: "Transaction signature (base58)."}},
			Config: []Field{confirmedCommitmentArg(),
				{Name: "encoding", Type: txEncodings, Doc: "Encoding (default json)."},
				{Name: "maxSupportedTransactionVersion", Type: Uint{Max: 127},
					Doc: "Highest transaction version to return (default: the server's)."},
			},
			CommitmentField: "commitment",
			ConfirmedOnly:   true,
			TxVersion:       true,
			Narrow:          []string{"encoding"},
		},
		{
			Name: "getSignaturesForAddress", Group: "transactions",
			Doc:    "Signatures of confirmed transactions that include an address, newest first.",
			Params: []Field{pubkeyArg("address", "Account address (base58).")},
			Config: []Field{confirmedCommitmentArg(),
				{Name: "limit", Type: Uint{Min: 1, Max: maxSignaturesLimit},
					Doc: "Most signatures to return, 1 to 1000 (default 1000)."},
				{Name: "before", Type: Signature,
					Doc: "Start searching backwards from this signature."},
				{Name: "until", Type: Signature, Doc: "Stop at this signature."},
				minContextSlotArg(),
			},
			CommitmentField: "commitment",
			ConfirmedOnly:   true,
			Narrow:          []string{"limit", "before", "until"},
		},
		{
			Name: "getSignatureStatuses", Group: "transactions",
			Doc: "Processing and confirmation status of up to 256 signatures.",
			Params: []Field{{Name: "signatures", Required: true,
				Doc:  "Transaction signatures (base58), at most 256.",
				Type: List{Elem: Signature, MinItems: 1, MaxItems: maxSignatureStatuses}}},
			Config: []Field{{Name: "searchTransactionHistory", Type: Bool{},
				Doc: "Search the ledger beyond the recent status cache."}},
		},
		{
			Name: "getTransactionCount", Group: "transactions",
			Doc:             "Number of transactions processed since genesis.",
			Config:          []Field{commitmentArg(), minContextSlotArg()},
			CommitmentField: "commitment",
		},
		{
			Name: "getFeeForMessage", Group: "transactions",
			Doc: "Fee in lamports the network charges for a message; null if its blockhash expired.",
			Params: []Field{{Name: "message", Type: String{MaxLen: maxBase64Tx}, Required: true,
				Doc: "Base64-encoded transaction message."}},
			Config:          []Field{commitmentArg(), minContextSlotArg()},
			CommitmentField: "commitment",
			Combine:         wireTx("message"),
		},
		{
			Name: "getRecentPrioritizationFees", Group: "transactions",
			Doc: "Recent per-slot minimum prioritization fees (micro-lamports per compute unit).",
			Params: []Field{{Name: "addresses",
				Doc:  "Only fees of transactions locking all these writable accounts (at most 128).",
				Type: List{Elem: Pubkey, MaxItems: maxPriorityAddresses}}},
		},
		{
			Name: "simulateTransaction", Group: "transactions",
			Doc: "Simulate a signed or unsigned transaction: logs, error, compute units, fee.",
			Params: []Field{{Name: "transaction", Type: String{MaxLen: maxBase58Tx},
				Required: true, Doc: "Encoded transaction (see encoding)."}},
			Config: []Field{commitmentArg(),
				{Name: "sigVerify", Type: Bool{},
					Doc: "Verify signatures (not with replaceRecentBlockhash)."},
				{Name: "replaceRecentBlockhash", Type: Bool{},
					Doc: "Replace the blockhash with the latest one."},
				minContextSlotArg(),
				{Name: "encoding", Type: wireEncodings,
					Doc: "Encoding of transaction (default base58)."},
				{Name: "innerInstructions", Type: Bool{}, Doc: "Return inner instructions."},
				{Name: "accounts", Doc: "Return these accounts' post-simulation state.",
					Type: Object{Fields: []Field{
						{Name: "addresses", Required: true,
							Doc:  "Account addresses (base58), at most the transaction's accounts.",
							Type: List{Elem: Pubkey, MaxItems: maxTxAccounts}},
						{Name: "encoding", Type: Enum{"base64", "base64+zstd", "jsonParsed"},
							Doc: "Account data encoding (default base64)."},
					}}},
			},
			CommitmentField: "commitment",
			Combine: allOf(wireTx("transaction"), func(args map[string]json.RawMessage) error {
				if string(args["sigVerify"]) == "true" &&
					string(args["replaceRecentBlockhash"]) == "true" {
					return &checkError{path: "replaceRecentBlockhash",
						msg: "cannot be true together with sigVerify; set one of them"}
				}
				return nil
			}),
		},
		{
			Name: "sendTransaction", Group: "transactions", Write: true,
			Doc: "Submit a signed transaction to the cluster; returns its signature. " +
				"Sent once, never retried by this server.",
			Params: []Field{{Name: "transaction", Type: String{MaxLen: maxBase58Tx},
				Required: true, Doc: "Fully signed transaction, encoded (see encoding)."}},
			Config: []Field{
				{Name: "encoding", Type: wireEncodings,
					Doc: "Encoding of transaction (default base58)."},
				{Name: "skipPreflight", Type: Bool{}, Doc: "Skip the preflight simulation."},
				{Name: "preflightCommitment", Type: commitmentLevels,
					Doc: "Commitment of the preflight simulation; defaults to the server's."},
				{Name: "maxRetries", Type: Uint{Max: maxUsize},
					Doc: "Most times the node retries sending to the leader."},
				minContextSlotArg(),
			},
			CommitmentField: "preflightCommitment",
			Combine:         wireTx("transaction"),
		},
		{
			Name: "requestAirdrop", Group: "transactions", Write: true,
			Doc: "Request an airdrop of lamports (devnet and testnet only); returns the signature.",
			Params: []Field{pubkeyArg("pubkey", "Address to receive lamports (base58)."),
				{Name: "lamports", Type: Uint{Min: 1, Max: ^uint64(0)}, Required: true,
					Doc: "Lamports to request."}},
			Config:          []Field{commitmentArg()},
			CommitmentField: "commitment",
		},
	}
}

// tokenAccountsBy builds getTokenAccountsByOwner and getTokenAccountsByDelegate, whose
// second param is {mint} or {programId}.
func tokenAccountsBy(name, first, doc string) *Method {
	return &Method{
		Name: name, Group: "tokens", Doc: doc,
		Params: []Field{pubkeyArg(first, "Account address (base58)."),
			{Name: "mint", Type: Pubkey, Doc: "Only accounts of this token mint (or give programId)."},
			{Name: "programId", Type: Pubkey,
				Doc: "Only accounts of this token program, e.g. Tokenkeg... (or give mint)."}},
		Config: []Field{commitmentArg(), accountEncodingArg(), dataSliceArg(),
			minContextSlotArg()},
		CommitmentField: "commitment",
		ConfigDefaults:  base64Default,
		Combine: allOf(noSliceWithJSONParsed, func(args map[string]json.RawMessage) error {
			if (args["mint"] == nil) == (args["programId"] == nil) {
				return &checkError{path: "mint",
					msg: "give exactly one of mint and programId"}
			}
			return nil
		}),
		Build: func(args map[string]json.RawMessage, config json.RawMessage) []json.RawMessage {
			filter := marshalOrdered([]Field{{Name: "mint"}, {Name: "programId"}}, args)
			params := []json.RawMessage{args[first], filter}
			if config != nil {
				params = append(params, config)
			}
			return params
		},
		Narrow: []string{"mint", "dataSlice", "encoding"},
	}
}

func tokenMethods() []*Method {
	return []*Method{
		{
			Name: "getTokenAccountBalance", Group: "tokens",
			Doc:             "Token balance of an SPL token account (amount as a string, and decimals).",
			Params:          []Field{pubkeyArg("pubkey", "Token account address (base58).")},
			Config:          []Field{commitmentArg()},
			CommitmentField: "commitment",
		},
		tokenAccountsBy("getTokenAccountsByDelegate", "delegate",
			"SPL token accounts approved for a delegate, by mint or token program."),
		tokenAccountsBy("getTokenAccountsByOwner", "owner",
			"SPL token accounts owned by an address, by mint or token program."),
		{
			Name: "getTokenLargestAccounts", Group: "tokens",
			Doc:             "The 20 largest accounts of an SPL token mint.",
			Params:          []Field{pubkeyArg("mint", "Token mint address (base58).")},
			Config:          []Field{commitmentArg()},
			CommitmentField: "commitment",
		},
		{
			Name: "getTokenSupply", Group: "tokens",
			Doc:             "Total supply of an SPL token mint.",
			Params:          []Field{pubkeyArg("mint", "Token mint address (base58).")},
			Config:          []Field{commitmentArg()},
			CommitmentField: "commitment",
		},
	}
}

func networkMethods() []*Method {
	return []*Method{
		{
			Name: "getClusterNodes", Group: "network",
			Doc: "All nodes in the cluster: identity, gossip, RPC and TPU addresses, version.",
		},
		{
			Name: "getEpochInfo", Group: "network",
			Doc:             "Current epoch, slot index, slots in epoch, block height.",
			Config:          []Field{commitmentArg(), minContextSlotArg()},
			CommitmentField: "commitment",
		},
		{
			Name: "getEpochSchedule", Group: "network",
			Doc: "Epoch schedule from the genesis config.",
		},
		{
			Name: "getGenesisHash", Group: "network",
			Doc: "Genesis hash of the cluster (tells which cluster this is).",
		},
		{
			Name: "getHealth", Group: "network",
			Probe: true,
			Doc:   `"ok" if the node is healthy; an RPC error -32005 says how far behind it is.`,
		},
		{
			Name: "getIdentity", Group: "network",
			Doc: "Identity public key of the node.",
		},
		{
			Name: "getInflationGovernor", Group: "network",
			Doc:             "Inflation governor parameters.",
			Config:          []Field{commitmentArg()},
			CommitmentField: "commitment",
		},
		{
			Name: "getInflationRate", Group: "network",
			Doc: "Inflation rates of the current epoch.",
		},
		{
			Name: "getInflationReward", Group: "network",
			Doc: "Staking or voting inflation reward of addresses for an epoch.",
			Params: []Field{{Name: "addresses", Required: true,
				Doc:  "Addresses (base58), at most 1000.",
				Type: List{Elem: Pubkey, MinItems: 1, MaxItems: maxRewardAddresses}}},
			Config: []Field{confirmedCommitmentArg(),
				{Name: "epoch", Type: U64, Doc: "Epoch (default: the previous one)."},
				minContextSlotArg()},
			CommitmentField: "commitment",
			// The node looks the rewards up in blocks, which refuses processed.
			ConfirmedOnly: true,
		},
		{
			Name: "getLeaderSchedule", Group: "network",
			Doc: "Leader schedule of an epoch: slot indexes per validator identity. " +
				"Large: give identity to get one validator's slots.",
			Params: []Field{slotArg("slot", "Any slot of the epoch (default: current).", false)},
			Config: []Field{commitmentArg(),
				{Name: "identity", Type: Pubkey, Doc: "Only this validator identity (base58)."}},
			CommitmentField: "commitment",
			Narrow:          []string{"identity"},
		},
		{
			Name: "getRecentPerformanceSamples", Group: "network",
			Doc: "Recent per-minute samples of transactions and slots processed.",
			Params: []Field{{Name: "limit", Type: Uint{Min: 1, Max: maxPerformanceSamples},
				Doc: "Number of samples, 1 to 720 (default 720)."}},
			Narrow: []string{"limit"},
		},
		{
			Name: "getStakeMinimumDelegation", Group: "network",
			Doc:             "Minimum stake delegation, in lamports.",
			Config:          []Field{commitmentArg(), minContextSlotArg()},
			CommitmentField: "commitment",
		},
		{
			Name: "getSupply", Group: "network",
			Doc: "Total, circulating and non-circulating SOL supply in lamports.",
			Config: []Field{commitmentArg(), {Name: "excludeNonCirculatingAccountsList",
				Type: Bool{}, Doc: "Leave out the list of non-circulating accounts."}},
			CommitmentField: "commitment",
			Narrow:          []string{"excludeNonCirculatingAccountsList"},
		},
		{
			Name: "getVersion", Group: "network",
			Doc: "Solana software version and feature set of the node.",
		},
		{
			Name: "getVoteAccounts", Group: "network",
			Doc: "Current and delinquent vote accounts with stake. Large: give votePubkey to narrow.",
			Config: []Field{commitmentArg(),
				{Name: "votePubkey", Type: Pubkey, Doc: "Only this vote account (base58)."},
				{Name: "keepUnstakedDelinquents", Type: Bool{},
					Doc: "Keep delinquent validators without stake."},
				{Name: "delinquentSlotDistance", Type: U64,
					Doc: "Slots behind after which a validator counts as delinquent."}},
			CommitmentField: "commitment",
			Narrow:          []string{"votePubkey"},
		},
	}
}
