package cachetest

import (
	"testing"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

func TestSmoke(t *testing.T) {
	url := pgtest.URL(t)
	ctx := runtime.WithTenant(testContext(t), int64(1))
	a := openDB(t, url, cached())
	b := openDB(t, url, cached())
	ra, rb := NewItemRepo(a), NewItemRepo(b)
	if _, err := ra.Create(ctx, 1, "one", "p0"); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		v, err := rb.FindByID(ctx, 1)
		if err != nil || v.Version != 1 {
			t.Fatalf("%+v %v", v, err)
		}
	}
	if _, err := ra.Update(ctx, 1, "p1", nil); err != nil {
		t.Fatal(err)
	}
	if err := b.SyncCache(ctx); err != nil {
		t.Fatal(err)
	}
	v, err := rb.FindByID(ctx, 1)
	if err != nil || v.Version != 2 {
		t.Fatalf("%+v %v", v, err)
	}
	t.Logf("%+v", *b.Stats().Cache)
}
