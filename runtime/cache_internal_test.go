package runtime

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
)

func TestNotificationPayload(t *testing.T) {
	id := uuid.MustParse("6ba7b810-9dad-11d1-80b4-00c04fd430c8")
	cache := NewCacheTable(CacheTableSpec[uuid.UUID, string, struct{}]{
		Table: "odd\ttable", Tenant: UUIDKeys, Key: StringKeys, KeyOf: func(*struct{}) string { return "" },
	})
	invs := []Invalidation{
		cache.Keys(id, "plain", `back\slash`, "tab\there", "new\nline", ""),
		InvalidateTable("other"),
		InvalidateTable("other"),
	}
	p := notificationPayload("abc", invs)
	if want := "O\tabc\nK\todd\\ttable\t6ba7b810-9dad-11d1-80b4-00c04fd430c8\tplain\tback\\\\slash\ttab\\there\tnew\\nline\t\nT\tother"; p != want {
		t.Errorf("payload\n%q\nwant\n%q", p, want)
	}
	origin, got, markers, err := parseNotification(p)
	if err != nil || origin != "abc" || len(markers) != 0 {
		t.Fatalf("parse: %q %v %v", origin, markers, err)
	}
	want := []Invalidation{invs[0], invs[1]}
	want[0].owner = nil
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(Invalidation{})); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	if _, _, markers, err := parseNotification("S\ttok"); err != nil || len(markers) != 1 || markers[0] != "tok" {
		t.Errorf("marker: %v %v", markers, err)
	}
	for _, bad := range []string{"X\tfoo", "K\tonly", "K\tt\tn\tbad\\q", "T", "O\ta\nO\tb", "K\tt\tn\tdangling\\"} {
		if _, _, _, err := parseNotification(bad); !errors.Is(err, errCacheBadKey) {
			t.Errorf("parse %q: %v; want an error", bad, err)
		}
	}
}

func TestNotificationPayloadLimit(t *testing.T) {
	cache := NewCacheTable(CacheTableSpec[NoTenant, int64, struct{}]{
		Table: "big", Tenant: NoTenantKeys, Key: Int64Keys, KeyOf: func(*struct{}) int64 { return 0 },
	})
	many := make([]int64, 2000)
	for i := range many {
		many[i] = int64(i) * 1_000_003
	}
	small := NewCacheTable(CacheTableSpec[NoTenant, int64, struct{}]{
		Table: "small", Tenant: NoTenantKeys, Key: Int64Keys, KeyOf: func(*struct{}) int64 { return 0 },
	})
	p := notificationPayload("", []Invalidation{small.Keys(NoTenant{}, 1, 2), cache.Keys(NoTenant{}, many...)})
	if len(p) > maxNotifyPayload {
		t.Fatalf("payload of %d bytes", len(p))
	}
	if want := "K\tsmall\t\t1\t2\nT\tbig"; p != want {
		t.Errorf("payload %q, want %q: the big invalidation turned into a flush of its table", p, want)
	}
	// Exactly at the limit stays keys.
	keys := []string{strings.Repeat("k", maxNotifyPayload-len("K\tx\t\t"))}
	str := NewCacheTable(CacheTableSpec[NoTenant, string, struct{}]{Table: "x", Tenant: NoTenantKeys, Key: StringKeys, KeyOf: func(*struct{}) string { return "" }})
	if p := notificationPayload("", []Invalidation{str.Keys(NoTenant{}, keys...)}); len(p) != maxNotifyPayload || !strings.HasPrefix(p, "K\t") {
		t.Errorf("a payload of exactly %d bytes: %d bytes, %q…", maxNotifyPayload, len(p), p[:4])
	}
}

func TestInvalidationSet(t *testing.T) {
	var m invalidationSet
	m.add(Invalidation{table: "a", tenant: "1", keys: []string{"x"}})
	m.add(Invalidation{table: "b", tenant: "1", keys: []string{"y"}})
	m.add(Invalidation{table: "a", tenant: "1", keys: []string{"z"}})
	m.add(Invalidation{table: "a", tenant: "2", keys: []string{"w"}})
	m.add(InvalidateTable("b"))
	m.add(Invalidation{table: "b", tenant: "3", keys: []string{"v"}})
	got := m.take()
	want := []Invalidation{
		{table: "a", tenant: "1", keys: []string{"x", "z"}},
		{table: "a", tenant: "2", keys: []string{"w"}},
		{table: "b", all: true},
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(Invalidation{})); diff != "" {
		t.Errorf("merged (-want +got):\n%s", diff)
	}
	if len(m.take()) != 0 {
		t.Error("take did not empty the set")
	}
}

func TestKeyCodecs(t *testing.T) {
	u := uuid.New()
	if s := string(UUIDKeys.Append(nil, u)); s != u.String() {
		t.Errorf("uuid %q, want %q", s, u)
	}
	if v, err := UUIDKeys.Parse(u.String()); err != nil || v != u {
		t.Errorf("uuid parse: %v %v", v, err)
	}
	if v, err := Int64Keys.Parse(string(Int64Keys.Append(nil, -42))); err != nil || v != -42 {
		t.Errorf("int64: %v %v", v, err)
	}
	if v, err := Int32Keys.Parse(string(Int32Keys.Append(nil, 7))); err != nil || v != 7 {
		t.Errorf("int32: %v %v", v, err)
	}
	if v, err := Int16Keys.Parse(string(Int16Keys.Append(nil, -3))); err != nil || v != -3 {
		t.Errorf("int16: %v %v", v, err)
	}
	if _, err := Int16Keys.Parse("70000"); err == nil {
		t.Error("int16 parsed 70000")
	}
	if _, err := NoTenantKeys.Parse("x"); err == nil {
		t.Error("NoTenantKeys parsed a tenant")
	}
}
