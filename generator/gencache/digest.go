package gencache

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"hash"
	"io"
	"math"
	"reflect"
	"sort"
)

// Digester encodes a value graph — structs, pointers, slices, maps,
// strings, numbers — into bytes that are equal exactly when the values
// are, and hashes them. Pointers are followed; a pointer met again
// encodes as a back-reference to its first encoding, so that cycles end
// and sharing is part of the digest. Function values encode only as
// Unexported fields are encoded like exported ones. A value that cannot
// be compared by content — a function, a channel, an unsafe pointer —
// makes Sum fail, unless Ref cut the graph before it: a closure's
// captured state would otherwise escape the digest.
//
// A Digester is not safe for concurrent use; use one per goroutine. Ref
// and Omit must not change once it is used.
type Digester struct {
	// Ref, when set, is asked about every non-nil pointer before it is
	// followed; when it returns ok, the pointer encodes as name and its
	// target is not visited. The pipeline cuts the IR at other tables
	// this way (a table's file reads only their names and a few facts,
	// which their own digests cover).
	Ref func(p reflect.Value) (name string, ok bool)
	// Omit, when set, leaves out every struct field of a type it returns
	// true for (source positions, for files that never show them).
	Omit func(t reflect.Type) bool

	buf  []byte
	seen map[uintptr]int
	// fields are the indexes of the fields each struct type encodes: all
	// but those Omit leaves out.
	fields map[reflect.Type][]int
	// h, when set, receives buf whenever it grows past flushSize.
	h   hash.Hash
	err error
}

// flushSize is how much encoding Sum buffers before hashing it.
const flushSize = 32 << 10

// Encoding tags: one byte before each value saying what follows.
const (
	tagNil byte = iota
	tagFalse
	tagTrue
	tagInt
	tagUint
	tagFloat
	tagString
	tagSlice
	tagMap
	tagPtr
	tagBackRef
	tagRef
	tagIface
	tagStruct
	tagOther
)

// Sum returns the digest of v: the SHA-256 of its encoding.
func (d *Digester) Sum(v any) (Key, error) {
	if d.h == nil {
		d.h = sha256.New()
	} else {
		d.h.Reset()
	}
	d.reset()
	d.value(reflect.ValueOf(v))
	d.h.Write(d.buf)
	var k Key
	d.h.Sum(k[:0])
	d.buf = d.buf[:0]
	return k, d.err
}

// encode returns the encoding of v, unhashed. The slice is reused by
// the next call.
func (d *Digester) encode(v reflect.Value) ([]byte, error) {
	d.h = nil
	d.reset()
	d.value(v)
	return d.buf, d.err
}

func (d *Digester) reset() {
	d.buf = d.buf[:0]
	d.err = nil
	if d.seen == nil {
		d.seen = map[uintptr]int{}
	} else {
		clear(d.seen)
	}
}

// flush hashes the buffered encoding when it is large.
func (d *Digester) flush() {
	if d.h != nil && len(d.buf) >= flushSize {
		d.h.Write(d.buf)
		d.buf = d.buf[:0]
	}
}

func (d *Digester) tag(t byte) { d.buf = append(d.buf, t) }

func (d *Digester) uvarint(n uint64) { d.buf = binary.AppendUvarint(d.buf, n) }

func (d *Digester) str(s string) {
	d.uvarint(uint64(len(s)))
	if d.h != nil && len(s) >= 512 {
		// A long string (an SQL statement) goes to the hash directly.
		d.h.Write(d.buf)
		d.buf = d.buf[:0]
		io.WriteString(d.h, s)
		return
	}
	d.buf = append(d.buf, s...)
	d.flush()
}

// fieldsOf returns the indexes of the fields of struct type t to
// encode, computed once per type.
func (d *Digester) fieldsOf(t reflect.Type) []int {
	if f, ok := d.fields[t]; ok {
		return f
	}
	if d.fields == nil {
		d.fields = map[reflect.Type][]int{}
	}
	f := make([]int, 0, t.NumField())
	for i := 0; i < t.NumField(); i++ {
		if d.Omit == nil || !d.Omit(t.Field(i).Type) {
			f = append(f, i)
		}
	}
	d.fields[t] = f
	return f
}

func (d *Digester) value(v reflect.Value) {
	if isNil(v) {
		d.tag(tagNil)
		return
	}
	switch v.Kind() {
	case reflect.Bool:
		if v.Bool() {
			d.tag(tagTrue)
		} else {
			d.tag(tagFalse)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		d.tag(tagInt)
		d.buf = binary.AppendVarint(d.buf, v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		d.tag(tagUint)
		d.uvarint(v.Uint())
	case reflect.Float32, reflect.Float64:
		d.tag(tagFloat)
		d.buf = binary.LittleEndian.AppendUint64(d.buf, math.Float64bits(v.Float()))
	case reflect.Complex64, reflect.Complex128:
		d.tag(tagFloat)
		c := v.Complex()
		d.buf = binary.LittleEndian.AppendUint64(d.buf, math.Float64bits(real(c)))
		d.buf = binary.LittleEndian.AppendUint64(d.buf, math.Float64bits(imag(c)))
	case reflect.String:
		d.tag(tagString)
		d.str(v.String())
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			d.tag(tagString)
			d.str(string(v.Bytes()))
			return
		}
		fallthrough
	case reflect.Array:
		d.tag(tagSlice)
		n := v.Len()
		d.uvarint(uint64(n))
		for i := 0; i < n; i++ {
			d.value(v.Index(i))
		}
	case reflect.Map:
		d.mapValue(v)
	case reflect.Pointer:
		if d.Ref != nil {
			if name, ok := d.Ref(v); ok {
				d.tag(tagRef)
				d.str(name)
				return
			}
		}
		p := v.Pointer()
		if n, ok := d.seen[p]; ok {
			d.tag(tagBackRef)
			d.uvarint(uint64(n))
			return
		}
		d.seen[p] = len(d.seen)
		d.tag(tagPtr)
		d.value(v.Elem())
	case reflect.Interface:
		d.tag(tagIface)
		d.str(v.Elem().Type().String())
		d.value(v.Elem())
	case reflect.Struct:
		d.tag(tagStruct)
		for _, i := range d.fieldsOf(v.Type()) {
			d.value(v.Field(i))
		}
	default:
		// Functions, channels and unsafe pointers other than nil have no
		// content to compare.
		if d.err == nil {
			d.err = fmt.Errorf("digest: a %s value cannot be compared by content", v.Type())
		}
		d.tag(tagOther)
	}
}

// isNil reports whether v is no value, or nil of a kind that has nil:
// each is encoded as tagNil.
func isNil(v reflect.Value) bool {
	if !v.IsValid() {
		return true
	}
	switch v.Kind() {
	case reflect.Slice, reflect.Map, reflect.Pointer, reflect.Interface, reflect.Func, reflect.Chan, reflect.UnsafePointer:
		return v.IsNil()
	}
	return false
}

// mapValue encodes a map's entries in the order of their keys'
// encodings; the keys are encoded on their own (a pointer in a key does
// not take part in back-references), the values in that order, so that
// the encoding does not depend on the map's iteration order.
func (d *Digester) mapValue(v reflect.Value) {
	type entry struct {
		enc []byte
		key reflect.Value
	}
	entries := make([]entry, 0, v.Len())
	for it := v.MapRange(); it.Next(); {
		kd := Digester{Ref: d.Ref, Omit: d.Omit, fields: d.fields}
		enc, err := kd.encode(it.Key())
		if err != nil && d.err == nil {
			d.err = err
		}
		entries = append(entries, entry{enc, it.Key()})
	}
	sort.Slice(entries, func(i, j int) bool { return bytes.Compare(entries[i].enc, entries[j].enc) < 0 })
	d.tag(tagMap)
	d.uvarint(uint64(len(entries)))
	for _, e := range entries {
		d.buf = append(d.buf, e.enc...)
		d.value(v.MapIndex(e.key))
	}
}
