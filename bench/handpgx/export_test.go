package handpgx

// NewCopySource exposes the COPY row source to the tests.
func NewCopySource(rows []NewTransaction) interface {
	Next() bool
	Values() ([]any, error)
	Err() error
} {
	return newCopySource(rows)
}
