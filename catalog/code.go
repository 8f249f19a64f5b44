package catalog

import (
	"math"
	"strconv"
	"strings"
)

// Code is a normalized code value read from telemetry. Building one never
// allocates: a string code keeps a sub-slice of the input.
type Code struct {
	str    string
	num    int64
	hasNum bool
	hasStr bool
}

// IntCode returns the code for an integer value.
func IntCode(v int64) Code {
	return Code{num: v, hasNum: true}
}

// FloatCode returns the code for a floating-point value that is finite,
// integral and within int64; ok is false for anything else (NaN, ±Inf,
// fractions, out of range).
func FloatCode(v float64) (Code, bool) {
	if math.IsNaN(v) || math.IsInf(v, 0) || v != math.Trunc(v) {
		return Code{}, false
	}
	// -2^63 is representable exactly; 2^63 is not an int64.
	if v < -9223372036854775808.0 || v >= 9223372036854775808.0 {
		return Code{}, false
	}
	return IntCode(int64(v)), true
}

// StringCode returns the code for a string value: trimmed of surrounding
// white space, and non-empty. A string holding a decimal integer ("2601",
// "-3") also matches integer codes, because vendors' codes often arrive as
// strings after passing through JSON.
func StringCode(s string) (Code, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Code{}, false
	}
	c := Code{str: s, hasStr: true}
	c.num, c.hasNum = parseInt64(s)
	return c, true
}

// parseInt64 parses an optionally signed decimal integer within int64, as
// strconv.ParseInt(s, 10, 64) does, but without allocating an error for the
// symbolic codes that are most strings.
func parseInt64(s string) (int64, bool) {
	i, neg := 0, false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		i, neg = 1, s[0] == '-'
	}
	if i == len(s) {
		return 0, false
	}
	limit := uint64(math.MaxInt64)
	if neg {
		limit++
	}
	var n uint64
	for ; i < len(s); i++ {
		d := uint64(s[i] - '0')
		if d > 9 || n > (limit-d)/10 {
			return 0, false
		}
		n = n*10 + d
	}
	if neg {
		return -int64(n), true // -(1<<63) wraps to itself, which is right
	}
	return int64(n), true
}

// Int returns the integer value of the code, if it has one.
func (c Code) Int() (int64, bool) { return c.num, c.hasNum }

// String returns the code as read (trimmed), or the decimal form of an
// integer code. It allocates for integer codes; keep it off hot paths.
func (c Code) String() string {
	if c.hasStr {
		return c.str
	}
	if c.hasNum {
		return strconv.FormatInt(c.num, 10)
	}
	return ""
}

// IsZero reports whether c holds no code.
func (c Code) IsZero() bool { return !c.hasNum && !c.hasStr }
