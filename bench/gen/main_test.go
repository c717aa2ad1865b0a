package main

import "testing"

// timeV is the report of GNU time -v, shortened.
const timeV = `	Command being timed: "cpcgen generate"
	User time (seconds): 1.25
	System time (seconds): 0.50
	Percent of CPU this job got: 93%
	Elapsed (wall clock) time (h:mm:ss or m:ss): 1:02.50
	Average shared text size (kbytes): 0
	Maximum resident set size (kbytes): 204800
	Exit status: 0
`

func TestParseTimeV(t *testing.T) {
	m, err := parseTimeV([]byte(timeV))
	if err != nil {
		t.Fatal(err)
	}
	if m.cpu != 1.75 || m.wall != 62.5 || m.rssMB != 200 {
		t.Fatalf("got %+v, want cpu 1.75 s, wall 62.5 s, 200 MB", m)
	}
	if _, err := parseTimeV([]byte("Exit status: 0\n")); err == nil {
		t.Fatal("a report without the figures parsed")
	}
	if s, err := parseClock("1:02:03"); err != nil || s != 3723 {
		t.Fatalf("parseClock(1:02:03) = %v, %v", s, err)
	}
}
