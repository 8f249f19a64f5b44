package catalog

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The seed documents are the vendors' own error code pages, as text. Each
// has its own shape, so each gets its own small parser here, independent of
// the catalog files: the test proves the catalog holds exactly the codes the
// documents list, none missing and none invented.

// seedCode is one code read from a seed document.
type seedCode struct {
	code       string
	httpStatus int // Speakap only; 0 for N/A and 4xx
}

type seedParser func(lines []string) []seedCode

var (
	// "400 -1 Invalid Request The request is ...": HTTP status, code, name and text.
	speakapLine = regexp.MustCompile(`^(\d{3}|N/A|4xx) (-\d+) `)
	// "2601 Authentication failed ...": a four-digit code.
	zingleLine = regexp.MustCompile(`^(\d{4}) `)
	// "ERR_UID_NOT_FOUNDIndicates ...": the code glued to its text.
	cometchatLine = regexp.MustCompile(`^((?:AUTH_)?ERR_[A-Z0-9_]+)Indicates`)
	// "403 Invalid operation or no permission ...": a code in the table.
	neteaseLine = regexp.MustCompile(`^(\d{3,5}) `)
	// "ACCOUNT_NOT_FOUND A matching account ...": UPPER_SNAKE after "Error Codes".
	foneLine = regexp.MustCompile(`^([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*) [A-Z]`)
)

var seedParsers = []struct {
	vendor string
	file   string // glob in testdata/seeds
	want   int
	parse  seedParser
}{
	{"speakap", "000_*.txt", 40, func(lines []string) []seedCode {
		var out []seedCode
		for _, l := range lines {
			if m := speakapLine.FindStringSubmatch(l); m != nil {
				status, _ := strconv.Atoi(m[1]) // N/A and 4xx are not statuses: 0
				out = append(out, seedCode{code: m[2], httpStatus: status})
			}
		}
		return out
	}},
	{"zingle", "001_*.txt", 201, func(lines []string) []seedCode {
		return matchAll(lines, zingleLine)
	}},
	{"cometchat", "002_*.txt", 116, func(lines []string) []seedCode {
		return matchAll(lines, cometchatLine)
	}},
	{"netease_im", "003_*.txt", 50, func(lines []string) []seedCode {
		// The table runs from its header to the page's feedback prompt.
		start := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, "code Description") })
		end := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, "Was this page helpful") })
		if start < 0 || end < start {
			return nil
		}
		return matchAll(lines[start+1:end], neteaseLine)
	}},
	{"fonedynamics", "004_*.txt", 53, func(lines []string) []seedCode {
		start := slices.Index(lines, "Error Codes")
		if start < 0 {
			return nil
		}
		return matchAll(lines[start+1:], foneLine)
	}},
}

func matchAll(lines []string, re *regexp.Regexp) []seedCode {
	var out []seedCode
	for _, l := range lines {
		if m := re.FindStringSubmatch(l); m != nil {
			out = append(out, seedCode{code: m[1]})
		}
	}
	return out
}

func readSeed(t *testing.T, glob string) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "seeds", glob))
	if err != nil || len(paths) != 1 {
		t.Fatalf("seed %s: found %v (%v)", glob, paths, err)
	}
	fh, err := os.Open(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	var lines []string
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		lines = append(lines, strings.TrimRight(sc.Text(), " \t\r"))
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return lines
}

// TestSeedsMatchBuiltin proves the built-in catalog holds exactly the codes
// of the seed documents, vendor by vendor, in the documents' order.
func TestSeedsMatchBuiltin(t *testing.T) {
	c, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if got := vendorIDsOf(c); !slices.Equal(got, builtinOrder) {
		t.Fatalf("built-in vendors %v, want %v", got, builtinOrder)
	}
	total := 0
	for i, sp := range seedParsers {
		t.Run(sp.vendor, func(t *testing.T) {
			seeds := sp.parse(readSeed(t, sp.file))
			if len(seeds) != sp.want {
				t.Errorf("seed document lists %d codes, want %d", len(seeds), sp.want)
			}
			vc := c.Vendors[i]
			docCodes := make([]string, len(seeds))
			for j, s := range seeds {
				docCodes[j] = s.code
			}
			catCodes := make([]string, len(vc.Entries))
			for j, e := range vc.Entries {
				catCodes[j] = e.Code
			}
			if missing := minus(docCodes, catCodes); len(missing) > 0 {
				t.Errorf("%d codes of the document missing from the catalog: %v", len(missing), missing)
			}
			if extra := minus(catCodes, docCodes); len(extra) > 0 {
				t.Errorf("%d codes in the catalog not in the document: %v", len(extra), extra)
			}
			if dups := duplicates(docCodes); len(dups) > 0 {
				t.Errorf("document lists codes twice: %v", dups)
			}
			if !t.Failed() && !slices.Equal(docCodes, catCodes) {
				t.Errorf("catalog order differs from the document's:\n got %v\nwant %v", catCodes, docCodes)
			}
			// Where the document gives an HTTP status, the catalog has it; where
			// it does not (N/A, 4xx), the catalog has none.
			if sp.vendor == "speakap" {
				byCode := map[string]*Entry{}
				for _, e := range vc.Entries {
					byCode[e.Code] = e
				}
				for _, s := range seeds {
					if e := byCode[s.code]; e != nil && e.HTTPStatus != s.httpStatus {
						t.Errorf("speakap %s: http_status %d, document says %d", s.code, e.HTTPStatus, s.httpStatus)
					}
				}
			}
			total += len(seeds)
		})
	}
	if total != 460 {
		t.Errorf("seed documents list %d codes in all, want 460", total)
	}
}

// minus returns the elements of a not in b, in a's order.
func minus(a, b []string) []string {
	in := map[string]bool{}
	for _, s := range b {
		in[s] = true
	}
	var out []string
	for _, s := range a {
		if !in[s] {
			out = append(out, s)
		}
	}
	return out
}

func duplicates(a []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range a {
		if seen[s] {
			out = append(out, s)
		}
		seen[s] = true
	}
	return out
}
