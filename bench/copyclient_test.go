package bench_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/cpcgen/cpcgen/bench/benchdb"
	"github.com/cpcgen/cpcgen/bench/handpgx"
	"github.com/cpcgen/cpcgen/runtime"
)

// copyEncoder is the client side of pgx's CopyFrom without a server: it
// reads every row of a source and encodes its values in the binary COPY
// format through a type map with the runtime's types, as pgx's
// CopyFrom does (one buffer, flushed every 64 KiB). It stands in for the
// database only in BenchmarkCopyClient, which measures what the code of
// each tool costs around pgx's encoders; every other method is unused
// (nil DBTX) and panics.
type copyEncoder struct {
	runtime.DBTX
	m    *pgtype.Map
	buf  []byte
	oids map[string]uint32
}

func newCopyEncoder() *copyEncoder {
	m := pgtype.NewMap()
	runtime.RegisterTypes(m)
	return &copyEncoder{m: m, buf: make([]byte, 0, 65536), oids: map[string]uint32{
		"id": pgtype.UUIDOID, "user_id": pgtype.UUIDOID, "amount": pgtype.NumericOID,
		"currency": pgtype.BPCharOID, "status": pgtype.TextOID, "memo": pgtype.TextOID,
		"created_at": pgtype.TimestamptzOID,
	}}
}

func (e *copyEncoder) CopyFrom(_ context.Context, _ pgx.Identifier, columns []string, src pgx.CopyFromSource) (int64, error) {
	oids := make([]uint32, len(columns))
	for i, c := range columns {
		oids[i] = e.oids[c]
	}
	var n int64
	buf := e.buf[:0]
	for src.Next() {
		values, err := src.Values()
		if err != nil {
			return n, err
		}
		if len(values) != len(oids) {
			return n, fmt.Errorf("%d values for %d columns", len(values), len(oids))
		}
		buf = binary.BigEndian.AppendUint16(buf, uint16(len(oids)))
		for i, v := range values {
			sp := len(buf)
			buf = binary.BigEndian.AppendUint32(buf, 0xffffffff)
			arg, err := e.m.Encode(oids[i], pgtype.BinaryFormatCode, v, buf)
			if err != nil {
				return n, err
			}
			if arg != nil {
				buf = arg
				binary.BigEndian.PutUint32(buf[sp:], uint32(len(buf[sp:])-4))
			}
		}
		n++
		if len(buf) > 60000 {
			buf = buf[:0]
		}
	}
	e.buf = buf
	return n, src.Err()
}

// BenchmarkCopyClient measures the client side of CreateMany of 10,000
// rows alone: the tool's row source and pgx's encoders, no server.
func BenchmarkCopyClient(b *testing.B) {
	rows := newRows([16]byte{1}, bulkRows)
	b.Run("tool=pgx", func(b *testing.B) {
		e := newCopyEncoder()
		cols := []string{"user_id", "amount", "currency", "status", "memo"}
		b.ReportAllocs()
		cpu0 := processCPU()
		for range b.N {
			if n, err := e.CopyFrom(context.Background(), nil, cols, handpgx.NewCopySource(rows)); err != nil || n != bulkRows {
				b.Fatalf("copy: %d, %v", n, err)
			}
		}
		b.ReportMetric(float64(processCPU()-cpu0)/float64(b.N), "cpu-ns/op")
	})
	b.Run("tool=cpcgen", func(b *testing.B) {
		e := newCopyEncoder()
		s := benchdb.NewStore(e)
		in := cpcgenTool{}.PrepareMany(rows).([]benchdb.NewTransaction)
		b.ReportAllocs()
		cpu0 := processCPU()
		for range b.N {
			if n, err := s.Transactions.CreateMany(context.Background(), in); err != nil || n != bulkRows {
				b.Fatalf("copy: %d, %v", n, err)
			}
		}
		b.ReportMetric(float64(processCPU()-cpu0)/float64(b.N), "cpu-ns/op")
	})
}
