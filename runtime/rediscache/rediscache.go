package rediscache

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/cpcgen/cpcgen/runtime"
)

// Options configures a Cache.
type Options struct {
	// Prefix starts every key the cache writes; empty means
	// DefaultPrefix. Give each database (and each application sharing a
	// Redis) its own.
	Prefix string
	// LeaseTTL is how long a miss reserves its key for the fill that
	// follows it; a fill that takes longer is not stored. Zero means
	// DefaultLeaseTTL.
	LeaseTTL time.Duration
	// DefaultTTL is the time to live of entries stored without one (the
	// table has no ttl and runtime.CacheConfig.TTL is zero): it bounds
	// how long the entries a flush leaves behind take memory. Zero means
	// DefaultEntryTTL.
	DefaultTTL time.Duration
}

// Defaults of Options.
const (
	DefaultPrefix   = "cpcgen:cache:"
	DefaultLeaseTTL = 10 * time.Second
	DefaultEntryTTL = time.Hour
)

// The environment variables FromEnv reads.
const (
	// EnvRedisURL is the Redis URL (redis://[user:password@]host:port/db,
	// or rediss:// for TLS).
	EnvRedisURL = "CPCGEN_CACHE_REDIS_URL"
	// EnvPrefix sets Options.Prefix.
	EnvPrefix = "CPCGEN_CACHE_REDIS_PREFIX"
)

// Cache is a runtime.Cache on Redis. It is safe for concurrent use.
type Cache struct {
	client redis.UniversalClient
	own    bool // Close closes client
	prefix string
	lease  string // milliseconds
	ttl    time.Duration
}

var _ runtime.Cache = (*Cache)(nil)

// New returns a Cache on client, which the caller keeps and closes.
func New(client redis.UniversalClient, opts Options) *Cache {
	c := &Cache{client: client, prefix: opts.Prefix, ttl: opts.DefaultTTL}
	if c.prefix == "" {
		c.prefix = DefaultPrefix
	}
	lease := opts.LeaseTTL
	if lease <= 0 {
		lease = DefaultLeaseTTL
	}
	c.lease = strconv.FormatInt(max(lease.Milliseconds(), 1), 10)
	if c.ttl <= 0 {
		c.ttl = DefaultEntryTTL
	}
	return c
}

// Open connects to the Redis at rawURL (see EnvRedisURL) and checks that
// it answers. Close closes the connection.
func Open(ctx context.Context, rawURL string, opts Options) (*Cache, error) {
	ro, err := redis.ParseURL(rawURL)
	if err != nil {
		return nil, fmt.Errorf("rediscache: invalid Redis URL %q: %w", redactURL(rawURL), err)
	}
	client := redis.NewClient(ro)
	if err := client.Ping(ctx).Err(); err != nil {
		client.Close()
		return nil, fmt.Errorf("rediscache: cannot reach Redis at %s: %w", ro.Addr, err)
	}
	c := New(client, opts)
	c.own = true
	return c, nil
}

// FromEnv opens the Redis named by CPCGEN_CACHE_REDIS_URL (with the
// prefix CPCGEN_CACHE_REDIS_PREFIX) and sets it as cfg.Cache.Shared. When
// the variable is unset, it returns nil and changes nothing: each
// instance then caches in process.
func FromEnv(ctx context.Context, cfg *runtime.Config) (*Cache, error) {
	raw := strings.TrimSpace(os.Getenv(EnvRedisURL))
	if raw == "" {
		return nil, nil
	}
	c, err := Open(ctx, raw, Options{Prefix: os.Getenv(EnvPrefix)})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", EnvRedisURL, err)
	}
	cfg.Cache.Shared = c
	return c, nil
}

// Close closes the Redis connection when Open made it.
func (c *Cache) Close() error {
	if c.own {
		return c.client.Close()
	}
	return nil
}

// redactURL masks the password of a Redis URL.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		if err != nil {
			return "(unparsable)"
		}
		return raw
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// The scripts compute the key of an entry from the prefix, the global
// and table epochs (which the flushes bump), the table and the entry's
// own key: <prefix><global>:<table epoch>:<len(table)>:<table>:<key>. A
// value is stored as "v" followed by the row, a lease as "l" followed by
// its token.
const entryBase = `
local p = ARGV[1]
local tbl = ARGV[2]
local base = p .. (redis.call('GET', p .. 'g') or '0') .. ':' ..
	(redis.call('GET', p .. 't:' .. tbl) or '0') .. ':' .. string.len(tbl) .. ':' .. tbl .. ':'
`

// getScript: ARGV prefix, table, lease token, lease ttl (ms), keys… It
// returns, per key, "v<row>" for a hit, "l" for a miss leased to the
// caller, "-" for a miss another caller's lease holds.
var getScript = redis.NewScript(entryBase + `
local lease = 'l' .. ARGV[3]
local out = {}
for i = 5, #ARGV do
	local k = base .. ARGV[i]
	local v = redis.call('GET', k)
	if v == false then
		redis.call('SET', k, lease, 'PX', ARGV[4])
		out[#out + 1] = 'l'
	elseif string.sub(v, 1, 1) == 'v' then
		out[#out + 1] = v
	else
		out[#out + 1] = '-'
	end
end
return out
`)

// fillScript: ARGV prefix, table, ttl (ms), then key, lease, row for
// each entry. A row is stored only while its lease holds the key (lease
// 0: always).
var fillScript = redis.NewScript(entryBase + `
local ttl = ARGV[3]
for i = 4, #ARGV, 3 do
	local k = base .. ARGV[i]
	if ARGV[i + 1] == '0' or redis.call('GET', k) == 'l' .. ARGV[i + 1] then
		redis.call('SET', k, 'v' .. ARGV[i + 2], 'PX', ttl)
	end
end
return 0
`)

// invalidateScript: ARGV prefix, table, keys… It deletes the entries
// and leases of the keys.
var invalidateScript = redis.NewScript(entryBase + `
for i = 3, #ARGV do
	redis.call('DEL', base .. ARGV[i])
end
return 0
`)

// Get looks keys up in table, leasing the misses nobody holds; see
// runtime.Cache.
func (c *Cache) Get(ctx context.Context, table string, keys []string) ([][]byte, []uint64, error) {
	token := rand.Uint64() | 1
	args := make([]any, 0, 4+len(keys))
	args = append(args, c.prefix, table, strconv.FormatUint(token, 10), c.lease)
	for _, k := range keys {
		args = append(args, k)
	}
	res, err := getScript.Run(ctx, c.client, nil, args...).Slice()
	if err != nil {
		return nil, nil, fmt.Errorf("rediscache: get %s: %w", table, err)
	}
	if len(res) != len(keys) {
		return nil, nil, fmt.Errorf("rediscache: get %s: %d answers for %d keys", table, len(res), len(keys))
	}
	values := make([][]byte, len(keys))
	leases := make([]uint64, len(keys))
	for i, r := range res {
		s, _ := r.(string)
		switch {
		case s == "l":
			leases[i] = token
		case strings.HasPrefix(s, "v"):
			values[i] = []byte(s[1:])
		case s == "-":
		default:
			return nil, nil, fmt.Errorf("rediscache: get %s: unexpected answer %T", table, r)
		}
	}
	return values, leases, nil
}

// Fill stores the values whose lease still holds their key; see
// runtime.Cache.
func (c *Cache) Fill(ctx context.Context, table string, keys []string, leases []uint64, values [][]byte, ttl time.Duration) error {
	if len(leases) != len(keys) || len(values) != len(keys) {
		return errors.New("rediscache: fill: keys, leases and values differ in length")
	}
	if ttl <= 0 {
		ttl = c.ttl
	}
	args := make([]any, 0, 3+3*len(keys))
	args = append(args, c.prefix, table, strconv.FormatInt(max(ttl.Milliseconds(), 1), 10))
	for i, k := range keys {
		args = append(args, k, strconv.FormatUint(leases[i], 10), values[i])
	}
	if err := fillScript.Run(ctx, c.client, nil, args...).Err(); err != nil {
		return fmt.Errorf("rediscache: fill %s: %w", table, err)
	}
	return nil
}

// Invalidate deletes the entries and leases of keys; see runtime.Cache.
func (c *Cache) Invalidate(ctx context.Context, table string, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	args := make([]any, 0, 2+len(keys))
	args = append(args, c.prefix, table)
	for _, k := range keys {
		args = append(args, k)
	}
	if err := invalidateScript.Run(ctx, c.client, nil, args...).Err(); err != nil {
		return fmt.Errorf("rediscache: invalidate %s: %w", table, err)
	}
	return nil
}

// Flush makes every entry and lease of table (of every table when table
// is "") unreachable, by bumping its epoch; see runtime.Cache.
func (c *Cache) Flush(ctx context.Context, table string) error {
	key := c.prefix + "g"
	if table != "" {
		key = c.prefix + "t:" + table
	}
	if err := c.client.Incr(ctx, key).Err(); err != nil {
		return fmt.Errorf("rediscache: flush %s: %w", table, err)
	}
	return nil
}
