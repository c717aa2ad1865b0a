package gencache

import (
	"bytes"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"sync"
)

// Tool returns the identity of the running cpcgen binary, which every
// key includes: the Go build ID of the executable (a hash of everything
// the linker put in it: the emitters, the embedded templates, go/format
// and the Go version), with the module's build information beside it.
// When the build ID cannot be read, the executable's SHA-256 stands in
// for it; when the executable cannot be read either, Tool returns "" and
// Open then turns the cache off.
func Tool() string {
	toolOnce.Do(func() { toolID = readTool() })
	return toolID
}

var (
	toolOnce sync.Once
	toolID   string
)

func readTool() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	id, err := buildID(exe)
	if err == nil && id != "" {
		id = "go:" + id
	} else {
		sum, err := fileSum(exe)
		if err != nil {
			return ""
		}
		id = "sha256:" + sum
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	if info, ok := debug.ReadBuildInfo(); ok {
		io.WriteString(h, info.String())
	}
	return "build " + id + " info " + hex.EncodeToString(h.Sum(nil)[:12])
}

// buildID reads the Go build ID of an executable: from the ELF note the
// linker writes (.note.go.buildid), else from the marker at the start of
// the text segment, which the linker writes in every format.
func buildID(exe string) (string, error) {
	if f, err := elf.Open(exe); err == nil {
		defer f.Close()
		if s := f.Section(".note.go.buildid"); s != nil {
			data, err := s.Data()
			if err != nil {
				return "", err
			}
			return elfNoteID(data)
		}
		return "", errors.New("no .note.go.buildid section")
	}
	f, err := os.Open(exe)
	if err != nil {
		return "", err
	}
	defer f.Close()
	buf := make([]byte, 64<<10)
	n, _ := io.ReadFull(f, buf)
	return rawID(buf[:n])
}

// elfNoteID reads the Go build ID note: name size, description size and
// type (4 bytes each, little endian), the name "Go\x00\x00", then the ID.
func elfNoteID(data []byte) (string, error) {
	if len(data) < 16 {
		return "", errors.New("short build ID note")
	}
	le := func(b []byte) int { return int(b[0]) | int(b[1])<<8 | int(b[2])<<16 | int(b[3])<<24 }
	nameSize, descSize := le(data[0:4]), le(data[4:8])
	start := 12 + (nameSize+3)&^3
	if nameSize != 4 || string(data[12:14]) != "Go" || start+descSize > len(data) {
		return "", errors.New("malformed build ID note")
	}
	return string(data[start : start+descSize]), nil
}

// rawID finds `\xff Go build ID: "…"\n \xff` in the first bytes of an
// executable.
func rawID(data []byte) (string, error) {
	const prefix, suffix = "\xff Go build ID: \"", "\"\n \xff"
	i := bytes.Index(data, []byte(prefix))
	if i < 0 {
		return "", errors.New("no build ID")
	}
	rest := data[i+len(prefix):]
	j := bytes.Index(rest, []byte(suffix))
	if j < 0 {
		return "", errors.New("no build ID")
	}
	return string(rest[:j]), nil
}

func fileSum(name string) (string, error) {
	f, err := os.Open(name)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
