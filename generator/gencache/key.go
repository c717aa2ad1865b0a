package gencache

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
)

// Key names a cache entry: the SHA-256 of everything the entry's content
// is a function of.
type Key [sha256.Size]byte

// String is the key in hexadecimal, the entry's file name.
func (k Key) String() string { return hex.EncodeToString(k[:]) }

// Hasher builds a Key from parts. Every part is written with its length,
// so that different sequences of parts never give the same bytes.
type Hasher struct {
	buf []byte
}

// NewHasher starts a key of the given kind ("table file", "schema"…): keys
// of different kinds never collide.
func NewHasher(kind string) *Hasher {
	h := &Hasher{buf: make([]byte, 0, 256)}
	return h.String(kind)
}

// String adds a string part.
func (h *Hasher) String(s string) *Hasher {
	h.buf = binary.AppendUvarint(h.buf, uint64(len(s)))
	h.buf = append(h.buf, s...)
	return h
}

// Bytes adds a byte-slice part.
func (h *Hasher) Bytes(b []byte) *Hasher {
	h.buf = binary.AppendUvarint(h.buf, uint64(len(b)))
	h.buf = append(h.buf, b...)
	return h
}

// Key adds another key as a part.
func (h *Hasher) Key(k Key) *Hasher { return h.Bytes(k[:]) }

// Sum returns the key of the parts added.
func (h *Hasher) Sum() Key { return sha256.Sum256(h.buf) }
