package draft

import (
	"bytes"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/errorcatalog/errorcatalogprocessor/catalog"
	"github.com/errorcatalog/errorcatalogprocessor/cmd/errorcatalog/internal/catalogfile"
)

// Options are what the user tells draft about the vendor and the document.
type Options struct {
	Format  Format // FormatAuto: detect
	Vendor  string // vendor id; default: from the document's file name
	Name    string // vendor name; default: the id
	Hosts   []string
	Source  string // default: the document's file name
	Version string
	Rules   *Rules // nil: the built-in rules
}

// Result is a drafted catalog and what the draft found on the way.
type Result struct {
	File     *catalogfile.File
	YAML     []byte        // the file as written
	Parsed   *catalog.File // YAML as catalog.Parse read it
	Format   Format        // the format read
	Review   int           // entries marked for review
	Hits     map[string]int
	Warnings []string
}

// maxCodes bounds the entries of a drafted catalog: an error reference has
// hundreds, not hundreds of thousands; past this the document is not one.
const maxCodes = 20_000

// maxDescription bounds an entry's description: vendors describe a code in
// a sentence or a paragraph; a longer text is a table the extractor misread.
const maxDescription = 4096

// Draft reads a vendor's error document and drafts its catalog.
func Draft(name string, data []byte, opt Options) (*Result, error) {
	if opt.Rules == nil {
		r, err := LoadRules()
		if err != nil {
			return nil, err
		}
		opt.Rules = r
	}
	lines, f, err := read(data, name, opt.Format)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	x := extract(lines)
	res := &Result{Format: f, Hits: map[string]int{}, Warnings: x.warnings}
	rows := dedupe(x, res)
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s: no error codes found (read as %s): draft takes codes from tables whose header names a code column, or from lines that start with a code; try --format if the format was misdetected", name, f)
	}
	if len(rows) > maxCodes {
		return nil, fmt.Errorf("%s: %d codes found; a drafted catalog holds at most %d", name, len(rows), maxCodes)
	}

	id := opt.Vendor
	if id == "" {
		id = vendorIDFrom(name)
	}
	file := &catalogfile.File{
		Comment: []string{
			fmt.Sprintf("Drafted by errorcatalog draft from %s (%s, %d codes).", filepath.Base(name), f, len(rows)),
			"Review every entry, first those marked REVIEW; each entry's comment names the",
			"rule that classified it. Check it with: errorcatalog lint FILE",
		},
		Vendor: catalogfile.Vendor{
			ID: id, Name: orDefault(opt.Name, id), Hosts: opt.Hosts,
			CodeType: "string", Source: orDefault(opt.Source, filepath.Base(name)), Version: opt.Version,
		},
	}
	if rows[0].shape == shapeInt {
		file.Vendor.CodeType = "int"
	}
	for i := range rows {
		r := &rows[i]
		text := r.Text
		if r.primary != "" {
			text = r.primary
		}
		s := opt.Rules.Classify(r.Code, join(r.Name, codeWordsPlain(r.alias)), text, r.Status)
		e := catalogfile.Entry{
			Code: r.Code, Name: legend(r), Description: r.Text, Section: r.Section, HTTPStatus: r.Status,
			Category: s.Category, Class: s.Class, Severity: s.Severity, Retryable: s.Retryable,
		}
		if e.Name == "" {
			e.Name = r.Code
		}
		if s.Review != "" {
			res.Review++
			res.Hits["(review)"]++
			e.Comment = append(e.Comment, fmt.Sprintf("REVIEW: %s; safe default given (document line %d)", s.Review, r.Line))
		} else {
			res.Hits[s.Rule]++
			e.Comment = append(e.Comment, fmt.Sprintf("rule: %s (document line %d)", s.Rule, r.Line))
		}
		file.Entries = append(file.Entries, e)
	}
	res.File = file
	var buf bytes.Buffer
	if err := catalogfile.Write(&buf, file); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if buf.Len() > catalog.MaxFileSize {
		return nil, fmt.Errorf("%s: the drafted catalog would be %d KiB, more than a catalog file may hold (%d MiB): draft the document's parts into separate files", name, buf.Len()>>10, catalog.MaxFileSize>>20)
	}
	// Never hand out a file the processor would refuse.
	parsed, err := catalog.Parse(name+" (drafted)", buf.Bytes())
	if err != nil {
		return nil, fmt.Errorf("the drafted catalog does not pass lint (check --vendor and --hosts; if they are right, please report this with the document): %w", err)
	}
	res.YAML, res.Parsed = buf.Bytes(), parsed
	return res, nil
}

func orDefault(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// dedupe keeps one shape of code (a catalog's codes share a code_type) and
// the first row of a code documented twice, warning about the others.
func dedupe(x *extraction, res *Result) []Row {
	if len(x.rows) == 0 {
		return nil
	}
	counts := map[bool]int{}
	for _, r := range x.rows {
		counts[r.shape == shapeInt]++
	}
	ints := counts[true] > counts[false]
	seen := map[string]int{}
	var out []Row
	var dropped []string
	for _, r := range x.rows {
		if len(r.Text) > maxDescription {
			cut := maxDescription
			for cut > 0 && !utf8.RuneStart(r.Text[cut]) {
				cut--
			}
			r.Text = r.Text[:cut] + "…"
			res.Warnings = append(res.Warnings, fmt.Sprintf("line %d: the description of %s is cut at %d bytes", r.Line, r.Code, maxDescription))
		}
		if (r.shape == shapeInt) != ints {
			dropped = append(dropped, fmt.Sprintf("%s (line %d)", r.Code, r.Line))
			continue
		}
		key := strings.ToLower(r.Code) // symbolic codes match case-insensitively
		if ints {
			n, _ := strconv.ParseInt(r.Code, 10, 64)
			key = strconv.FormatInt(n, 10) // 01002 is 1002, as the catalog reads it
		}
		if first, ok := seen[key]; ok {
			res.Warnings = append(res.Warnings, fmt.Sprintf("line %d: code %s is documented again (first on line %d); the first is kept", r.Line, r.Code, first))
			continue
		}
		seen[key] = r.Line
		out = append(out, r)
	}
	if len(dropped) > 0 {
		kind := "symbolic"
		if ints {
			kind = "integer"
		}
		res.Warnings = append(res.Warnings, fmt.Sprintf("most codes are %s; these %d others were left out: %s (a catalog has one code type: draft them into a second file from a copy of the document that holds only them)", kind, len(dropped), strings.Join(dropped, ", ")))
	}
	return out
}

// vendorIDFrom makes a vendor id from a file name: acme-errors.md is acme_errors.
func vendorIDFrom(name string) string {
	base := strings.TrimSuffix(filepath.Base(name), filepath.Ext(name))
	var b strings.Builder
	for i := 0; i < len(base) && b.Len() < 60; i++ {
		c := base[i]
		switch {
		case isLower(c) || isDigit(c):
			b.WriteByte(c)
		case isUpper(c):
			b.WriteByte(c + 'a' - 'A')
		default:
			if b.Len() > 0 && !strings.HasSuffix(b.String(), "_") {
				b.WriteByte('_')
			}
		}
	}
	id := strings.Trim(b.String(), "_")
	if id == "" || !isLower(id[0]) {
		id = "vendor_" + id
	}
	return strings.TrimSuffix(id, "_")
}

// Summary is the report draft prints on stderr.
func (r *Result) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "draft: %d codes found (read as %s), %d marked for review\n", len(r.File.Entries), r.Format, r.Review)
	ids := make([]string, 0, len(r.Hits))
	for id := range r.Hits {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b string) int {
		if d := r.Hits[b] - r.Hits[a]; d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	b.WriteString("draft: rule hits:")
	for _, id := range ids {
		fmt.Fprintf(&b, " %s=%d", id, r.Hits[id])
	}
	b.WriteByte('\n')
	for _, w := range r.Warnings {
		fmt.Fprintf(&b, "draft: warning: %s\n", w)
	}
	return b.String()
}
