package ir

// BulkWrite describes a table's batch writes by primary key: UpdateMany
// and UpdateManyReturning, DeleteMany and, with soft_delete,
// HardDeleteMany and RestoreMany. Each sends its rows in key order as
// one array per column, in one statement per runtime.DefaultBulkChunk
// rows, through a package-level runtime.Bulk that says how to order,
// validate and send them. The batch upserts are described with their
// key (UniqueKey.UpsertMany).
type BulkWrite struct {
	// KeyedUpdate names the row type of UpdateMany (DocumentKeyedUpdate):
	// the primary key's fields, the version's (optimistic_lock) and
	// Changes, the field holding the update struct. "" when UpdateMany
	// is not generated (a table no update can change).
	KeyedUpdate string
	Changes     string
	// Key names the struct of a composite primary key (OrderItemKey),
	// the keys' type of DeleteMany, HardDeleteMany and RestoreMany; ""
	// for a single-column key, whose Go type they take.
	Key string
	// PK orders rows by primary key: each key column with the function
	// comparing its values. Empty when no batch write by primary key is
	// generated (a key column whose Go type has no order).
	PK []*BulkKeyPart
	// Updates, Keys and Versions name the package-level runtime.Bulk of
	// the keyed updates, of the keys and of the keys with versions
	// (runtime.Versioned: DeleteMany of a table with optimistic_lock);
	// "" when not generated. UpdateArgs, KeyArgs and VersionArgs are the
	// arrays each sends, in placeholder order.
	Updates     string
	Keys        string
	Versions    string
	UpdateArgs  []BulkArg
	KeyArgs     []BulkArg
	VersionArgs []BulkArg
	// New names the package-level runtime.Bulk of the insert struct that
	// the batch upserts share (each orders rows by its own key), and
	// NewArgs the arrays it sends; "" without a batch upsert.
	New     string
	NewArgs []BulkArg
	// The statements (Const "" when not generated). DeleteMany binds
	// VersionArgs on a table with optimistic_lock, KeyArgs otherwise;
	// HardDeleteMany and RestoreMany (soft_delete) bind KeyArgs.
	UpdateMany          Statement
	UpdateManyReturning Statement
	DeleteMany          Statement
	HardDeleteMany      Statement
	RestoreMany         Statement
}

// BulkKeyPart is one column of a key batch writes sort and match rows
// by, and the Go function ordering its values (runtime.CompareUUID,
// cmp.Compare …).
type BulkKeyPart struct {
	Column  *Column
	Compare GoFunc
	// Path leads from a row of the batch to the column's value (see
	// BulkArg.Path).
	Path []string
}

// GoFunc names a Go function: Name of the package at Path.
type GoFunc struct{ Path, Name string }

// BulkArg is one array a batch statement binds: the value of one field
// of every row, read as Kind says (ArgValue, ArgOptPtr, ArgOptSet,
// ArgOptValue).
type BulkArg struct {
	Column *Column
	Kind   ArgKind
	// Path are the field names leading from a row of the batch to the
	// value: ["ID"] in a keyed update, ["Changes", "Title"] for a change,
	// ["Key", "OrderID"] in a runtime.Versioned of a composite key; empty
	// when the row is the value itself (a single-column key).
	Path []string
	// TextType is set for an array-typed value, which unnest cannot carry
	// as it is: it travels as the text of its literal
	// (runtime.TextArray), written as the pgx type TextType ("_text").
	TextType string
}
