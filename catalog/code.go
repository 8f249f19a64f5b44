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
	if looksNumeric(s) {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			c.num, c.hasNum = n, true
		}
	}
	return c, true
}

// looksNumeric reports whether s could be a decimal integer, so that symbolic
// codes skip strconv entirely (ParseInt allocates its error value).
func looksNumeric(s string) bool {
	i := 0
	if s[0] == '-' || s[0] == '+' {
		i = 1
	}
	if i == len(s) || len(s)-i > 19 {
		return false
	}
	for ; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
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
