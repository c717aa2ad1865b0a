package runtime

import (
	"math"
	"math/big"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// numericProblemBig is numericProblem's definition in big.Int arithmetic
// (its slow path on every value), which the int64 fast path must agree
// with.
func numericProblemBig(d decimal.Decimal, precision, scale int) numericFit {
	if precision <= 0 {
		return numericFits
	}
	if -int(d.Exponent()) > scale {
		if cut := d.Shift(int32(scale)).Truncate(0).Shift(int32(-scale)); !cut.Equal(d) {
			return numericTooManyDecimals
		}
	}
	if d.Sign() != 0 && d.NumDigits()+int(d.Exponent()) > precision-scale {
		return numericTooLarge
	}
	return numericFits
}

// TestNumericFastPath compares numericProblem with numericProblemBig on
// coefficients either side of the int64 fast path's bound (18 digits),
// negative ones, exponents either side of the scale and far from it, and
// values at the limits of the precision and the scale.
func TestNumericFastPath(t *testing.T) {
	pow := func(n int64) *big.Int { return new(big.Int).Exp(big.NewInt(10), big.NewInt(n), nil) }
	var coefs []*big.Int
	for _, c := range []int64{0, 1, 9, 10, 99, 100, 101, 120, 12345, 999999, 1000000,
		999999999999999999, 1e17, 1e18, 1e18 + 1, 1e18 - 10, 5e17, math.MaxInt64, math.MaxInt64 - 7} {
		coefs = append(coefs, big.NewInt(c))
	}
	for _, n := range []int64{19, 20, 30, 40} {
		coefs = append(coefs, pow(n), new(big.Int).Sub(pow(n), big.NewInt(1)), new(big.Int).Add(pow(n), big.NewInt(1)))
	}
	coefs = append(coefs, new(big.Int).Add(big.NewInt(math.MaxInt64), big.NewInt(1)))
	types := [][2]int{{1, 0}, {2, 2}, {3, 5}, {5, 2}, {10, 0}, {12, 2}, {18, 2}, {18, 0}, {18, 18},
		{19, 2}, {20, 0}, {30, 10}, {38, 20}, {10, -3}, {2, -2}, {1000, 0}, {1000, 500}, {0, 0}}
	checked := 0
	for _, c := range coefs {
		for _, sign := range []int64{1, -1} {
			v := new(big.Int).Mul(c, big.NewInt(sign))
			for exp := int32(-45); exp <= 25; exp++ {
				d := decimal.NewFromBigInt(v, exp)
				for _, ty := range types {
					got, want := numericProblem(d, ty[0], ty[1]), numericProblemBig(d, ty[0], ty[1])
					if got != want {
						t.Errorf("numericProblem(%se%d, %d, %d) = %d, want %d", v, exp, ty[0], ty[1], got, want)
					}
					checked++
				}
			}
		}
	}
	// The zero Decimal (nil coefficient) and one parsed with trailing zeros.
	for _, d := range []decimal.Decimal{{}, decimal.RequireFromString("12.3400"), decimal.RequireFromString("-0.000")} {
		for _, ty := range types {
			if got, want := numericProblem(d, ty[0], ty[1]), numericProblemBig(d, ty[0], ty[1]); got != want {
				t.Errorf("numericProblem(%s, %d, %d) = %d, want %d", d, ty[0], ty[1], got, want)
			}
		}
	}
	if checked < 10000 {
		t.Fatalf("only %d cases", checked)
	}
}

// TestCheckTimestamptzEdges compares CheckTimestamptz, which compares
// Unix seconds, with its definition on instants at and around both ends
// of the range, in several locations.
func TestCheckTimestamptzEdges(t *testing.T) {
	want := func(t time.Time) string {
		u := t.UTC()
		if u.Before(minTimestamp) || !u.Before(endTimestamp) {
			return timestampRangeMessage
		}
		return ""
	}
	east := time.FixedZone("east", 14*3600)
	west := time.FixedZone("west", -12*3600-30*60)
	var inputs []time.Time
	for _, edge := range []time.Time{minTimestamp, endTimestamp, {}, time.Unix(0, 0)} {
		for _, d := range []time.Duration{-time.Second - 1, -time.Second, -1, 0, 1, time.Second - 1, time.Second, time.Hour} {
			for _, loc := range []*time.Location{time.UTC, east, west} {
				inputs = append(inputs, edge.Add(d).In(loc))
			}
		}
	}
	inputs = append(inputs, time.Date(-300000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(300000, 1, 1, 0, 0, 0, 0, time.UTC))
	for _, in := range inputs {
		if got := CheckTimestamptz(in); got != want(in) {
			t.Errorf("CheckTimestamptz(%v) = %q, want %q", in, got, want(in))
		}
	}
	if CheckTimestamptz(minTimestamp.Add(-1)) == "" || CheckTimestamptz(minTimestamp) != "" ||
		CheckTimestamptz(endTimestamp.Add(-1)) != "" || CheckTimestamptz(endTimestamp) == "" {
		t.Error("the ends of the range are wrong")
	}
}
