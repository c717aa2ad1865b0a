package srcpos

import "testing"

func TestCompare(t *testing.T) {
	ordered := []Pos{{}, {File: "a.yaml"}, {File: "a.yaml", Line: 2, Col: 9}, {File: "a.yaml", Line: 10, Col: 1}, {File: "a.yaml", Line: 10, Col: 3}, {File: "b.yaml", Line: 1, Col: 1}}
	for i, p := range ordered {
		for j, q := range ordered {
			want := 0
			switch {
			case i < j:
				want = -1
			case i > j:
				want = 1
			}
			if got := p.Compare(q); got != want {
				t.Errorf("%v.Compare(%v) = %d, want %d", p, q, got, want)
			}
		}
	}
}
