// Package gencache is the content-addressed cache of generated files that
// lets `cpcgen generate` and `cpcgen check` skip the emitters for what
// did not change. It sits between the IR and the writer: the pipeline
// computes a Key for each output file (or group of files) from exactly
// the inputs that file depends on — the IR facts it is rendered from and
// the identity of the cpcgen binary (Tool), whose build ID changes with
// any change to the emitters, templates or Go version — and asks the
// cache before rendering:
//
//	c, err := gencache.Open(gencache.DefaultDir(), gencache.Tool())
//	key := gencache.NewHasher("table file").String(name).Bytes(digest).Sum()
//	if files, ok := c.Get(key); ok { … } else { files := render(); c.Put(key, files) }
//
// An entry is one file under the cache directory named after its key,
// holding the key again, the payload's length and its SHA-256: a
// truncated, corrupt, misplaced or foreign file is a miss (and is
// removed), never a different output. Many entries stored at once
// (PutMany: the files of a cold run) go into one pack instead, the same
// entries one after the other beside an index of their offsets, checked
// the same way when read. Entries and packs are written to a temporary
// file and renamed into place, so that two processes may fill the same
// cache at once; the cache trims itself to a bounded size, least
// recently used entries (or packs) first.
//
// Digest encodes a value graph (the IR) deterministically, following
// pointers and slices, so that equal facts give equal keys; its options
// let the pipeline cut the graph at other tables and leave out
// positions.
package gencache
