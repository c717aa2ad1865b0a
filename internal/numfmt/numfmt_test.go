package numfmt

import "testing"

func TestThousands(t *testing.T) {
	for n, want := range map[int64]string{
		0:          "0",
		7:          "7",
		999:        "999",
		1000:       "1,000",
		123456:     "123,456",
		1234567:    "1,234,567",
		-1:         "-1",
		-1234:      "-1,234",
		-123456789: "-123,456,789",
	} {
		if got := Thousands(int(n)); got != want {
			t.Errorf("Thousands(int(%d)) = %q, want %q", n, got, want)
		}
		if got := Thousands(n); got != want {
			t.Errorf("Thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
