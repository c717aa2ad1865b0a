package runtime_test

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/cpcgen/cpcgen/runtime"
)

// The definitions CheckJSON and CheckJSONB must agree with: json.Valid,
// then utf8.Valid, then (jsonb) the first \u escape jsonb cannot store.
func refCheckJSON(b []byte) string {
	switch {
	case b == nil:
		return ""
	case !json.Valid(b):
		return "must be a valid JSON document"
	case !utf8.Valid(b):
		return "must be valid UTF-8 text"
	}
	return ""
}

func refCheckJSONB(b []byte) string {
	if msg := refCheckJSON(b); msg != "" || b == nil {
		return msg
	}
	const lone = `must not contain half a surrogate pair (a lone \ud800-\udfff escape) in a string: jsonb cannot store it`
	hex := func(h []byte) rune {
		r, _ := strconv.ParseUint(string(h), 16, 32)
		return rune(r)
	}
	for i := bytes.IndexByte(b, '\\'); i >= 0; {
		next := i + 2
		if b[i+1] == 'u' {
			r := hex(b[i+2 : i+6])
			next = i + 6
			switch {
			case r == 0:
				return `must not contain the escape \u0000 in a string: jsonb cannot store it`
			case r >= 0xd800 && r < 0xdc00:
				if next+6 > len(b) || b[next] != '\\' || b[next+1] != 'u' {
					return lone
				}
				if lo := hex(b[next+2 : next+6]); lo < 0xdc00 || lo >= 0xe000 {
					return lone
				}
				next += 6
			case r >= 0xdc00 && r < 0xe000:
				return lone
			}
		}
		j := bytes.IndexByte(b[next:], '\\')
		if j < 0 {
			break
		}
		i = next + j
	}
	return ""
}

var jsonSeeds = []string{
	``, ` `, `null`, `true`, `false`, `nul`, `truex`, `0`, `-0`, `01`, `-`, `1.`, `1.5`, `1e`, `1e+`, `1E-7`, `-12.5e10`,
	`""`, `"a"`, `"\"`, `"\\"`, `"\/\b\f\n\r\t"`, `"\x"`, `"\u12"`, `"\u12g4"`, `"\u00e9"`, "\"\x01\"", "\"é\"", "\"\xff\"",
	"\"\xed\xa0\x80\"", `"\u0000"`, `"\ud83d\ude00"`, `"\ud83d"`, `"\ude00"`, `"\ud83d\u0041"`, `"\ud83d\\"`, `"\ud83dx"`,
	`[]`, `[ ]`, `[1,]`, `[,1]`, `[1 2]`, `[1,[2,[3]]]`, `{}`, `{ }`, `{"a":1}`, `{"a" : [true, null, {"b": "c"}]}`,
	`{"a"}`, `{"a":}`, `{"a":1,}`, `{1:2}`, `{"a":1 "b":2}`, `{"a":1}}`, `[1]]`, `{"a":[1}`, " \t\r\n{\"a\" :\n1 } ",
	`{"k": "\u0000", "j": "\xff"}`, "{\"k\": \"\xff\", \"j\": \"\\u0000\"}", `{"a":"\ud800"} x`, "[\"\xff\"", `1 2`,
	strings.Repeat("[", 10001) + strings.Repeat("]", 10001), strings.Repeat("[", 10000) + strings.Repeat("]", 10000),
	strings.Repeat(`{"a":`, 200) + "1" + strings.Repeat("}", 200),
}

// TestCheckJSONAgrees checks CheckJSON and CheckJSONB against their
// definitions on hand-picked documents, valid and broken.
func TestCheckJSONAgrees(t *testing.T) {
	for _, s := range append(jsonSeeds, "\x00") {
		b := []byte(s)
		if got, want := runtime.CheckJSON(b), refCheckJSON(b); got != want {
			t.Errorf("CheckJSON(%.60q) = %q, want %q", s, got, want)
		}
		if got, want := runtime.CheckJSONB(b), refCheckJSONB(b); got != want {
			t.Errorf("CheckJSONB(%.60q) = %q, want %q", s, got, want)
		}
	}
	if runtime.CheckJSON(nil) != "" || runtime.CheckJSONB(nil) != "" {
		t.Error("nil (NULL) is refused")
	}
}

// FuzzCheckJSON checks CheckJSON and CheckJSONB against their
// definitions on any input.
func FuzzCheckJSON(f *testing.F) {
	for _, s := range jsonSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := runtime.CheckJSON(b), refCheckJSON(b); got != want {
			t.Errorf("CheckJSON(%.80q) = %q, want %q", b, got, want)
		}
		if got, want := runtime.CheckJSONB(b), refCheckJSONB(b); got != want {
			t.Errorf("CheckJSONB(%.80q) = %q, want %q", b, got, want)
		}
	})
}

// BenchmarkCheckJSONB compares CheckJSONB with json.Valid, on documents
// of 50 bytes to 100 kB.
func BenchmarkCheckJSONB(b *testing.B) {
	for _, n := range []int{1, 30, 2000} {
		var parts []string
		for i := range n {
			parts = append(parts, `"k`+strconv.Itoa(i)+`": {"color": "r\u00e9d", "size": 42.5, "tags": ["a", "b"], "ok": true}`)
		}
		doc := []byte("{" + strings.Join(parts, ", ") + "}")
		b.Run("CheckJSONB/"+strconv.Itoa(len(doc))+"B", func(b *testing.B) {
			b.SetBytes(int64(len(doc)))
			b.ReportAllocs()
			for b.Loop() {
				_ = runtime.CheckJSONB(doc)
			}
		})
		b.Run("json.Valid/"+strconv.Itoa(len(doc))+"B", func(b *testing.B) {
			b.SetBytes(int64(len(doc)))
			b.ReportAllocs()
			for b.Loop() {
				_ = json.Valid(doc)
			}
		})
	}
}
