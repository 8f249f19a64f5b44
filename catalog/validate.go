package catalog

import (
	"fmt"
	"net/netip"
	"strings"
	"unicode"
	"unicode/utf8"
)

// codeShape is what a vendor's code_type asks of its codes. The zero value
// knows no vendor and checks only what holds for every vendor.
type codeShape struct {
	known  bool
	vendor string
	typ    CodeType
}

// check returns why a code of the given kind does not fit, or "".
func (s codeShape) check(kind codeKind, code string) string {
	if s.known && s.typ == CodeTypeInt && kind == codeString {
		return fmt.Sprintf("code is a string, but vendor %s has code_type int", s.vendor)
	}
	if s.known && s.typ == CodeTypeString && kind == codeInt {
		return fmt.Sprintf("code is an integer, but vendor %s has code_type string", s.vendor)
	}
	if kind == codeString && !ValidStringCode(code) {
		return fmt.Sprintf("code must match ^[A-Za-z][A-Za-z0-9_.-]*$ (at most %d characters)", maxText)
	}
	return ""
}

// ValidStringCode reports whether s matches ^[A-Za-z][A-Za-z0-9_.-]*$ within
// maxText: what a catalog file accepts as a symbolic code.
func ValidStringCode(s string) bool {
	if s == "" || len(s) > maxText || !isLetter(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !isLetter(c) && !isDigit(c) && c != '_' && c != '.' && c != '-' {
			return false
		}
	}
	return true
}

func isLetter(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }

// checkVendorID returns why id is not a valid vendor id, or "".
func checkVendorID(id string) string {
	ok := id != "" && len(id) <= maxText && id[0] >= 'a' && id[0] <= 'z'
	for i := 1; ok && i < len(id); i++ {
		c := id[i]
		ok = (c >= 'a' && c <= 'z') || isDigit(c) || c == '_'
	}
	if !ok {
		return fmt.Sprintf("id %.40q must match [a-z][a-z0-9_]* (at most %d characters)", id, maxText)
	}
	return ""
}

// checkAlias returns why a is not a valid vendor alias, or "". Aliases are
// matched after trimming the input, so surrounding white space could never match.
func checkAlias(a string) string {
	ok := a != "" && len(a) <= maxText && utf8.ValidString(a) && strings.TrimSpace(a) == a
	for _, r := range a {
		if !ok {
			break
		}
		ok = !unicode.IsControl(r)
	}
	if !ok {
		return fmt.Sprintf("alias %.40q must be 1 to %d printable characters without surrounding spaces", a, maxText)
	}
	return ""
}

// checkHostPattern returns why p is not a valid host pattern, or "". A
// pattern is an exact host name or IP address, or "*.domain", which matches
// the domain and every host under it.
func checkHostPattern(p string) string {
	bad := fmt.Sprintf("host pattern %.40q must be a host name, an IP address, or \"*.\" and a domain (at most %d characters)", p, maxText)
	if p == "" || len(p) > maxText {
		return bad
	}
	if domain, ok := strings.CutPrefix(p, "*."); ok {
		if !validHostName(domain) {
			return bad
		}
		if !strings.Contains(domain, ".") {
			return fmt.Sprintf("host pattern %q would match a whole top-level domain", p)
		}
		return ""
	}
	if validHostName(p) {
		return ""
	}
	if a, err := netip.ParseAddr(p); err == nil && a.Zone() == "" {
		return ""
	}
	return bad
}

// validHostName reports whether s is dot-separated labels of letters,
// digits, hyphens and underscores, each 1 to 63 characters.
func validHostName(s string) bool {
	for label := range strings.SplitSeq(s, ".") {
		if label == "" || len(label) > 63 {
			return false
		}
		for i := 0; i < len(label); i++ {
			if c := label[i]; !isLetter(c) && !isDigit(c) && c != '-' && c != '_' {
				return false
			}
		}
	}
	return true
}

// parseEntryCategory parses a catalog entry's category: any category but
// unknown, which the processor alone writes.
func parseEntryCategory(s string) (Category, string) {
	c, err := ParseCategory(s)
	if err != nil {
		names := make([]string, 0, numCategories-1)
		for _, c := range Categories() {
			if c != CategoryUnknown {
				names = append(names, c.String())
			}
		}
		return 0, fmt.Sprintf("unknown category %.40q (want one of %s)", s, strings.Join(names, ", "))
	}
	if c == CategoryUnknown {
		return 0, "category unknown is reserved for codes missing from the catalog"
	}
	return c, ""
}

// entryRules returns what breaks the taxonomy's rules in e: dashboards and
// alerts rely on success meaning OK and info, and on vendor-side faults being
// at least errors.
func entryRules(e *Entry) []string {
	var out []string
	success := e.Category == CategorySuccess
	switch {
	case success && e.Class != ClassOK:
		out = append(out, fmt.Sprintf("category success requires class OK, got %s", e.Class))
	case !success && e.Class == ClassOK:
		out = append(out, fmt.Sprintf("class OK is only for category success, got %s", e.Category))
	}
	if success && e.Severity != SeverityInfo {
		out = append(out, fmt.Sprintf("category success requires severity info, got %s", e.Severity))
	}
	if success && e.Retryable {
		out = append(out, "category success cannot be retryable")
	}
	if (e.Category == CategoryServer || e.Category == CategoryUnavailable) && e.Severity < SeverityError {
		out = append(out, fmt.Sprintf("category %s requires severity error or critical, got %s", e.Category, e.Severity))
	}
	return out
}
