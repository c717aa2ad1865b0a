package otelattr

import (
	"go.opentelemetry.io/otel/attribute"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"

	"github.com/cpcgen/cpcgen/runtime"
)

// KeyErrorKind is the runtime.Kind of a failure (Kind.Name: "conflict",
// "timeout", …), next to the standard error.type.
const KeyErrorKind = attribute.Key("cpcgen.error.kind")

// Statement is what the attributes of a statement describe; empty fields
// (and a zero Port) give no attribute.
type Statement struct {
	Op       string // db.query.summary
	Method   string // db.operation.name
	Table    string // db.collection.name
	Database string // db.namespace
	Host     string // server.address
	Port     uint16 // server.port, only with Host
}

// AppendStatement appends the attributes of s to attrs.
func AppendStatement(attrs []attribute.KeyValue, s Statement) []attribute.KeyValue {
	if s.Op != "" {
		attrs = append(attrs, semconv.DBQuerySummary(s.Op))
	}
	if s.Method != "" {
		attrs = append(attrs, semconv.DBOperationName(s.Method))
	}
	if s.Table != "" {
		attrs = append(attrs, semconv.DBCollectionName(s.Table))
	}
	if s.Database != "" {
		attrs = append(attrs, semconv.DBNamespace(s.Database))
	}
	if s.Host != "" {
		attrs = append(attrs, semconv.ServerAddress(s.Host))
		if s.Port != 0 {
			attrs = append(attrs, semconv.ServerPort(int(s.Port)))
		}
	}
	return attrs
}

// AppendFailure appends the attributes of a failed statement to attrs:
// db.response.status_code (code, the SQLSTATE, when the server sent
// one), error.type (that SQLSTATE, otherwise the Kind's name) and
// KeyErrorKind.
func AppendFailure(attrs []attribute.KeyValue, kind runtime.Kind, code string) []attribute.KeyValue {
	errType := kind.Name()
	if code != "" {
		errType = code
		attrs = append(attrs, semconv.DBResponseStatusCode(code))
	}
	return append(attrs, semconv.ErrorTypeKey.String(errType), KeyErrorKind.String(kind.Name()))
}
