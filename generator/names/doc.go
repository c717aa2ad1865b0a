// Package names turns SQL names into Go names and quotes SQL identifiers
// and literals, the same way for every stage of the generator: the
// builder names the IR with it, and emitters that write SQL quote with it.
//
//	names.GoName("user_id")      // UserID
//	names.ModelName("accounts")  // Account
//	names.Plural("LedgerEntry")  // LedgerEntries
//	names.QuoteIdent("order")    // "order"
//
// It sits below both the builder and the emitters and imports neither.
package names
