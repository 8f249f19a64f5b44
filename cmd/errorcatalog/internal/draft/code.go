package draft

import (
	"strconv"
	"strings"

	"github.com/errorcatalog/errorcatalogprocessor/catalog"
)

// shape is the lexical shape of a code. A document's codes share one; the
// shape is what tells a code from the first word of a sentence.
type shape uint8

const (
	shapeNone   shape = iota
	shapeInt          // 2601, -3, 414
	shapeUpper        // ERR_UID_NOT_FOUND, FORBIDDEN
	shapePascal       // AccountAlreadyExists
	shapeSnake        // invalid_request
	shapeDotted       // auth.token_expired
	shapeToken        // any other code the catalog takes (E100, PAY-001), only in a column its header names a code
)

var shapeNames = [...]string{"none", "integer", "UPPER_SNAKE", "PascalCase", "lower_snake", "dotted", "symbolic"}

func (s shape) String() string { return shapeNames[s] }

// maxCode bounds a code's length, as the catalog does.
const maxCode = 128

// shapeOf returns the shape tok has as a code, or shapeNone.
func shapeOf(tok string) shape {
	if tok == "" || len(tok) > maxCode {
		return shapeNone
	}
	if isInt(tok) {
		return shapeInt
	}
	if !isLetter(tok[0]) {
		return shapeNone
	}
	var upper, lower, digit, under, dot, dash, humps int
	for i := 0; i < len(tok); i++ {
		c := tok[i]
		switch {
		case c >= 'A' && c <= 'Z':
			upper++
			if i > 0 && (isLower(tok[i-1]) || isDigit(tok[i-1])) {
				humps++
			}
		case isLower(c):
			lower++
		case isDigit(c):
			digit++
		case c == '_':
			under++
		case c == '.':
			dot++
		case c == '-':
			dash++
		default:
			return shapeNone
		}
	}
	last := tok[len(tok)-1]
	if last == '_' || last == '.' || last == '-' || strings.Contains(tok, "..") {
		return shapeNone
	}
	switch {
	case dot > 0:
		// auth.token_expired; but not "e.g" or "i.e": every part is a word.
		for p := range strings.SplitSeq(tok, ".") {
			if len(p) < 2 || !isLetter(p[0]) {
				return shapeNone
			}
		}
		return shapeDotted
	case lower == 0 && upper >= 2 && dash == 0:
		// FORBIDDEN, ERR_X; a two-letter word (OK, ID) only with an underscore.
		if under == 0 && upper+digit < 3 {
			return shapeNone
		}
		return shapeUpper
	case upper == 0 && under > 0 && dash == 0:
		return shapeSnake
	case humps >= 1 && tok[0] >= 'A' && tok[0] <= 'Z' && under == 0 && dash == 0 && lower > 0:
		return shapePascal
	case humps >= 1 && isLower(tok[0]) && under == 0 && dash == 0:
		return shapePascal // camelCase reads as the same family
	}
	return shapeNone
}

func isInt(s string) bool {
	d := strings.TrimPrefix(s, "-")
	if d == "" || len(d) > 9 {
		return false
	}
	for i := 0; i < len(d); i++ {
		if !isDigit(d[i]) {
			return false
		}
	}
	return true
}

// catalogToken reports whether tok is a code the catalog takes as a string,
// with a digit or a separator and none at its end, so that a plain word of
// a header-named code column ("none") or a cut one ("PAY-") is not one.
func catalogToken(tok string) bool {
	return catalog.ValidStringCode(tok) && strings.ContainsAny(tok, "0123456789_.-") && !strings.ContainsAny(tok[len(tok)-1:], "_.-")
}

func isLetter(c byte) bool { return isLower(c) || (c >= 'A' && c <= 'Z') }
func isLower(c byte) bool  { return c >= 'a' && c <= 'z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isUpper(c byte) bool  { return c >= 'A' && c <= 'Z' }

// leadCode reads the code a line starts with: the first word, or the
// upper-case run of a code written against its text without a space
// (ERR_UID_NOT_FOUNDIndicates…: the last capital starts the text).
func leadCode(s string) (code, rest string, sh shape) {
	s = strings.TrimLeft(s, " ")
	end := strings.IndexByte(s, ' ')
	if end < 0 {
		end = len(s)
	}
	tok := strings.TrimRight(s[:end], ":;,")
	tok = strings.Trim(tok, `"'`)
	rest = strings.TrimLeft(s[end:], " ")
	if sh = shapeOf(tok); sh != shapeNone {
		return tok, rest, sh
	}
	// Run together: an UPPER_SNAKE code, then a capitalised word.
	i := 0
	for i < len(tok) && (isUpper(tok[i]) || isDigit(tok[i]) || tok[i] == '_') {
		i++
	}
	if i >= 4 && i < len(tok) && isLower(tok[i]) && strings.Contains(tok[:i-1], "_") {
		code := tok[:i-1]
		if shapeOf(code) == shapeUpper {
			return code, strings.TrimLeft(s[i-1:], " "), shapeUpper
		}
	}
	return "", s, shapeNone
}

// statusToken reads an HTTP status column's value: a status (100–599), or
// a placeholder that documents none (N/A, 4xx, -). ok reports either.
func statusToken(tok string) (status int, ok bool) {
	t := strings.ToLower(strings.TrimSpace(tok))
	switch t {
	case "n/a", "na", "-", "—", "–", "none", "":
		return 0, t != ""
	}
	if len(t) == 3 && t[0] >= '1' && t[0] <= '5' && t[1:] == "xx" {
		return 0, true
	}
	if n, err := strconv.Atoi(t); err == nil && len(t) == 3 && n >= 100 && n <= 599 {
		return n, true
	}
	return 0, false
}
