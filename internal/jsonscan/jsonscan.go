// Package jsonscan validates JSON text in one pass and reports the scalar
// values found under chosen object keys, with the keys above them. It is
// built for scanning logged payloads on a collector's hot path: it never
// allocates, never recurses, and stops as soon as the text breaks one of
// its limits, so the work per payload is bounded by the limits, not by the
// input.
package jsonscan // import "github.com/errorcatalog/errorcatalogprocessor/internal/jsonscan"

import (
	"unicode/utf16"
	"unicode/utf8"
)

// MaxDepth is the deepest nesting Limits.MaxDepth may allow.
const MaxDepth = 32

// Limits bound one scan.
type Limits struct {
	// MaxBytes is the longest text scanned; longer text is refused before
	// any byte is read.
	MaxBytes int
	// MaxDepth is the deepest nesting of objects and arrays, at most
	// MaxDepth (the constant).
	MaxDepth int
	// MaxItems is how many object keys and array elements, together, the
	// text may hold.
	MaxItems int
}

// Result is how a scan ended.
type Result uint8

const (
	// OK: the text is one valid JSON value.
	OK Result = iota
	// Invalid: the text is not JSON (a syntax error, truncated text,
	// invalid UTF-8 in a string, trailing bytes).
	Invalid
	// TooLarge: the text is longer than MaxBytes.
	TooLarge
	// TooDeep: objects and arrays nest deeper than MaxDepth.
	TooDeep
	// TooManyItems: more than MaxItems keys and elements.
	TooManyItems
	// Stopped: the visitor asked to stop.
	Stopped
)

// Kind is the kind of a scalar value.
type Kind uint8

const (
	// String: Raw is the string's content, without the quotes; Escaped
	// tells whether it holds escape sequences (Raw is then not the value).
	String Kind = iota + 1
	// Number: Raw is the number as written.
	Number
	// Embedded: a string, under any key, whose content starts with '{': a
	// JSON object written into a string (a logged response body). Raw is
	// the content, escapes included (see Unescape). Visited only when
	// Scanner.Embedded is set.
	Embedded
)

// Scalar is a string or number value under a wanted key.
type Scalar struct {
	Kind    Kind
	Raw     string
	Escaped bool
}

// Path is the keys from the outermost value down to a visited value, the
// visited value's own key last. The outermost value and array elements
// have the key "": a path of object keys matches only keys that are
// directly nested in each other.
type Path struct {
	keys [MaxDepth + 1]string
	n    int
}

// Len returns the number of levels.
func (p *Path) Len() int { return p.n }

// Key returns the key at level i; 0 is the outermost value, Len()-1 the
// visited value.
func (p *Path) Key(i int) string { return p.keys[i] }

// Visitor receives the values found under a wanted key. It returns false
// to stop the scan.
type Visitor interface {
	Visit(p *Path, v Scalar) bool
}

// Scanner holds one scan's state. Its zero value is not usable; set Limits
// and Wanted.
type Scanner struct {
	Limits Limits
	// Wanted are the object keys whose string and number values are
	// visited, compared byte for byte with the key as written (a key
	// written with escapes is never wanted).
	Wanted []string
	// Embedded also visits strings that hold a JSON object (Kind Embedded).
	Embedded bool

	s     string
	i     int
	items int
	path  Path
	// arr has bit d set when level d is an array.
	arr uint64
}

// Scan validates s as one JSON value and visits the values under wanted
// keys. The values visited before a scan that does not end OK must not be
// trusted: the text they came from is not JSON.
func (sc *Scanner) Scan(s string, v Visitor) Result {
	if len(s) > sc.Limits.MaxBytes {
		return TooLarge
	}
	sc.s, sc.i, sc.items, sc.arr = s, 0, 0, 0
	r := sc.run(v)
	sc.s = ""
	return r
}

// whitespace, per RFC 8259.
func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func (sc *Scanner) skipSpace() {
	for sc.i < len(sc.s) && isSpace(sc.s[sc.i]) {
		sc.i++
	}
}

// run is the scan: a loop over values with an explicit stack of open
// objects and arrays, so nesting costs no recursion.
func (sc *Scanner) run(v Visitor) Result {
	maxDepth := min(sc.Limits.MaxDepth, MaxDepth)
	depth := 0
	// key is the key of the value about to be read ("" in an array or at
	// the top).
	key := ""
	for {
		// A value.
		sc.skipSpace()
		if sc.i >= len(sc.s) {
			return Invalid
		}
		switch c := sc.s[sc.i]; {
		case c == '{' || c == '[':
			if depth == maxDepth {
				return TooDeep
			}
			sc.path.keys[depth] = key
			sc.i++
			if c == '[' {
				sc.arr |= 1 << depth
			} else {
				sc.arr &^= 1 << depth
			}
			depth++
			sc.skipSpace()
			if sc.i < len(sc.s) && sc.s[sc.i] == c+2 { // '}' is '{'+2, ']' is '['+2
				sc.i++
				depth--
				goto closed
			}
			if c == '{' {
				k, ok := sc.readKey()
				if !ok {
					return Invalid
				}
				key = k
			} else {
				key = ""
			}
			if sc.items++; sc.items > sc.Limits.MaxItems {
				return TooManyItems
			}
			continue
		case c == '"':
			raw, esc, ok := sc.readString()
			if !ok {
				return Invalid
			}
			kind := Kind(0)
			switch {
			case sc.Embedded && len(raw) > 0 && raw[0] == '{':
				kind = Embedded
			case key != "" && sc.wanted(key):
				kind = String
			}
			if kind != 0 {
				sc.path.keys[depth], sc.path.n = key, depth+1
				if !v.Visit(&sc.path, Scalar{Kind: kind, Raw: raw, Escaped: esc}) {
					return Stopped
				}
			}
		case c == '-' || (c >= '0' && c <= '9'):
			start := sc.i
			if !sc.readNumber() {
				return Invalid
			}
			if key != "" && sc.wanted(key) {
				sc.path.keys[depth], sc.path.n = key, depth+1
				if !v.Visit(&sc.path, Scalar{Kind: Number, Raw: sc.s[start:sc.i]}) {
					return Stopped
				}
			}
		default:
			if !sc.readLiteral() {
				return Invalid
			}
		}
	closed:
		// After a value: the end of the text, or a comma or the close of
		// the enclosing object or array.
		for {
			sc.skipSpace()
			if depth == 0 {
				if sc.i != len(sc.s) {
					return Invalid
				}
				return OK
			}
			if sc.i >= len(sc.s) {
				return Invalid
			}
			inArr := sc.arr&(1<<(depth-1)) != 0
			c := sc.s[sc.i]
			if c == ',' {
				sc.i++
				if inArr {
					key = ""
				} else {
					sc.skipSpace()
					k, ok := sc.readKey()
					if !ok {
						return Invalid
					}
					key = k
				}
				if sc.items++; sc.items > sc.Limits.MaxItems {
					return TooManyItems
				}
				break
			}
			if (inArr && c == ']') || (!inArr && c == '}') {
				sc.i++
				depth--
				continue
			}
			return Invalid
		}
	}
}

// wanted reports whether k is a wanted key.
func (sc *Scanner) wanted(k string) bool {
	for _, w := range sc.Wanted {
		if len(w) == len(k) && w == k {
			return true
		}
	}
	return false
}

// readKey reads `"key" :` and returns the key as written (a key with
// escapes is returned with a leading NUL, so that it matches nothing).
func (sc *Scanner) readKey() (string, bool) {
	if sc.i >= len(sc.s) || sc.s[sc.i] != '"' {
		return "", false
	}
	raw, esc, ok := sc.readString()
	if !ok {
		return "", false
	}
	sc.skipSpace()
	if sc.i >= len(sc.s) || sc.s[sc.i] != ':' {
		return "", false
	}
	sc.i++
	if esc {
		return "\x00", true
	}
	if raw == "" {
		return "\x00", true // the empty key is never wanted, and is not "no key"
	}
	return raw, true
}

// stringStop has true for the bytes that end the fast part of a string:
// the quote, the backslash, control characters and non-ASCII bytes.
var stringStop = func() (t [256]bool) {
	for c := 0; c < 0x20; c++ {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	for c := 0x80; c < 0x100; c++ {
		t[c] = true
	}
	return t
}()

// readString reads a string starting at the opening quote. It returns the
// content between the quotes and whether it holds escapes.
func (sc *Scanner) readString() (string, bool, bool) {
	s := sc.s
	i := sc.i + 1
	start := i
	esc := false
	for {
		for i < len(s) && !stringStop[s[i]] {
			i++
		}
		if i >= len(s) {
			return "", false, false
		}
		switch c := s[i]; {
		case c == '"':
			sc.i = i + 1
			return s[start:i], esc, true
		case c == '\\':
			esc = true
			if i+1 >= len(s) {
				return "", false, false
			}
			switch s[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(s) || !isHex(s[i+2]) || !isHex(s[i+3]) || !isHex(s[i+4]) || !isHex(s[i+5]) {
					return "", false, false
				}
				i += 6
			default:
				return "", false, false
			}
		case c < 0x20:
			return "", false, false
		default: // non-ASCII: one valid UTF-8 sequence
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size <= 1 {
				return "", false, false
			}
			i += size
		}
	}
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// readNumber reads a number per RFC 8259: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (sc *Scanner) readNumber() bool {
	s, i := sc.s, sc.i
	if s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	default:
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if i >= len(s) || !isDigit(s[i]) {
			return false
		}
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if i >= len(s) || !isDigit(s[i]) {
			return false
		}
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	sc.i = i
	return true
}

// readLiteral reads true, false or null.
func (sc *Scanner) readLiteral() bool {
	for _, lit := range [...]string{"true", "false", "null"} {
		if len(sc.s)-sc.i >= len(lit) && sc.s[sc.i:sc.i+len(lit)] == lit {
			sc.i += len(lit)
			return true
		}
	}
	return false
}

// Unescape appends the value of a JSON string's content raw (as Scalar.Raw
// holds it, escapes included) to dst. It returns false when raw holds an
// escape that is not valid JSON; Scan has already refused such text.
func Unescape(dst []byte, raw string) ([]byte, bool) {
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c != '\\' {
			dst = append(dst, c)
			continue
		}
		if i+1 >= len(raw) {
			return dst, false
		}
		i++
		switch raw[i] {
		case '"', '\\', '/':
			dst = append(dst, raw[i])
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			r, ok := hex4(raw, i+1)
			if !ok {
				return dst, false
			}
			i += 4
			if utf16.IsSurrogate(r) {
				// A pair is written \uD83D\uDE00; a lone half is U+FFFD,
				// as encoding/json decodes it.
				if r2, ok := hex4(raw, i+3); ok && i+2 < len(raw) && raw[i+1] == '\\' && raw[i+2] == 'u' {
					if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
						i += 6
						r = d
					} else {
						r = utf8.RuneError
					}
				} else {
					r = utf8.RuneError
				}
			}
			dst = utf8.AppendRune(dst, r)
		default:
			return dst, false
		}
	}
	return dst, true
}

// hex4 reads four hex digits at s[i:].
func hex4(s string, i int) (rune, bool) {
	if i+4 > len(s) {
		return 0, false
	}
	var r rune
	for _, c := range []byte(s[i : i+4]) {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}
