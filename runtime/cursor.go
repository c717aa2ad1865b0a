package runtime

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
)

// MaxCursorLength is the longest page cursor, in bytes, that a
// paginated method accepts; a longer one is refused before it is
// decoded. A cursor holds the sort key of one row, so it stays far
// shorter unless a key column holds long texts.
const MaxCursorLength = 16 << 10

// EnvCursorKeys is the environment variable that holds the cursor keys
// (see ParseCursorKeys): ConfigFromEnv reads it into Config.CursorKeys,
// and CursorKeysOf falls back to it for a DBTX that carries no keys.
const EnvCursorKeys = "CPCGEN_CURSOR_KEYS"

// MinCursorKeyLength and MaxCursorKeyLength bound the length of a cursor
// key, in bytes.
const (
	MinCursorKeyLength = 32
	MaxCursorKeyLength = 1024
)

// CursorKeys seals the page cursors of paginated methods: a sealed
// cursor is encrypted and authenticated (AES-256-GCM under a key derived
// with HKDF-SHA256 from one of the keys and a random 128-bit salt per
// cursor, so that no key is used for more than one cursor and there is
// no bound on how many cursors a key may seal),
// so that it reveals nothing of the row it points after, and it is bound
// to the method and tenant it was made for, so that it cannot be altered
// or replayed against another query or tenant.
//
// Keys rotate: Seal uses the first key, Unseal tries every key. To
// rotate, put the new key first and keep the old one after it for as
// long as cursors made with it should keep working (cursors live as long
// as a client keeps paging, minutes to hours), then drop it.
//
// A *CursorKeys is safe for concurrent use. It never prints its keys:
// String, fmt, log/slog and encoders show only how many there are.
type CursorKeys struct {
	keys [][]byte
	// macs holds, per key, HMAC-SHA256 instances keyed with it, for
	// deriving the key of each cursor.
	macs []*sync.Pool
	// generated is set for the random key of a process with no keys
	// configured.
	generated bool
}

// NewCursorKeys returns the cursor keys keys, the first one sealing:
// each of MinCursorKeyLength to MaxCursorKeyLength random bytes. The
// error names a key by its position, never by its content.
func NewCursorKeys(keys ...[]byte) (*CursorKeys, error) {
	if len(keys) == 0 {
		return nil, errors.New("runtime: cursor keys: no key given")
	}
	for i, key := range keys {
		if len(key) < MinCursorKeyLength || len(key) > MaxCursorKeyLength {
			return nil, fmt.Errorf("runtime: cursor keys: key %d of %d is %d bytes; a key is %d to %d random bytes (make one with: openssl rand -base64 32)",
				i+1, len(keys), len(key), MinCursorKeyLength, MaxCursorKeyLength)
		}
	}
	return newCursorKeys(keys, false), nil
}

// newCursorKeys returns keys, copied, ready to seal and open cursors.
func newCursorKeys(keys [][]byte, generated bool) *CursorKeys {
	k := &CursorKeys{keys: make([][]byte, len(keys)), macs: make([]*sync.Pool, len(keys)), generated: generated}
	for i, key := range keys {
		key := append([]byte(nil), key...)
		k.keys[i] = key
		k.macs[i] = &sync.Pool{New: func() any { return hmac.New(sha256.New, key) }}
	}
	return k
}

// ParseCursorKeys returns the cursor keys written in s, as
// CPCGEN_CURSOR_KEYS holds them: keys in base64 (standard or URL-safe,
// with or without padding) separated by commas, the sealing key first,
// for example the output of `openssl rand -base64 32`. The error names a
// key by its position, never by its content.
func ParseCursorKeys(s string) (*CursorKeys, error) {
	parts := strings.Split(s, ",")
	keys := make([][]byte, 0, len(parts))
	for i, p := range parts {
		p = strings.TrimSpace(p)
		if p == "" {
			return nil, fmt.Errorf("runtime: cursor keys: key %d of %d is empty", i+1, len(parts))
		}
		key, err := decodeBase64Key(p)
		if err != nil {
			return nil, fmt.Errorf("runtime: cursor keys: key %d of %d is not base64 (make one with: openssl rand -base64 32)", i+1, len(parts))
		}
		keys = append(keys, key)
	}
	return NewCursorKeys(keys...)
}

// decodeBase64Key decodes a key in any of the usual base64 alphabets.
func decodeBase64Key(s string) ([]byte, error) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if key, err := enc.DecodeString(s); err == nil {
			return key, nil
		}
	}
	return nil, errors.New("not base64")
}

// Len returns the number of keys.
func (k *CursorKeys) Len() int {
	if k == nil {
		return 0
	}
	return len(k.keys)
}

// String describes k without its keys, such as "2 keys".
func (k *CursorKeys) String() string {
	switch {
	case k == nil:
		return "no keys"
	case k.generated:
		return "a random key of this process"
	case len(k.keys) == 1:
		return "1 key"
	}
	return strconv.Itoa(len(k.keys)) + " keys"
}

// GoString returns the same as String.
func (k *CursorKeys) GoString() string { return k.String() }

// Format writes String for every verb, so that no verb of fmt reaches
// the keys.
func (k *CursorKeys) Format(f fmt.State, verb rune) { writeFormatted(f, verb, k.String()) }

// LogValue returns String for log/slog.
func (k *CursorKeys) LogValue() slog.Value { return slog.StringValue(k.String()) }

// MarshalText returns String, for JSON and other encoders.
func (k *CursorKeys) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// The layout of a sealed cursor, before base64: a version byte, the
// salt the cursor's key is derived with, and the sealed payload (the
// JSON array of the key values) with its tag.
const (
	cursorVersion  = 1
	cursorSaltSize = 16
	cursorInfo     = "cpcgen page cursor v1"
)

// cursorNonce is the nonce of every sealed cursor: each is sealed under
// a key of its own, derived from a random salt.
var cursorNonce [12]byte

// aead returns the AEAD of the i-th key for a cursor's salt: AES-256-GCM
// under HKDF-Expand-SHA256(key, info || salt), one block long. (The
// keys are random, so HKDF's extract step, which turns a weak secret
// into a key, is left out, as RFC 5869 section 3.3 allows.)
func (k *CursorKeys) aead(i int, salt []byte) cipher.AEAD {
	mac := k.macs[i].Get().(hash.Hash)
	mac.Reset()
	mac.Write([]byte(cursorInfo))
	mac.Write(salt)
	mac.Write([]byte{1})
	var derived [sha256.Size]byte
	mac.Sum(derived[:0])
	k.macs[i].Put(mac)
	block, err := aes.NewCipher(derived[:])
	if err != nil {
		panic("runtime: cursor cipher: " + err.Error()) // cannot fail for a 32-byte key
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		panic("runtime: cursor cipher: " + err.Error()) // cannot fail for AES
	}
	return aead
}

// cursorAD is the associated data of a cursor for op and tenant: what it
// is bound to without carrying it.
func cursorAD(op string, tenant any) []byte {
	ad := make([]byte, 0, 32+len(op))
	ad = append(ad, cursorInfo...)
	ad = append(ad, 0)
	ad = append(ad, op...)
	ad = append(ad, 0)
	if tenant == nil {
		return append(ad, 0)
	}
	ad = append(ad, 1)
	return append(ad, tenantText(tenant)...)
}

// Seal returns a cursor holding values (the sort key of the last row of
// a page) for the paginated method op, such as "accounts.List", and
// tenant, the tenant of the call, or nil for a table without tenants.
// Only Unseal with the same op and tenant, and one of k's keys, opens it.
// Values may be strings, integers, floats (NaN and infinities included),
// booleans, time.Time (any year), uuid.UUID, decimal.Decimal, byte
// slices, named string types, and pointers to these. A nil k seals with the random key
// of the process (see CursorKeysOf).
func (k *CursorKeys) Seal(op string, tenant any, values ...any) string {
	if k == nil {
		k = processCursorKeys()
	}
	payload := marshalCursorValues(values)
	out := make([]byte, 1+cursorSaltSize, 1+cursorSaltSize+len(payload)+16)
	out[0] = cursorVersion
	salt := out[1 : 1+cursorSaltSize]
	_, _ = rand.Read(salt) // never fails
	out = k.aead(0, salt).Seal(out, cursorNonce[:], payload, cursorAD(op, tenant))
	return base64.RawURLEncoding.EncodeToString(out)
}

// Unseal opens a cursor made by Seal for op and tenant into dest, which
// must point at values of the types that were sealed, in order. Every
// failure wraps ErrBadCursor and says why without quoting the cursor: a
// cursor that was made for another method or tenant, was altered, or was
// sealed with a key no longer among k's cannot be told apart. A nil k
// opens with the random key of the process.
func (k *CursorKeys) Unseal(cursor, op string, tenant any, dest ...any) error {
	if k == nil {
		k = processCursorKeys()
	}
	if len(cursor) > MaxCursorLength {
		return fmt.Errorf("%w: longer than %d bytes", ErrBadCursor, MaxCursorLength)
	}
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		return fmt.Errorf("%w: not URL-safe base64", ErrBadCursor)
	}
	if len(raw) < 1+cursorSaltSize+16 || raw[0] != cursorVersion {
		return fmt.Errorf("%w: not a cursor this version of the runtime makes", ErrBadCursor)
	}
	salt, sealed := raw[1:1+cursorSaltSize], raw[1+cursorSaltSize:]
	ad := cursorAD(op, tenant)
	for i := range k.keys {
		payload, err := k.aead(i, salt).Open(nil, cursorNonce[:], sealed, ad)
		if err != nil {
			continue
		}
		return unmarshalCursorValues(payload, dest)
	}
	msg := "%w: it was made for another method or tenant, altered, or sealed with a key that is no longer configured"
	if k.generated {
		msg += " (no cursor key is configured, so each process makes its own and cursors do not survive a restart or move between instances: set " + EnvCursorKeys + ")"
	}
	return fmt.Errorf(msg, ErrBadCursor)
}

// processCursorKeys is the random key of a process that has no keys
// configured.
var processCursorKeys = sync.OnceValue(func() *CursorKeys {
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	return newCursorKeys([][]byte{key}, true)
})

// envCursorKeysCache caches the keys parsed from CPCGEN_CURSOR_KEYS, by the
// variable's value.
var envCursorKeysCache envParsed[CursorKeys]

// envParsed caches what parse made of the value of an environment
// variable, by the value: parsed again only when it changes.
type envParsed[T any] struct {
	sync.Mutex
	raw    string
	val    *T
	err    error
	parsed bool
}

// get returns what parse makes of raw, the value of the variable env,
// cached; a parse error becomes a *DbError of kind, naming env, with
// parse's prefix left out (the value is never shown).
func (c *envParsed[T]) get(raw string, parse func(string) (*T, error), kind Kind, env, prefix string) (*T, error) {
	c.Lock()
	defer c.Unlock()
	if !c.parsed || c.raw != raw {
		c.raw, c.parsed = raw, true
		c.val, c.err = parse(raw)
		if c.err != nil {
			c.err = &DbError{Kind: kind, Message: env + ": " + strings.TrimPrefix(c.err.Error(), prefix), Err: c.err}
		}
	}
	return c.val, c.err
}

// ownCursorKeys returns the cursor keys db carries (its method
// CursorKeys() *CursorKeys), or nil when it has none.
func ownCursorKeys(db DBTX) *CursorKeys {
	if h, ok := db.(interface{ CursorKeys() *CursorKeys }); ok {
		return h.CursorKeys()
	}
	return nil
}

// CursorKeysOf returns the cursor keys of db: its own when it has a
// method CursorKeys() *CursorKeys that returns some (a *DB opened with
// Config.CursorKeys, a transaction it began, a ScopedDB over either);
// otherwise those of CPCGEN_CURSOR_KEYS; otherwise a random key made
// once per process. With that random key, cursors work within one
// process only: a restarted process, or another instance behind the
// same load balancer, refuses them (with ErrBadCursor), and a client has
// to start again from the first page. The error, a *DbError of
// KindValidation, says that CPCGEN_CURSOR_KEYS does not parse.
func CursorKeysOf(db DBTX) (*CursorKeys, error) {
	if k := ownCursorKeys(db); k != nil {
		return k, nil
	}
	raw := os.Getenv(EnvCursorKeys)
	if strings.TrimSpace(raw) == "" {
		return processCursorKeys(), nil
	}
	return envCursorKeysCache.get(raw, ParseCursorKeys, KindValidation, EnvCursorKeys, "runtime: cursor keys: ")
}
