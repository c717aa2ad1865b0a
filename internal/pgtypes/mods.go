package pgtypes

import "fmt"

// Mods says which type modifiers (the numbers in parentheses) a type
// takes.
type Mods int

// The kinds of modifiers.
const (
	// NoMods: the type takes none.
	NoMods Mods = iota
	// Length is the n of varchar(n) and char(n), 1 to MaxLength.
	Length
	// Precision is the fractional-second precision of time, timestamp,
	// timestamptz and interval, 0 to 6.
	Precision
	// PrecisionScale are the p and s of numeric(p) and numeric(p,s).
	PrecisionScale
)

// MaxLength is the largest n of varchar(n) and char(n).
const MaxLength = 10485760

// CheckMods checks the modifiers written after t's name (nums; hasArgs
// tells "varchar()" from "varchar") and returns the ones the type has:
// as written, or DefaultArgs when none are. written is the type as the
// spec wrote it, for messages.
func (t *Type) CheckMods(written string, nums []int, hasArgs bool) ([]int, error) {
	w := Clip(written)
	switch t.Mods {
	case Length:
		if len(nums) > 1 {
			return nil, fmt.Errorf("type %q: %s takes one length", w, t.Name)
		}
		if len(nums) == 1 && (nums[0] < 1 || nums[0] > MaxLength) {
			return nil, fmt.Errorf("type %q: length must be between 1 and %d", w, MaxLength)
		}
	case PrecisionScale:
		if len(nums) > 2 {
			return nil, fmt.Errorf("type %q: %s takes a precision and an optional scale", w, t.Name)
		}
		if len(nums) >= 1 && (nums[0] < 1 || nums[0] > 1000) {
			return nil, fmt.Errorf("type %q: precision must be between 1 and 1000", w)
		}
		if len(nums) == 2 && (nums[1] < 0 || nums[1] > nums[0]) {
			return nil, fmt.Errorf("type %q: scale must be between 0 and the precision %d", w, nums[0])
		}
	case Precision:
		if len(nums) > 1 {
			return nil, fmt.Errorf("type %q: %s takes one precision", w, t.Name)
		}
		if len(nums) == 1 && (nums[0] < 0 || nums[0] > 6) {
			return nil, fmt.Errorf("type %q: precision must be between 0 and 6", w)
		}
	default:
		if hasArgs {
			return nil, fmt.Errorf("type %q: %s takes no modifiers", w, t.Name)
		}
	}
	if !hasArgs {
		return append([]int(nil), t.DefaultArgs...), nil
	}
	return nums, nil
}

// MaxLen returns the n of varchar(n) and char(n) given their modifiers,
// or 0 for a type without a length.
func (t *Type) MaxLen(args []int) int {
	if t.Mods == Length && t.Text && len(args) == 1 {
		return args[0]
	}
	return 0
}

// arg returns modifier i, or def when it is not given.
func arg(args []int, i, def int) int {
	if i < len(args) {
		return args[i]
	}
	return def
}
